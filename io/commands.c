/* The pipeline behind each command: read -> validate -> select -> solve ->
 * render -> write.  Kept out of main.c so tests and other programs can run a
 * command without a process. */
#include "io_internal.h"

#include <jansson.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef CJOS_VERSION
#define CJOS_VERSION "0"
#endif

/* Staff by pseudonym from here on: the round's ids are replaced as soon as it
 * is read and checked, so that no output can show them. */
static cj_code pseudonymize(const cj_command *c, cj_loaded *L, cj_errors *errs) {
    /* a salt cjos makes may collide by bad luck: then it makes another */
    for (int attempt = 0; attempt < 3; attempt++) {
        free(L->salt);
        L->salt = c->salt ? cj_strdup(c->salt) : cj_salt_new();
        if (!L->salt) {
            cj_errors_add(errs, CJ_ERR_INTERNAL, false, NULL,
                          "cannot make a salt for the pseudonyms: no randomness from "
                          "'/dev/urandom' (give one with --salt)");
            return CJ_ERR_INTERNAL;
        }
        bool collided;
        if (!cj_round_pseudonymize(L->round, L->salt, &collided)) {
            cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
            return CJ_ERR_NOMEM;
        }
        if (!collided)
            return CJ_OK;
        if (c->salt)
            break;
        /* the ids are gone: read them again before the next salt */
        cj_round_free(L->round);
        L->round = NULL;
        cj_selection_free(L->sel);
        L->sel = NULL;
        cj_errors none = {0};
        if (cj_round_parse(L->text, L->len, &L->round, &none) != CJ_OK ||
            !(L->sel = cj_selection_new(L->round))) {
            cj_errors_clear(&none);
            cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
            return CJ_ERR_NOMEM;
        }
        cj_errors_clear(&none);
        cj_json_locate(L->text, L->len, &L->sel->warnings);
    }
    cj_errors_add(errs, CJ_ERR_USAGE, false, NULL,
                  "two staff members get the same pseudonym under this salt: "
                  "choose another --salt");
    return CJ_ERR_USAGE;
}

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
    if (code == CJ_OK && (c->pseudonymize || c->salt))
        code = pseudonymize(c, out, errs);
    if (code != CJ_OK || !keep_text) {
        free(out->text);
        out->text = NULL;
    }
    if (code != CJ_OK)
        cj_loaded_free(out);
    return code;
}

cj_round *cj_loaded_view(const cj_loaded *L, const cj_audience *a, cj_errors *errs) {
    cj_round *view = cj_round_view(L->text, L->len, L->round, a, errs);
    bool collided;
    if (view && L->salt && !cj_round_pseudonymize(view, L->salt, &collided)) {
        cj_round_free(view);
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        return NULL;
    }
    return view;
}

void cj_loaded_free(cj_loaded *l) {
    free(l->salt);
    free(l->text);
    cj_selection_free(l->sel);
    cj_round_free(l->round);
    *l = (cj_loaded){0};
}

cj_code cj_emit(const cj_command *c, char *text, size_t len, cj_errors *errs) {
    if (!text) {
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        return CJ_ERR_NOMEM;
    }
    cj_code code =
        cj_file_write(c->output ? c->output : "-", c->input, text, len, false, errs);
    free(text);
    return code;
}

