/* Fuzz target: small valid rounds through the whole pipeline, solver, rota
 * and plan writers included, then once more with staff by pseudonym.  Rounds
 * above a few schools, providers and staff are skipped so every input stays
 * fast; the solver has a time limit. */
#include "io_internal.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    cj_errors e = {0};
    cj_round *r = NULL;
    size_t staff = 0;
    bool parsed = cj_round_parse((const char *)data, size, &r, &e) == CJ_OK;
    for (size_t p = 0; parsed && p < r->n_providers; p++)
        staff += r->providers[p].n_staff;
    if (parsed && r->n_schools <= 6 && r->n_providers <= 6 && staff <= 16) {
        cj_selection *sel = cj_selection_new(r);
        cj_solve_options o = {.time_limit = 1};
        cj_plan *p = NULL;
        if (sel && cj_solve(r, sel, &o, &p, &e) == CJ_OK) {
            cj_plan_meta m = {"0", "cjos fuzz", "glpk", false};
            for (int f = CJ_OUT_JSON; f <= CJ_OUT_HTML; f++) {
                size_t n;
                free(cj_plan_render(r, p, &m, (cj_out_format)f, NULL, &n));
            }
            bool collided;
            if (cj_round_pseudonymize(r, "fuzz", &collided)) {
                size_t n;
                free(cj_plan_render(r, p, &m, CJ_OUT_MD, NULL, &n));
            }
        }
        cj_plan_free(p);
        cj_selection_free(sel);
    }
    cj_round_free(r);
    cj_errors_clear(&e);
    return 0;
}
