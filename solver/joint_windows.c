/*
 * The windows of a staffed plan (docs/rota.md, "The windows of a staffed
 * plan"): where the joint model's search under a time limit is stopped
 * with its plan far from its bound, that plan is searched again one window
 * at a time (solver/windows.c: a cluster and every cluster its providers
 * work in), with every pair outside the window held.  GLPK's search of the
 * whole joint model can take long to find what a small search finds at
 * once: at -t 60, 30 x 18 seed 7 with staff held 54.93 from 14.6 s on, and
 * its windows took that plan to 56.01 in 21 s (the optimum is 56.02),
 * where the search alone ended at 54.96.
 */
#include "solver_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The nodes a window's search may take: as the windows of a priced model
 * (solver/neighbourhoods.c).  Capped at 100, the windows of 30 x 18 seed 7
 * found nothing better; at 500 they found most of the way to the optimum. */
#define JOINT_WINDOW_NODES 500

/* Whether the plan in *o is better than `z`, beyond rounding. */
static bool better_than(const cj_outcome *o, double z) {
    bool plan = o->status == CJ_PLAN_OPTIMAL || o->status == CJ_PLAN_FEASIBLE;
    return plan && o->value > z + 1e-9 * (1 + fabs(z));
}

cj_code cj_joint_windows(cj_lp *lp, const cj_round *r, const cj_selection *sel,
                         const cj_solve_options *opt, bool careful, double ends,
                         cj_outcome *o, cj_errors *errs) {
    size_t n = (size_t)glp_get_num_cols(lp->P) + 1;
    cj_window *w = cj_window_new(lp, r, sel);
    double *best = w ? cj_lp_scratch(lp, n * sizeof *best) : NULL;
    if (!best) {
        if (w)
            cj_window_free(w, lp);
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        return CJ_ERR_NOMEM;
    }
    memcpy(best, lp->val, n * sizeof *best);
    size_t all = 0; /* the pairs whose y is free */
    for (size_t i = 0; i < lp->n_pairs; i++)
        all += glp_get_col_type(lp->P, lp->ycol[i]) != GLP_FX;
    /* the window's own bound is not the plan's: no gap stops it */
    cj_solve_options within = *opt;
    within.gap_limit = 0;
    double t0 = glp_time(), z0 = o->value;
    long searched = 0, better = 0, nodes = 0;
    cj_stop was = cj_stop_last();
    /* a window's search has its plan told: none of the joint search's
     * stops for want of a plan applies */
    double share_ends = lp->share_ends, held_since = lp->held_since;
    lp->share_ends = lp->held_since = lp->windows_from = 0;
    cj_code code = CJ_OK;
    for (bool again = true; again && code == CJ_OK;) {
        again = false;
        for (size_t c = 0; c < r->n_clusters && code == CJ_OK; c++) {
            double left = glp_difftime(ends, glp_time());
            if (left < 0.01)
                break;
            size_t in = cj_window_hold(w, lp, c, best);
            if (in == 0 || in >= all) {
                /* nothing in it can change, or it is the whole model */
                cj_window_release(w, lp);
                continue;
            }
            within.node_limit = lp->nodes - lp->node_base + JOINT_WINDOW_NODES;
            cj_outcome t;
            code = cj_intopt_above(lp, &within, careful, left, NAN, best, (int)n,
                                   o->value, &t, errs);
            cj_window_release(w, lp);
            searched++;
            nodes += t.nodes;
            if (code == CJ_OK && better_than(&t, o->value)) {
                o->value = t.value;
                o->gap = cj_gap_of(o->bound, o->value);
                memcpy(best, lp->val, n * sizeof *best);
                better++;
                again = true;
            } else {
                memcpy(lp->val, best, n * sizeof *best);
            }
        }
    }
    /* the windows' own caps are no limit of the plan's: what stopped the
     * joint model's search is what stopped the plan */
    cj_stop_restore(was);
    lp->share_ends = share_ends;
    lp->held_since = held_since;
    if (opt->verbose)
        fprintf(stderr,
                "windows of the staffed plan: %ld searched, %ld better, %ld nodes, "
                "%.3f s, %.6f to %.6f\n",
                searched, better, nodes, glp_difftime(glp_time(), t0), z0, o->value);
    cj_lp_unscratch(lp, best);
    cj_window_free(w, lp);
    return code;
}