cj_code cj_command_validate(const cj_command *c, cj_plan_status *status,
                            cj_errors *errs) {
    cj_loaded L;
    *status = CJ_PLAN_OPTIMAL;
    cj_code code = cj_load(c, false, &L, errs);
    if (code == CJ_OK)
        cj_errors_copy(errs, &L.sel->warnings);
    cj_plan *plan = NULL;
    cj_solve_options deep = cj_objective_only(&c->solve);
    if (code == CJ_OK && c->deep &&
        (code = cj_solve(L.round, L.sel, &deep, &plan, errs)) == CJ_OK) {
        *status = plan->status;
        /* the diagnosis as findings: what cannot hold, then what would help */
        for (size_t i = 0; i < plan->n_diagnosis; i++) {
            const cj_diagnosis *d = &plan->diagnosis[i];
            if (d->change) /* a note: what would help */
                cj_errors_add(errs, CJ_OK, true, NULL, "%s: %s", d->rule, d->message);
            else
                cj_errors_add(errs, CJ_ERR_INPUT, false, NULL, "%s: no plan: %s", d->rule,
                              d->message);
        }
        if (plan->status == CJ_PLAN_UNKNOWN)
            cj_errors_add(errs, CJ_OK, true, NULL, "no plan found within the time limit");
    }
    cj_plan_free(plan);
    cj_loaded_free(&L);
    /* an infeasible round is valid input: the exit code says "no plan" */
    return code;
}

/* Renders `plan` for the command's audience: the whole plan for the
 * procurement team, else the plan of a round cut down to what the audience
 * sees (warnings and diagnoses, which may name others, stay out). */
static char *render_for(const cj_command *c, const cj_loaded *L, const cj_plan *plan,
                        const cj_plan_meta *meta, size_t *len, cj_errors *errs) {
    cj_audience a;
    if (cj_audience_make(c->audience, L->round, L->sel, plan, &a, errs) != CJ_OK)
        return NULL;
    if (a.kind == CJ_AUDIENCE_ALL)
        return cj_plan_render(L->round, plan, meta, c->format, c->lang, len);
    char *text = NULL;
    cj_round *view = cj_loaded_view(L, &a, errs);
    cj_plan *vp = view ? cj_plan_view(L->round, plan, view, &a) : NULL;
    if (vp)
        text = cj_plan_render(view, vp, meta, c->format, c->lang, len);
    cj_plan_free(vp);
    cj_round_free(view);
    cj_audience_free(&a);
    return text;
}

