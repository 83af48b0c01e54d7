/*
 * Diagnosis of an infeasible round by an elastic model: every rule family
 * that can give way (provider counts, cluster and school FTE ranges,
 * amounts, capacities, numbers of schools, required expertise) gets a
 * penalised slack, and the smallest total change that makes a plan exist is
 * read back and said in the user's words.  When the fix is to lower an FTE
 * minimum, a second solve with those minima kept says what else could give
 * way instead (usually: raise amounts).
 */
#include "solver_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One slack: the row it relaxes, which side, and what a unit of it means. */
typedef struct {
    int row, col;
    bool lower; /* relaxes the row's lower bound (else its upper bound) */
    char family[8];
    int index; /* 1-based school, cluster or provider number from the row name */
    int expertise;
} slack;

typedef struct {
    slack *v;
    size_t n;
} slacks;

/* The weight of one unit of slack: FTE and counts weigh 1, money 1 per
 * EUR 100,000 (about one FTE), so the smallest change is the cheapest one. */
static double weight(const char *family) {
    return strcmp(family, "C5") == 0 || strcmp(family, "C6") == 0 ? 1e-5 : 1;
}

static bool add_slack(glp_prob *P, slacks *S, int row, bool lower, const char *family,
                      int index, int expertise) {
    slack *v = realloc(S->v, (S->n + 1) * sizeof *v);
    if (!v)
        return false;
    S->v = v;
    int col = glp_add_cols(P, 1);
    int ind[2] = {0, row};
    double val[2] = {0, lower ? 1.0 : -1.0};
    glp_set_mat_col(P, col, 1, ind, val);
    glp_set_col_bnds(P, col, GLP_LO, 0, 0);
    glp_set_obj_coef(P, col, -weight(family));
    char name[64];
    snprintf(name, sizeof name, "slack_%d_%s", row, lower ? "lo" : "up");
    glp_set_col_name(P, col, name);
    slack *s = &S->v[S->n++];
    *s = (slack){row, col, lower, "", index, expertise};
    snprintf(s->family, sizeof s->family, "%s", family);
    return true;
}

static bool allowed(const char *family, const char *const *families) {
    for (; *families; families++)
        if (strcmp(*families, family) == 0)
            return true;
    return false;
}

/* Adds slacks to the relaxable rows of the given families, named as
 * build.c names them. */
static bool make_elastic(glp_prob *P, slacks *S, const char *const *families) {
    int rows = glp_get_num_rows(P);
    for (int j = 1; j <= glp_get_num_cols(P); j++)
        glp_set_obj_coef(P, j, 0);
    for (int i = 1; i <= rows; i++) {
        const char *name = glp_get_row_name(P, i);
        char family[8] = "";
        int index = 0, e = 0;
        if (!name || sscanf(name, "%7[^_]_%*c%d_e%d", family, &index, &e) < 2 ||
            !allowed(family, families))
            continue;
        bool lo_ok = strcmp(family, "C1") == 0 || strcmp(family, "C3") == 0 ||
                     strcmp(family, "C4") == 0 || strcmp(family, "C8") == 0;
        bool up_ok = strcmp(family, "C1") == 0 || strcmp(family, "C3") == 0 ||
                     strcmp(family, "C4") == 0 || strcmp(family, "C5") == 0 ||
                     strcmp(family, "C6") == 0 || strcmp(family, "C7cap") == 0 ||
                     strcmp(family, "C7max") == 0;
        int type = glp_get_row_type(P, i);
        bool has_lo = type == GLP_LO || type == GLP_DB || type == GLP_FX;
        bool has_up = type == GLP_UP || type == GLP_DB || type == GLP_FX;
        if (lo_ok && has_lo && !add_slack(P, S, i, true, family, index, e))
            return false;
        if (up_ok && has_up && !add_slack(P, S, i, false, family, index, e))
            return false;
    }
    return true;
}

static bool solve_elastic(glp_prob *P, const cj_solve_options *opt) {
    glp_iocp io;
    glp_init_iocp(&io);
    io.msg_lev = opt->verbose ? GLP_MSG_ON : GLP_MSG_OFF;
    io.presolve = GLP_ON;
    io.mir_cuts = GLP_ON;
    io.gmi_cuts = GLP_ON;
    io.br_tech = GLP_BR_PCH;
    io.tm_lim = opt->time_limit > 0 && opt->time_limit < 60
                    ? (int)(opt->time_limit * 1000)
                    : 60000;
    int ret = glp_intopt(P, &io);
    int st = glp_mip_status(P);
    return (ret == 0 || ret == GLP_ETMLIM) && (st == GLP_OPT || st == GLP_FEAS);
}

static const char *subject(const cj_round *r, const slack *s) {
    if (s->family[1] == '7')
        return r->providers[s->index - 1].id;
    if (strcmp(s->family, "C3") == 0 || strcmp(s->family, "C6") == 0)
        return r->clusters[s->index - 1].id;
    return r->schools[s->index - 1].id;
}

