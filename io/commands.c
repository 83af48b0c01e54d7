/* The pipeline behind each command: read -> validate -> select -> solve ->
 * render -> write.  Kept out of main.c so tests and other programs can run a
 * command without a process. */
#include "io_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef CJOS_VERSION
#define CJOS_VERSION "0"
#endif

cj_code cj_load(const cj_command *c, bool keep_text, cj_loaded *out, cj_errors *errs) {
    *out = (cj_loaded){0};
    out->text = cj_file_read(c->input, c->max_input, &out->len, out->sha256, errs);
    if (!out->text)
        return errs->n && errs->v[errs->n - 1].code == CJ_ERR_NOMEM ? CJ_ERR_NOMEM
                                                                    : CJ_ERR_READ;
    cj_code code = cj_round_parse(out->text, out->len, &out->round, errs);
    if (code == CJ_OK) {
        out->sel = cj_selection_new(out->round);
        if (out->sel) {
            cj_json_locate(out->text, out->len, &out->sel->warnings);
        } else {
            cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
            code = CJ_ERR_NOMEM;
        }
    }
    if (code != CJ_OK || !keep_text) {
        free(out->text);
        out->text = NULL;
    }
    if (code != CJ_OK)
        cj_loaded_free(out);
    return code;
}

void cj_loaded_free(cj_loaded *l) {
    free(l->text);
    cj_selection_free(l->sel);
    cj_round_free(l->round);
    *l = (cj_loaded){0};
}

static cj_code emit(const cj_command *c, char *text, size_t len, cj_errors *errs) {
    if (!text) {
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        return CJ_ERR_NOMEM;
    }
    cj_code code = cj_file_write(c->output ? c->output : "-", c->input, text, len, false, errs);
    free(text);
    return code;
}

cj_code cj_command_validate(const cj_command *c, cj_errors *errs) {
    cj_loaded L;
    cj_code code = cj_load(c, false, &L, errs);
    if (code == CJ_OK)
        cj_errors_copy(errs, &L.sel->warnings);
    cj_loaded_free(&L);
    return code;
}

cj_code cj_command_solve(const cj_command *c, cj_plan_status *status, cj_errors *errs) {
    cj_loaded L;
    cj_code code = cj_load(c, false, &L, errs);
    if (code != CJ_OK)
        return code;
    cj_plan *plan = NULL;
    code = cj_solve(L.round, L.sel, &c->solve, &plan, errs);
    if (code == CJ_OK) {
        cj_plan_meta meta = {L.sha256, "cjos " CJOS_VERSION, cj_solver_glpk_version()};
        size_t len = 0;
        char *text = cj_plan_render(L.round, plan, &meta, c->format, &len);
        cj_errors_move(errs, &plan->warnings);
        code = emit(c, text, len, errs);
        *status = plan->status;
    }
    cj_plan_free(plan);
    cj_loaded_free(&L);
    return code;
}

cj_code cj_command_shortlist(const cj_command *c, cj_errors *errs) {
    cj_loaded L;
    cj_code code = cj_load(c, false, &L, errs);
    if (code != CJ_OK)
        return code;
    size_t len = 0;
    char *text = cj_shortlist_render(L.round, L.sel, c->format, &len);
    code = emit(c, text, len, errs);
    cj_loaded_free(&L);
    return code;
}

/* The best objective with provider p forced into school s (NAN: no plan). */
static double forced_objective(const cj_round *r, const cj_selection *sel, int p, int s) {
    int pair[2] = {p, s};
    cj_solve_options o = {.time_limit = 30, .force = pair, .n_force = 1};
    cj_errors e = {0};
    cj_plan *plan = NULL;
    double z = NAN;
    if (cj_solve(r, sel, &o, &plan, &e) == CJ_OK &&
        (plan->status == CJ_PLAN_OPTIMAL || plan->status == CJ_PLAN_FEASIBLE))
        z = plan->objective;
    cj_plan_free(plan);
    cj_errors_clear(&e);
    return z;
}

static bool is_eligible(const cj_selection *sel, int p, int s) {
    for (size_t i = sel->first[s]; i < sel->first[s + 1]; i++)
        if (sel->pairs[i].provider == p)
            return true;
    return false;
}

cj_code cj_command_reasons(const cj_command *c, cj_errors *errs) {
    cj_loaded L;
    cj_code code = cj_load(c, false, &L, errs);
    if (code != CJ_OK)
        return code;
    const cj_round *r = L.round;
    const cj_selection *sel = L.sel;
    size_t len = 0, from = errs->n;
    cj_plan *plan = NULL;
    char *buf = cj_file_read(c->plan, c->max_input, &len, NULL, errs);
    if (!buf)
        code = CJ_ERR_READ;
    else if (!(plan = cj_plan_parse(buf, len, r, L.sha256, errs)))
        code = CJ_ERR_INPUT;
    cj_errors_set_file(errs, from, c->plan);
    free(buf);
    int only = -1;
    if (code == CJ_OK && c->school && (only = cj_round_school(r, c->school)) < 0) {
        cj_errors_add(errs, CJ_ERR_INPUT, false, NULL, "--school '%s': unknown school",
                      c->school);
        code = CJ_ERR_INPUT;
    }
    cj_price *prices = NULL;
    size_t n_prices = 0;
    for (size_t s = 0; code == CJ_OK && s < r->n_schools; s++) {
        if (only >= 0 && (int)s != only)
            continue;
        int cand[256];
        size_t nc = cj_reasons_candidates(r, plan, (int)s, cand, 256);
        for (size_t i = 0; i < nc && i < 256; i++) {
            if (!is_eligible(sel, cand[i], (int)s))
                continue;
            cj_price *v = realloc(prices, (n_prices + 1) * sizeof *v);
            if (!v) {
                code = CJ_ERR_NOMEM;
                break;
            }
            prices = v;
            prices[n_prices++] =
                (cj_price){cand[i], (int)s, forced_objective(r, sel, cand[i], (int)s)};
        }
    }
    if (code == CJ_OK) {
        char *text = cj_reasons_render(r, sel, plan, prices, n_prices, only, c->lang, &len);
        code = emit(c, text, len, errs);
    }
    free(prices);
    cj_plan_free(plan);
    cj_loaded_free(&L);
    return code;
}
