/*
 * Award reasons: which rules keep a higher-scoring provider out of a school
 * in a given plan.  A Dutch award decision must state why the chosen provider
 * won and the others did not; these are the facts behind those sentences.
 */
#include "schools.h"

#include <math.h>
#include <string.h>

#define EPS 1e-9

static bool decided(const cj_round *r, int p, int s, cj_decision_kind kind) {
    for (size_t k = 0; k < r->n_decisions; k++)
        if (r->decisions[k].provider_idx == p && r->decisions[k].school_idx == s &&
            r->decisions[k].kind == kind)
            return true;
    return false;
}

static void add(cj_why *out, size_t cap, size_t *n, cj_why w) {
    if (*n < cap)
        out[*n] = w;
    (*n)++;
}

size_t cj_reasons_blocking(const cj_round *r, const cj_selection *sel,
                           const cj_plan *plan, int s, int p, cj_why *out, size_t cap) {
    size_t n = 0;
    const cj_school *sc = &r->schools[s];
    const cj_provider *pr = &r->providers[p];
    const cj_policy *pol = &r->policy;
    int c = sc->cluster_idx;
    double m = pol->min_fte;
    if (pol->has_fte_step)
        m = ceil(m / pol->fte_step - 1e-9) * pol->fte_step;

    if (decided(r, p, s, CJ_DECIDE_EXCLUDED)) {
        add(out, cap, &n, (cj_why){CJ_WHY_EXCLUDED, 0, 0, -1});
        return n;
    }
    bool eligible = false;
    for (size_t i = sel->first[s]; i < sel->first[s + 1]; i++)
        eligible |= sel->pairs[i].provider == p;
    if (!eligible) {
        add(out, cap, &n, (cj_why){CJ_WHY_SHORTLIST, 0, 0, -1});
        return n;
    }

    /* the plan's totals */
    double p_fte = 0, s_cost = 0, c_cost = 0, c_fte = 0, cheapest = INFINITY;
    int p_schools = 0;
    for (size_t t = 0; t < plan->n_schools; t++) {
        for (size_t k = 0; k < plan->schools[t].n; k++) {
            const cj_assignment *a = &plan->schools[t].a[k];
            double cost = a->fte * r->providers[a->provider].cost_per_fte;
            if (a->provider == p) {
                p_fte += a->fte;
                p_schools++;
            }
            if ((int)t == s) {
                s_cost += cost;
                if (r->providers[a->provider].cost_per_fte < cheapest)
                    cheapest = r->providers[a->provider].cost_per_fte;
            }
            if (r->schools[t].cluster_idx == c) {
                c_cost += cost;
                c_fte += a->fte;
            }
        }
    }
    const cj_school_plan *sp = &plan->schools[s];
    int pmax = sc->providers.set ? sc->providers.max : pol->pps_max;
    if ((int)sp->n >= pmax)
        add(out, cap, &n, (cj_why){CJ_WHY_COUNT, pmax, 0, -1});
    if (pr->fte_capacity - p_fte < m - EPS)
        add(out, cap, &n, (cj_why){CJ_WHY_CAPACITY, pr->fte_capacity - p_fte, m, -1});
    if (pr->has_max_schools && p_schools >= pr->max_schools)
        add(out, cap, &n, (cj_why){CJ_WHY_MAX_SCHOOLS, pr->max_schools, 0, -1});
    if (sc->has_amount && sc->annual_amount - s_cost < m * pr->cost_per_fte - EPS)
        add(out, cap, &n,
            (cj_why){CJ_WHY_AMOUNT, sc->annual_amount - s_cost, m * pr->cost_per_fte,
                     -1});
    const cj_cluster *cl = &r->clusters[c];
    if (cl->has_amount && cl->annual_amount - c_cost < m * pr->cost_per_fte - EPS)
        add(out, cap, &n,
            (cj_why){CJ_WHY_CLUSTER_AMOUNT, cl->annual_amount - c_cost,
                     m * pr->cost_per_fte, -1});
    if (cl->fte.max - c_fte < m - EPS)
        add(out, cap, &n, (cj_why){CJ_WHY_CLUSTER_FTE, cl->fte.max, 0, -1});
    if (pol->coverage != CJ_COVER_OFF) {
        for (size_t e = 0; e < cl->required.n; e++) {
            int x = cl->required.idx[e];
            if (!r->provider_has[(size_t)p * r->n_expertise + (size_t)x] &&
                !sp->uncovered[x])
                add(out, cap, &n, (cj_why){CJ_WHY_EXPERTISE, 0, 0, x});
        }
    }
    if (sp->n > 0 && pr->cost_per_fte > cheapest + EPS)
        add(out, cap, &n, (cj_why){CJ_WHY_COST, pr->cost_per_fte, cheapest, -1});
    return n;
}

size_t cj_reasons_candidates(const cj_round *r, const cj_plan *plan, int s, int *out,
                             size_t cap) {
    const cj_school_plan *sp = &plan->schools[s];
    double lowest = INFINITY;
    for (size_t k = 0; k < sp->n; k++)
        if (sp->a[k].score < lowest)
            lowest = sp->a[k].score;
    size_t n = 0;
    for (size_t p = 0; p < r->n_providers; p++) {
        int k = cj_round_pair(r, (int)p, s);
        if (k < 0)
            continue;
        bool in_plan = false;
        for (size_t i = 0; i < sp->n; i++)
            in_plan |= sp->a[i].provider == (int)p;
        if (in_plan || !(cj_score_total(r, (size_t)k) > lowest + EPS || sp->n == 0))
            continue;
        if (n < cap)
            out[n] = (int)p;
        n++;
    }
    return n;
}
