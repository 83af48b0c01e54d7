/*
 * Rounds that fall apart.  When no cluster, provider, interview group,
 * incumbent, decision or known school of a staff member joins two sets of
 * schools, no rule of SPEC §3 or §6 does either, and each set is solved as
 * a round of its own; the plans are joined.  GLPK's branch and bound does
 * not see that the parts are independent, and the neighbourhoods would
 * widen every part by the gap of any: two seeded rounds of 50 and 60
 * schools in one file took 18.2 s together against 2.7 s and 1.1 s apart
 * (docs/performance-record.md).
 *
 * Each part holds every score and every staff member of its providers and
 * every school of its groups, so its selection (eligibility, shortlists) is
 * the whole round's restricted to it; that is checked, and any doubt solves
 * the round whole.
 */
#include "solver_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The share of what the sum of the parts allows that each part is given
 * when they are solved again under a tighter gap limit: below 1, so that
 * plans a little different from the first ones still add up within it. */
#define GAP_SHARE 0.9

int cj_uf_root(int *up, int x) {
    while (up[x] != x) {
        up[x] = up[up[x]];
        x = up[x];
    }
    return x;
}

void cj_uf_join(int *up, int a, int b) {
    a = cj_uf_root(up, a);
    b = cj_uf_root(up, b);
    if (a != b)
        up[a < b ? b : a] = a < b ? a : b; /* the smaller index leads */
}

/* Per school the part it lies in (0, 1, ...), by the first school of each;
 * the number of parts, or -1 when out of memory. */
static int parts_of(const cj_round *r, int *part) {
    size_t ns = r->n_schools, nc = r->n_clusters, np = r->n_providers;
    int *up = malloc((ns + nc + np + 1) * sizeof *up);
    if (!up)
        return -1;
    for (size_t i = 0; i < ns + nc + np; i++)
        up[i] = (int)i;
    int C = (int)ns, P = (int)(ns + nc);
    for (size_t s = 0; s < ns; s++) {
        cj_uf_join(up, (int)s, C + r->schools[s].cluster_idx);
        const cj_refs *inc = &r->schools[s].incumbents;
        for (size_t k = 0; k < inc->n; k++)
            if (inc->idx && inc->idx[k] >= 0)
                cj_uf_join(up, (int)s, P + inc->idx[k]);
    }
    for (size_t p = 0; p < np; p++) {
        const cj_provider *q = &r->providers[p];
        for (size_t k = 0; k < q->admitted.n; k++)
            if (q->admitted.idx && q->admitted.idx[k] >= 0)
                cj_uf_join(up, P + (int)p, C + q->admitted.idx[k]);
        for (size_t m = 0; m < q->n_staff; m++) {
            const cj_refs *at = &q->staff[m].known_at;
            for (size_t k = 0; k < at->n; k++)
                if (at->idx && at->idx[k] >= 0)
                    cj_uf_join(up, P + (int)p, at->idx[k]);
        }
    }
    for (size_t k = 0; k < r->n_scores; k++)
        cj_uf_join(up, r->scores[k].school_idx, P + r->scores[k].provider_idx);
    for (size_t k = 0; k < r->n_decisions; k++)
        cj_uf_join(up, r->decisions[k].school_idx, P + r->decisions[k].provider_idx);
    for (size_t g = 0; g < r->n_groups; g++) {
        const cj_refs *gs = &r->groups[g].schools;
        for (size_t k = 1; k < gs->n; k++)
            cj_uf_join(up, gs->idx[0], gs->idx[k]);
    }
    int n = 0;
    for (size_t s = 0; s < ns; s++) {
        int top = cj_uf_root(up, (int)s);
        if (top == (int)s)
            part[s] = n++;
        else
            part[s] = part[top]; /* the root is the part's first school */
    }
    /* providers: the part of their root's school, or -1 (none) */
    for (size_t p = 0; p < np; p++) {
        int top = cj_uf_root(up, P + (int)p);
        part[ns + p] = top < (int)ns ? part[top] : -1;
    }
    free(up);
    return n;
}

/* School, then provider, then staff member, as postings are listed. */
static int by_place(const void *a, const void *b) {
    const cj_posting *x = a, *y = b;
    if (x->school != y->school)
        return x->school < y->school ? -1 : 1;
    if (x->provider != y->provider)
        return x->provider < y->provider ? -1 : 1;
    return (x->staff > y->staff) - (x->staff < y->staff);
}

/* Adds part plan q (of part round pr) to the whole round's plan; false when
 * out of memory. */
