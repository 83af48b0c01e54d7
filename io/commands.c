/* The pipeline behind each command: read -> validate -> select -> solve ->
 * render -> write.  Kept out of main.c so tests and other programs can run a
 * command without a process. */
#include "io_internal.h"

#include <stdio.h>
#include <stdlib.h>

#ifndef CJOS_VERSION
#define CJOS_VERSION "0"
#endif

/* Reads and validates the round; on success *sel holds its selection. */
static cj_code load(const cj_command *c, cj_round **r, cj_selection **sel, char sha[65],
                    cj_errors *errs) {
    *r = NULL;
    *sel = NULL;
    size_t len = 0;
    char *buf = cj_file_read(c->input, c->max_input, &len, sha, errs);
    if (!buf)
        return errs->n && errs->v[errs->n - 1].code == CJ_ERR_NOMEM ? CJ_ERR_NOMEM
                                                                    : CJ_ERR_READ;
    cj_code code = cj_round_parse(buf, len, r, errs);
    if (code != CJ_OK) {
        free(buf);
        return code;
    }
    *sel = cj_selection_new(*r);
    if (*sel)
        cj_json_locate(buf, len, &(*sel)->warnings);
    free(buf);
    if (!*sel) {
        cj_round_free(*r);
        *r = NULL;
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        return CJ_ERR_NOMEM;
    }
    return CJ_OK;
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
    cj_round *r;
    cj_selection *sel;
    char sha[65];
    cj_code code = load(c, &r, &sel, sha, errs);
    if (code == CJ_OK)
        cj_errors_copy(errs, &sel->warnings);
    cj_selection_free(sel);
    cj_round_free(r);
    return code;
}

cj_code cj_command_solve(const cj_command *c, cj_plan_status *status, cj_errors *errs) {
    cj_round *r;
    cj_selection *sel;
    char sha[65];
    cj_code code = load(c, &r, &sel, sha, errs);
    if (code != CJ_OK)
        return code;
    cj_plan *plan = NULL;
    code = cj_solve(r, sel, &c->solve, &plan, errs);
    if (code == CJ_OK) {
        cj_plan_meta meta = {sha, "cjos " CJOS_VERSION, cj_solver_glpk_version()};
        size_t len = 0;
        char *text = cj_plan_render(r, plan, &meta, c->format, &len);
        cj_errors_move(errs, &plan->warnings);
        code = emit(c, text, len, errs);
        *status = plan->status;
    }
    cj_plan_free(plan);
    cj_selection_free(sel);
    cj_round_free(r);
    return code;
}

cj_code cj_command_shortlist(const cj_command *c, cj_errors *errs) {
    cj_round *r;
    cj_selection *sel;
    char sha[65];
    cj_code code = load(c, &r, &sel, sha, errs);
    if (code != CJ_OK)
        return code;
    size_t len = 0;
    char *text = cj_shortlist_render(r, sel, c->format, &len);
    code = emit(c, text, len, errs);
    cj_selection_free(sel);
    cj_round_free(r);
    return code;
}
