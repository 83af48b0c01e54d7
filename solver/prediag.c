/*
 * Diagnoses that need no solver: rules of SPEC §3 that no plan can meet,
 * whatever it chooses, found by counting and by simple upper bounds.  When
 * one is found the round is infeasible and we say why in the user's terms.
 */
#include "solver.h"

#include <math.h>
#include <stdlib.h>

#define EPS 1e-9

static int pmin_of(const cj_round *r, size_t s) {
    const cj_school *sc = &r->schools[s];
    return sc->providers.set ? sc->providers.min : r->policy.pps_min;
}

static int pmax_of(const cj_round *r, size_t s) {
    const cj_school *sc = &r->schools[s];
    return sc->providers.set ? sc->providers.max : r->policy.pps_max;
}

static int cmp_desc(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* The least FTE a pair delivers when used: the minimum, rounded up to a step. */
static double least_fte(const cj_round *r) {
    const cj_policy *p = &r->policy;
    if (!p->has_fte_step)
        return p->min_fte;
    return ceil(p->min_fte / p->fte_step - 1e-9) * p->fte_step;
}

/* The most a pair can deliver: U(p,s), rounded down to a step. */
static double most_fte(const cj_round *r, int p, int s) {
    double u = cj_pair_upper(r, p, s);
    if (r->policy.has_fte_step)
        u = floor(u / r->policy.fte_step + 1e-6) * r->policy.fte_step;
    return u;
}

/* An upper bound on the FTE school s can receive; NAN when out of memory. */
static double school_most(const cj_round *r, const cj_selection *sel, size_t s) {
    const cj_school *sc = &r->schools[s];
    size_t a = sel->first[s], b = sel->first[s + 1];
    double *u = malloc((b - a + 1) * sizeof *u);
    if (!u)
        return NAN;
    double cheapest = INFINITY;
    for (size_t i = a; i < b; i++) {
        u[i - a] = most_fte(r, sel->pairs[i].provider, (int)s);
        double c = r->providers[sel->pairs[i].provider].cost_per_fte;
        if (c < cheapest)
            cheapest = c;
    }
    qsort(u, b - a, sizeof *u, cmp_desc);
    double most = 0;
    int pmax = pmax_of(r, s);
    for (size_t k = 0; k < b - a && (int)k < pmax; k++)
        most += u[k];
    free(u);
    if (sc->fte.set && sc->fte.max < most)
        most = sc->fte.max;
    if (sc->has_amount && b > a && sc->annual_amount / cheapest < most)
        most = sc->annual_amount / cheapest;
    return most;
}

static size_t check_school(const cj_round *r, const cj_selection *sel, cj_plan *plan,
                           size_t s, double *most_out) {
    const cj_school *sc = &r->schools[s];
    const cj_policy *pol = &r->policy;
    size_t before = plan->n_diagnosis;
    size_t a = sel->first[s], b = sel->first[s + 1], n = b - a;
    int pmin = pmin_of(r, s), pmax = pmax_of(r, s);
    double m = least_fte(r);

    if (n == 0 && pmin > 0)
        cj_plan_diagnose(plan, "C1", sc->id, pmin, 0,
                         "school '%s' has no eligible provider, but needs at least %d",
                         sc->id, pmin);
    else if ((size_t)pmin > n)
        cj_plan_diagnose(
            plan, "C1", sc->id, pmin, (double)n,
            "school '%s' needs at least %d providers, but only %zu %s eligible", sc->id,
            pmin, n, n == 1 ? "is" : "are");

    int fixed = 0;
    for (size_t i = a; i < b; i++) {
        const cj_pair *pa = &sel->pairs[i];
        bool must = pa->chosen || (pol->continuity == CJ_CONT_REQUIRE && pa->incumbent);
        if (!must)
            continue;
        fixed++;
        double most = most_fte(r, pa->provider, (int)s);
        if (most + EPS < m)
            cj_plan_diagnose(
                plan, "C2", sc->id, m, most,
                "provider '%s' must work at school '%s' (%s), but can deliver "
                "at most %g FTE there, below the minimum of %g FTE",
                r->providers[pa->provider].id, sc->id,
                pa->chosen ? "chosen" : "incumbent", most, m);
    }
    if (fixed > pmax)
        cj_plan_diagnose(
            plan, "C1", sc->id, fixed, pmax,
            "school '%s' must keep %d chosen or incumbent providers, more than "
            "its maximum of %d",
            sc->id, fixed, pmax);

    if (pol->coverage == CJ_COVER_HARD) {
        const cj_cluster *c = &r->clusters[sc->cluster_idx];
        for (size_t e = 0; e < c->required.n; e++) {
            int ex = c->required.idx[e];
            bool any = false;
            for (size_t i = a; i < b && !any; i++)
                any = r->provider_has[(size_t)sel->pairs[i].provider * r->n_expertise +
                                      (size_t)ex];
            if (!any)
                cj_plan_diagnose(
                    plan, "C8", sc->id, 1, 0,
                    "school '%s' needs expertise '%s', but no eligible provider "
                    "has it",
                    sc->id, r->expertise[ex].id);
            else if (pmax == 0)
                cj_plan_diagnose(
                    plan, "C8", sc->id, 1, 0,
                    "school '%s' needs expertise '%s', but may have no provider", sc->id,
                    r->expertise[ex].id);
        }
    }

    double most = n ? school_most(r, sel, s) : 0;
    *most_out = most;
    if (sc->fte.set && most + EPS < sc->fte.min)
        cj_plan_diagnose(plan, "C4", sc->id, sc->fte.min, most,
                         "school '%s' needs at least %g FTE; within the amounts and "
                         "capacities at most %g FTE can be bought",
                         sc->id, sc->fte.min, most);
    double least = pmin * m;
    if (sc->fte.set && least > sc->fte.max + EPS)
        cj_plan_diagnose(
            plan, "C4", sc->id, least, sc->fte.max,
            "school '%s' needs at least %d providers of at least %g FTE each "
            "(%g FTE), more than its maximum of %g FTE",
            sc->id, pmin, m, least, sc->fte.max);
    return plan->n_diagnosis - before;
}

size_t cj_prediagnose(const cj_round *r, const cj_selection *sel, cj_plan *plan) {
    size_t before = plan->n_diagnosis;
    double *most = calloc(r->n_schools + 1, sizeof *most);
    if (!most)
        return 0;
    for (size_t s = 0; s < r->n_schools; s++)
        check_school(r, sel, plan, s, &most[s]);

    double m = least_fte(r);
    bool *seen = calloc(r->n_providers + 1, sizeof *seen);
    for (size_t c = 0; seen && c < r->n_clusters; c++) {
        const cj_cluster *cl = &r->clusters[c];
        double sum = 0, least = 0, cap = 0, cheapest = INFINITY;
        bool has = false;
        for (size_t p = 0; p < r->n_providers; p++)
            seen[p] = false;
        for (size_t s = 0; s < r->n_schools; s++) {
            const cj_school *sc = &r->schools[s];
            if (sc->cluster_idx != (int)c)
                continue;
            has = true;
            sum += most[s];
            double need = pmin_of(r, s) * m;
            if (sc->fte.set && sc->fte.min > need)
                need = sc->fte.min;
            least += need;
            for (size_t i = sel->first[s]; i < sel->first[s + 1]; i++) {
                int p = sel->pairs[i].provider;
                if (r->providers[p].cost_per_fte < cheapest)
                    cheapest = r->providers[p].cost_per_fte;
                if (!seen[p])
                    cap += cj_provider_capacity(r, p);
                seen[p] = true;
            }
        }
        if (!has)
            continue;
        double buy = sum < cap ? sum : cap;
        if (cl->has_amount && cheapest < INFINITY && cl->annual_amount / cheapest < buy)
            buy = cl->annual_amount / cheapest;
        if (buy + EPS < cl->fte.min)
            cj_plan_diagnose(
                plan, "C3", cl->id, cl->fte.min, buy,
                "cluster '%s' needs at least %g FTE; within the amounts and "
                "capacities at most %g FTE can be bought. Lower the minimum to "
                "%g FTE, or raise the amounts or capacities",
                cl->id, cl->fte.min, buy, floor(buy * 1000) / 1000);
        if (least > cl->fte.max + EPS)
            cj_plan_diagnose(
                plan, "C3", cl->id, least, cl->fte.max,
                "cluster '%s' allows at most %g FTE, but its schools need at "
                "least %g FTE",
                cl->id, cl->fte.max, least);
    }
    free(seen);
    free(most);
    return plan->n_diagnosis - before;
}