static bool add_part(const cj_round *r, cj_plan *plan, const cj_round *pr,
                     const cj_plan *q) {
    for (size_t i = 0; i < q->n_schools; i++) {
        int s = cj_round_school(r, pr->schools[i].id);
        for (size_t k = 0; k < q->schools[i].n; k++) {
            cj_assignment a = q->schools[i].a[k];
            a.provider = cj_round_provider(r, pr->providers[a.provider].id);
            if (s < 0 || a.provider < 0 || !cj_plan_assign(plan, (size_t)s, &a))
                return false;
        }
    }
    for (size_t i = 0; i < q->n_postings; i++) {
        cj_posting x = q->postings[i];
        x.school = cj_round_school(r, pr->schools[x.school].id);
        x.provider = cj_round_provider(r, pr->providers[x.provider].id);
        if (x.school < 0 || x.provider < 0 || !cj_plan_post(plan, &x))
            return false;
    }
    plan->rota.staffed = q->rota.staffed;
    plan->rota.proven = plan->rota.proven && q->rota.proven;
    plan->n_rows += q->n_rows;
    plan->n_cols += q->n_cols;
    plan->n_int += q->n_int;
    plan->careful = plan->careful || q->careful;
    return true;
}

/*
 * Solves each of the n parts (part: per school and provider its part) as a
 * round of its own, under opt with the gap limit `gap`, in what is left of
 * opt's time limit since t0 and of its node limit after *nodes; the
 * parts' plans joined in *out (the caller frees it, whatever is returned),
 * and the sums of their bounds, their values and their values' sizes.
 * Returns 1, 0 when the round is to be solved whole (a part not the whole
 * round's, or without a plan), -1 when out of memory.
 */
static int solve_each(const cj_round *r, const cj_selection *sel,
                      const cj_solve_options *opt, double gap, const int *part, int n,
                      bool *school_in, bool *provider_in, double t0, long *nodes,
                      cj_plan **out, double *bound, double *value, double *size) {
    size_t ns = r->n_schools, np = r->n_providers;
    cj_plan *plan = *out = cj_plan_new(ns, r->n_expertise);
    int ret = plan ? 1 : -1;
    if (plan) {
        plan->status = CJ_PLAN_OPTIMAL; /* until a part is not */
        plan->rota.proven = true;       /* likewise */
    }
    *bound = *value = *size = 0;
    size_t pairs_done = 0;
    for (int k = 0; k < n && ret == 1; k++) {
        size_t pairs = 0;
        for (size_t s = 0; s < ns; s++) {
            school_in[s] = part[s] == k;
            if (school_in[s])
                pairs += sel->first[s + 1] - sel->first[s];
        }
        for (size_t p = 0; p < np; p++)
            provider_in[p] = part[ns + p] == k;
        cj_round *pr = cj_round_part(r, school_in, provider_in);
        cj_errors e = {0};
        cj_selection *ps = NULL;
        cj_plan *q = NULL;
        if (!pr) {
            ret = -1;
        } else if (cj_round_validate(pr, &e) > 0 || !(ps = cj_selection_new(pr)) ||
                   ps->n_pairs != pairs) {
            ret =
                ps || !pr->validated ? 0 : -1; /* not the whole round's: solve it whole */
        } else {
            /* the time and nodes left, shared by the pairs left to solve */
            cj_solve_options o = *opt;
            o.gap_limit = gap;
            double share = sel->n_pairs > pairs_done
                               ? (double)pairs / (double)(sel->n_pairs - pairs_done)
                               : 1;
            if (opt->time_limit > 0) {
                double left = opt->time_limit - glp_difftime(glp_time(), t0);
                o.time_limit = fmax(0.01, left * share);
            }
            if (opt->node_limit > 0)
                o.node_limit =
                    (long)fmax(1, ceil((double)(opt->node_limit - *nodes) * share));
            bool solved = cj_solve(pr, ps, &o, &q, &e) == CJ_OK;
            if (solved)
                *nodes += q->nodes;
            if (!solved)
                ret = 0; /* the whole round says it again, as its own */
            else if (q->status != CJ_PLAN_OPTIMAL && q->status != CJ_PLAN_FEASIBLE)
                ret = 0; /* the whole round diagnoses what gives way */
            else if (!add_part(r, plan, pr, q))
                ret = -1;
            else {
                if (q->status != CJ_PLAN_OPTIMAL) {
                    plan->status = CJ_PLAN_FEASIBLE;
                    plan->stopped_by = q->stopped_by;
                }
                *bound += q->bound;
                *value += q->objective;
                *size += fabs(q->objective);
            }
            if (opt->verbose && q)
                fprintf(stderr,
                        "part %d of %d: %zu schools, %zu pairs, status %d, %.6f\n", k + 1,
                        n, pr->n_schools, pairs, (int)q->status, q->objective);
        }
        pairs_done += pairs;
        cj_plan_free(q);
        cj_selection_free(ps);
        cj_round_free(pr);
        cj_errors_clear(&e);
    }
    return ret;
}