cj_code cj_command_solve(const cj_command *c, cj_plan_status *status, cj_errors *errs) {
    cj_loaded L;
    cj_code code = cj_load(c, c->audience != NULL, &L, errs);
    if (code != CJ_OK)
        return code;
    cj_plan *plan = NULL;
    code = cj_solve(L.round, L.sel, &c->solve, &plan, errs);
    if (code == CJ_OK) {
        cj_plan_meta meta = {L.sha256, "cjos " CJOS_VERSION, cj_solver_glpk_version(),
                             L.salt != NULL};
        size_t len = 0, before = errs->n;
        char *text = render_for(c, &L, plan, &meta, &len, errs);
        if (!text && errs->n > before) {
            code = errs->v[errs->n - 1].code; /* the audience could not be served */
        } else {
            cj_errors_move(errs, &plan->warnings);
            code = cj_emit(c, text, len, errs);
        }
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
    cj_audience a;
    code = cj_audience_make(c->audience, L.round, L.sel, NULL, &a, errs);
    if (code == CJ_OK) {
        size_t len = 0;
        char *text =
            cj_shortlist_render(L.round, L.sel, c->format, a.school, a.provider, &len);
        code = cj_emit(c, text, len, errs);
    }
    cj_audience_free(&a);
    cj_loaded_free(&L);
    return code;
}

/* The best objective with provider p forced into school s (NAN: no plan),
 * under the command's own solver options. */
static double forced_objective(const cj_round *r, const cj_selection *sel,
                               const cj_solve_options *base, int p, int s) {
    int pair[2] = {p, s};
    cj_solve_options o = cj_objective_only(base);
    o.force = pair;
    o.n_force = 1;
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
    cj_audience a = {0};
    if (code == CJ_OK)
        code = cj_audience_make(c->audience, r, sel, plan, &a, errs);
    if (code == CJ_OK && a.kind == CJ_AUDIENCE_PROVIDER) {
        cj_errors_add(
            errs, CJ_ERR_INPUT, false, NULL,
            "--audience '%s': award reasons compare providers, so they are written "
            "for the procurement team and for schools",
            c->audience);
        code = CJ_ERR_INPUT;
    }
    if (code == CJ_OK && a.kind == CJ_AUDIENCE_SCHOOL)
        only = a.index; /* a school reads its own reasons */
    cj_price *prices = NULL;
    size_t n_prices = 0;
    for (size_t s = 0; code == CJ_OK && s < r->n_schools; s++) {
        if (only >= 0 && (int)s != only)
            continue;
        int cand[256];
        size_t nc = cj_reasons_candidates(r, plan, (int)s, cand, 256);
        for (size_t i = 0; i < nc && i < 256; i++) {
            if (!is_eligible(sel, cand[i], (int)s) ||
                (a.provider && !a.provider[cand[i]]))
                continue;
            cj_price *v = realloc(prices, (n_prices + 1) * sizeof *v);
            if (!v) {
                code = CJ_ERR_NOMEM;
                break;
            }
            prices = v;
            prices[n_prices++] = (cj_price){
                cand[i], (int)s, forced_objective(r, sel, &c->solve, cand[i], (int)s)};
        }
    }
    if (code == CJ_OK) {
        char *text = cj_reasons_render(r, sel, plan, prices, n_prices, only, a.provider,
                                       c->lang, &len);
        code = cj_emit(c, text, len, errs);
    }
    cj_audience_free(&a);
    free(prices);
    cj_plan_free(plan);
    cj_loaded_free(&L);
    return code;
}

cj_code cj_command_alternatives(const cj_command *c, cj_errors *errs) {
    cj_loaded L;
    cj_code code = cj_load(c, c->audience != NULL, &L, errs);
    if (code != CJ_OK)
        return code;
    int school = -1;
    if (c->school && (school = cj_round_school(L.round, c->school)) < 0) {
        cj_errors_add(errs, CJ_ERR_INPUT, false, NULL, "--school '%s': unknown school",
                      c->school);
        cj_loaded_free(&L);
        return CJ_ERR_INPUT;
    }
    size_t k = c->k ? c->k : 3, n = 0;
    cj_plan **plans = calloc(k, sizeof *plans);
    int **used = calloc(k, sizeof *used);
    size_t *used_len = calloc(k, sizeof *used_len);
    if (!plans || !used || !used_len)
        code = CJ_ERR_NOMEM;
    /* each plan must differ from all earlier ones: one no-good row each */
    while (code == CJ_OK && n < k) {
        cj_solve_options o = c->solve;
        o.nogood = (const int *const *)used;
        o.nogood_len = used_len;
        o.n_nogood = n;
        o.nogood_school = school;
        cj_plan *p = NULL;
        code = cj_solve(L.round, L.sel, &o, &p, errs);
        if (code != CJ_OK)
            break;
        if (p->status != CJ_PLAN_OPTIMAL && p->status != CJ_PLAN_FEASIBLE) {
            cj_plan_free(p);
            break;
        }
        size_t pairs = 0;
        for (size_t s = 0; s < p->n_schools; s++)
            pairs += p->schools[s].n;
        used[n] = malloc((2 * pairs + 1) * sizeof **used);
        if (!used[n]) {
            cj_plan_free(p);
            code = CJ_ERR_NOMEM;
            break;
        }
        for (size_t s = 0; s < p->n_schools; s++)
            for (size_t j = 0; j < p->schools[s].n; j++) {
                used[n][2 * used_len[n]] = p->schools[s].a[j].provider;
                used[n][2 * used_len[n] + 1] = (int)s;
                used_len[n]++;
            }
        plans[n++] = p;
    }
    if (code == CJ_OK && n == 0) {
        cj_errors_add(errs, CJ_ERR_INPUT, true, NULL,
                      "no feasible plan: see 'cjos solve'");
    }
    cj_audience a = {0};
    if (code == CJ_OK)
        code = cj_audience_make(c->audience, L.round, L.sel, NULL, &a, errs);
    if (code == CJ_OK && a.kind != CJ_AUDIENCE_ALL) {
        /* the views of the plans, in terms of the round cut down for the audience */
        cj_round *view = cj_loaded_view(&L, &a, errs);
        for (size_t i = 0; view && i < n; i++) {
            cj_plan *v = cj_plan_view(L.round, plans[i], view, &a);
            cj_plan_free(plans[i]);
            plans[i] = v;
            code = v ? code : CJ_ERR_NOMEM;
        }
        if (view && code == CJ_OK) {
            school =
                school >= 0 ? cj_round_school(view, L.round->schools[school].id) : -1;
            cj_round_free(L.round); /* from here on the view is the round */
            L.round = view;
        } else {
            cj_round_free(view);
            code = code == CJ_OK ? CJ_ERR_INTERNAL : code;
        }
    }
    cj_audience_free(&a);
    if (code == CJ_OK) {
        cj_plan_meta meta = {L.sha256, "cjos " CJOS_VERSION, cj_solver_glpk_version(),
                             L.salt != NULL};
        size_t len = 0;
        char *text = cj_alternatives_render(L.round, plans, n, k, school, &meta,
                                            c->format, c->lang, &len);
        code = cj_emit(c, text, len, errs);
    }
    for (size_t i = 0; i < k && plans && used; i++) {
        cj_plan_free(plans[i]);
        free(used[i]);
    }
    free(plans);
    free(used);
    free(used_len);
    cj_loaded_free(&L);
    return code;
}

/* A plan file as a jansson document, or NULL with a finding. */
static json_t *plan_doc(const char *path, size_t max, cj_code *code, cj_errors *errs) {
    size_t len, from = errs->n;
    char *buf = cj_file_read(path, max, &len, NULL, errs);
    if (!buf) {
        *code = CJ_ERR_READ;
        return NULL;
    }
    json_error_t je;
    json_t *doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
    free(buf);
    const char *fmt = json_string_value(json_object_get(doc, "format"));
    if (!doc) {
        cj_errors_add(errs, CJ_ERR_INPUT, false, NULL, "invalid JSON: %s", je.text);
        errs->v[errs->n - 1].line = je.line;
        errs->v[errs->n - 1].column = je.column > 0 ? je.column : 1;
    } else if (!fmt || strcmp(fmt, CJ_FORMAT_PLAN) != 0 ||
               !json_is_array(json_object_get(doc, "schools"))) {
        cj_errors_add(errs, CJ_ERR_INPUT, false, "$.format",
                      "not a plan: expected format '%s'", CJ_FORMAT_PLAN);
        json_decref(doc);
        doc = NULL;
    }
    cj_errors_set_file(errs, from, path);
    if (!doc)
        *code = CJ_ERR_INPUT;
    return doc;
}

cj_code cj_command_compare(const cj_command *c, cj_errors *errs) {
    cj_code code = CJ_OK;
    json_t *a = plan_doc(c->input, c->max_input, &code, errs);
    json_t *b = a ? plan_doc(c->plan, c->max_input, &code, errs) : NULL;
    if (a && b) {
        const char *ra = json_string_value(json_object_get(a, "round"));
        const char *rb = json_string_value(json_object_get(b, "round"));
        if (!ra || !rb || strcmp(ra, rb) != 0)
            cj_errors_add(errs, CJ_OK, true, NULL,
                          "the plans are of different rounds ('%s' and "
                          "'%s'): schools and providers are matched by id",
                          ra ? ra : "?", rb ? rb : "?");
        json_t *cmp = cj_compare_json(a, b, c->input, c->plan);
        size_t len = 0;
        char *text = cmp ? cj_compare_render(cmp, c->format, c->lang, &len) : NULL;
        json_decref(cmp);
        code = cj_emit(c, text, len, errs);
    }
    json_decref(a);
    json_decref(b);
    return code;
}