/* One change in words; `alt` says it is an alternative to the changes before. */
static void say(const cj_round *r, glp_prob *P, const slack *s, double x, bool alt,
                cj_plan *plan) {
    size_t before = plan->n_diagnosis;
    const char *who = subject(r, s);
    double bound = s->lower ? glp_get_row_lb(P, s->row) : glp_get_row_ub(P, s->row);
    double to = s->lower ? bound - x : bound + x;
    char rule[16];
    snprintf(rule, sizeof rule, "%s", s->family[1] == '7' ? "C7" : s->family);
    const char *lead = alt ? "or instead: " : "";
    if (strcmp(s->family, "C1") == 0)
        cj_plan_diagnose(plan, rule, who, bound, to,
                         "%s%s the number of providers of school '%s' to %g (now %s %g)",
                         lead, s->lower ? "lower" : "raise", who, to,
                         s->lower ? "at least" : "at most", bound);
    else if (strcmp(s->family, "C3") == 0 || strcmp(s->family, "C4") == 0)
        cj_plan_diagnose(plan, rule, who, bound, to,
                         "%s%s the FTE %s of %s '%s' to %.4g FTE (now %.4g)", lead,
                         s->lower ? "lower" : "raise", s->lower ? "minimum" : "maximum",
                         s->family[1] == '3' ? "cluster" : "school", who, to, bound);
    else if (strcmp(s->family, "C5") == 0 || strcmp(s->family, "C6") == 0)
        /* whole euros, up, but not for solver noise of a millionth */
        cj_plan_diagnose(plan, rule, who, bound, ceil(to - 1e-6),
                         "%sraise the annual amount of %s '%s' by %.0f (to %.0f)", lead,
                         s->family[1] == '5' ? "school" : "cluster", who, ceil(x - 1e-6),
                         ceil(to - 1e-6));
    else if (strcmp(s->family, "C7cap") == 0)
        cj_plan_diagnose(plan, rule, who, bound, to,
                         "%sraise the FTE capacity of provider '%s' by %.4g to %.4g FTE",
                         lead, who, x, to);
    else if (strcmp(s->family, "C7max") == 0)
        cj_plan_diagnose(plan, rule, who, bound, to,
                         "%slet provider '%s' work at %g schools (now at most %g)", lead,
                         who, to, bound);
    else if (strcmp(s->family, "C8") == 0)
        cj_plan_diagnose(
            plan, rule, who, 1, 0,
            "%slet school '%s' do without expertise '%s' (or admit a provider "
            "that has it)",
            lead, who, r->expertise[s->expertise - 1].id);
    for (size_t i = before; i < plan->n_diagnosis; i++)
        plan->diagnosis[i].change = true;
}

/* Reads the slacks in use; returns how many changes were said. */
static size_t read_changes(const cj_round *r, glp_prob *P, const slacks *S, bool alt,
                           cj_plan *plan) {
    size_t n = 0;
    for (size_t i = 0; i < S->n; i++) {
        double x = glp_mip_col_val(P, S->v[i].col);
        if (x <= 1e-7)
            continue;
        say(r, P, &S->v[i], x, alt && n == 0, plan);
        n++;
    }
    return n;
}

/* An elastic model and its slacks, on the heap so that the GLPK guard can
 * free them when GLPK fails inside (cj_guard_hold). */
typedef struct {
    cj_lp model;
    slacks S;
} elastic;

static void elastic_free(elastic *e) {
    free(e->S.v);
    cj_lp_free(&e->model);
    free(e);
}

/* Frees e but its GLPK problem, which GLPK's environment takes with it. */
static void let_go(void *e) {
    ((elastic *)e)->model.P = NULL;
    elastic_free(e);
}

/* One elastic solve with slacks on `families`; says the changes when a plan
 * then exists.  Returns false when even then none does (or out of memory). */
static bool mode(const cj_round *r, const cj_selection *sel, const cj_solve_options *opt,
                 const char *const *families, bool alt, cj_plan *plan) {
    elastic *e = calloc(1, sizeof *e);
    if (!e || !cj_guard_hold(let_go, e)) {
        free(e);
        return false;
    }
    e->model.elastic = true;
    bool ok = cj_lp_build(&e->model, r, sel, opt) &&
              make_elastic(e->model.P, &e->S, families) && solve_elastic(e->model.P, opt);
    if (ok)
        read_changes(r, e->model.P, &e->S, alt, plan);
    cj_guard_release(e);
    elastic_free(e);
    return ok;
}

size_t cj_diagnose_elastic(const cj_round *r, const cj_selection *sel,
                           const cj_solve_options *opt, cj_plan *plan) {
    /* two kinds of fix, said separately: the rules give way (minima, maxima,
     * provider counts, expertise), or the money and capacity grow */
    static const char *const rules[] = {"C1", "C3", "C4", "C7max", "C8", NULL};
    static const char *const means[] = {"C5", "C6", "C7cap", NULL};
    static const char *const all[] = {"C1",    "C3",    "C4", "C5", "C6",
                                      "C7cap", "C7max", "C8", NULL};
    size_t before = plan->n_diagnosis;
    bool a = mode(r, sel, opt, rules, false, plan);
    bool b = mode(r, sel, opt, means, a, plan);
    if (!a && !b)
        mode(r, sel, opt, all, false, plan);
    return plan->n_diagnosis - before;
}