/* Whether the parts' joined plan, with the sums of their bounds and values,
 * was stopped by the gap limit and yet is further from its bound than the
 * limit allows the sum. */
static bool misses_gap(const cj_plan *plan, double bound, double value,
                       const cj_solve_options *opt) {
    return plan->status == CJ_PLAN_FEASIBLE && plan->stopped_by == CJ_STOP_GAP &&
           !(cj_gap_of(bound, value) <= opt->gap_limit);
}

int cj_solve_parts(const cj_round *r, const cj_selection *sel,
                   const cj_solve_options *opt, cj_plan **out, double *spent,
                   long *nodes) {
    *spent = 0;
    *nodes = 0;
    /* what joins every school to every other: no-goods, forced pairs, a
     * model to export whole */
    if (opt->write_lp || opt->write_mps || opt->n_force || opt->n_nogood ||
        r->n_schools < 2)
        return 0;
    size_t ns = r->n_schools, np = r->n_providers;
    int *part = malloc((ns + np + 1) * sizeof *part);
    bool *school_in = malloc((ns + 1) * sizeof *school_in);
    bool *provider_in = malloc((np + 1) * sizeof *provider_in);
    int n = part && school_in && provider_in ? parts_of(r, part) : -1;
    if (n < 2) {
        free(part);
        free(school_in);
        free(provider_in);
        return n < 0 ? -1 : 0;
    }
    double t0 = glp_time();
    double bound, value, size;
    cj_plan *plan = NULL;
    int ret = solve_each(r, sel, opt, opt->gap_limit, part, n, school_in, provider_in, t0,
                         nodes, &plan, &bound, &value, &size);
    if (ret == 1 && misses_gap(plan, bound, value, opt)) {
        /* each part within the gap of its own value, but parts of both signs
         * (a part's penalties above its scores) put the sum further from its
         * bound than the gap of the sum allows: the parts again, each under
         * its share of what the sum allows, and should that still not do,
         * the whole round under the gap as the user gave it */
        double tighter = size > 0 ? GAP_SHARE * opt->gap_limit * fabs(value) / size : 0;
        if (opt->verbose)
            fprintf(stderr,
                    "parts: gap %.4f%% of the whole above the limit, again at %.4f%%\n",
                    100 * cj_gap_of(bound, value), 100 * tighter);
        cj_plan_free(plan);
        plan = NULL;
        ret = tighter > 0
                  ? solve_each(r, sel, opt, tighter, part, n, school_in, provider_in, t0,
                               nodes, &plan, &bound, &value, &size)
                  : 0;
        if (ret == 1 && misses_gap(plan, bound, value, opt)) {
            if (opt->verbose)
                fprintf(stderr,
                        "parts: gap %.4f%% of the whole still above, solved whole\n",
                        100 * cj_gap_of(bound, value));
            ret = 0;
        }
    }
    free(part);
    free(school_in);
    free(provider_in);
    *spent = glp_difftime(glp_time(), t0);
    if (ret != 1) {
        cj_plan_free(plan);
        return ret;
    }
    cj_plan_evaluate(r, plan);
    if (plan->n_postings) {
        /* in the order a whole round's plan has them */
        qsort(plan->postings, plan->n_postings, sizeof *plan->postings, by_place);
        cj_plan_rota_count(r, plan);
    }
    plan->time_limit = opt->time_limit;
    plan->node_limit = opt->node_limit;
    plan->memory_limit = opt->memory_limit;
    plan->gap_limit = opt->gap_limit;
    plan->nodes = *nodes;
    plan->bound = plan->status == CJ_PLAN_OPTIMAL ? plan->objective : bound;
    plan->gap =
        plan->status == CJ_PLAN_OPTIMAL ? 0 : cj_gap_of(plan->bound, plan->objective);
    cj_errors_copy(&plan->warnings, &sel->warnings);
    *out = plan;
    return 1;
}
