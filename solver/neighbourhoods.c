/*
 * The search of a priced model (docs/model.md, "The priced rows and
 * neighbourhoods"): ever wider neighbourhoods of the bound of its prices,
 * and the windows of the best plan where a neighbourhood's search stalls
 * (or, under a gap limit, is long).
 */
#include "solver_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Free pairs more than the last neighbourhood's up to which the widening
 * goes straight to bound - z. */
#define JUMP_PAIRS 8
/* The same, as a share of the free pairs of the neighbourhood the widening
 * would search instead, when that one has at most JUMP_WIDEST: one GLPK can
 * be expected to search through (100 x 60: 426 free pairs proven in 12-18
 * s).  A wider one that no search finishes still bounds the plans outside
 * it by bound - delta, which the last cannot (300 x 120 seed 1 at -t 300:
 * gap 0.71% with the 1,014 free pairs of the wider one, 1.04% with the
 * 1,119 of the last). */
#define JUMP_SHARE 0.125
#define JUMP_WIDEST 500
/* Under a gap limit, how many times wider than the next neighbourhood the
 * one a gap stop needs may be for the widening to go straight to it, and
 * how much wider than that need it is taken, so that bound - delta is
 * within the gap in spite of rounding. */
#define GAP_REACH 4
#define GAP_MARGIN 1.01
/* The share of the time limit below which no neighbourhood is begun with a
 * plan in hand (little_left). */
#define LAST_START 0.05
/* Under a gap limit, the nodes a neighbourhood's search takes from which the
 * plan's windows are searched before a wider one that only a better plan
 * can end (only_a_plan_ends), as after one given up: WINDOWS_AFTER, and
 * WINDOWS_PER_CLUSTER for each cluster of the round, about what a pass of
 * the windows takes (2-4 a cluster).  Then the next search is dear and
 * the windows cheap; after searches of 5 to 30 nodes, or of 95 on a round
 * of 90 clusters, they cost more than they saved (measured:
 * docs/performance-record.md, "Windows under a gap limit"). */
#define WINDOWS_AFTER 50
#define WINDOWS_PER_CLUSTER 2
/* The nodes the windows after such a search may take in all, as a multiple
 * of the nodes it took: at 0.1% they seldom reach the gap, and took up to
 * 16 times as many in vain (docs/performance-record.md, as above). */
#define WINDOWS_BUDGET 2
/* Under a gap limit, a plan this many times the limit from what is known
 * asks for the tighter bound (solver/deep.c): it took a quarter to a third
 * of the distance from the programme's bound to the plans on 1000 x 1000
 * (docs/performance-record.md, "A tighter bound"), so a plan further out would
 * rarely be proven by it.  Under a limit below DEEP_FLOOR the distance is
 * taken as DEEP_NEAR times DEEP_FLOOR: there the bound rarely proves the
 * limit, but it is what is reported when the time runs out first (1000 x
 * 1000 seed 1 at 0.05%, 120 s: a gap of 0.089% without it, 0.058% with
 * it, the same plan). */
#define DEEP_NEAR 1.5
#define DEEP_FLOOR 0.001
/* Without a gap limit the tighter bound is sought where a time or node limit
 * stops the search, with the plan within DEEP_NEAR times DEEP_FLOOR; while
 * such a plan is in hand, the searches are given the time limit less this
 * share of it, held back for the bound (1000 x 1000 at 120 s: the bound
 * took 8.5-12.9 s, and on seed 1 the search's last 70 s found nothing;
 * docs/performance-record.md, "At the time limit"), but at most DEEP_HOLD_MOST
 * seconds: the bound took 22 s at most on the largest rounds measured,
 * and a run of an hour would stop its search six minutes early. */
#define DEEP_HOLD 0.1
#define DEEP_HOLD_MOST 60

/* What the next search adds to the bound of the whole model, for the gap
 * limit (cj_lp's gap_region): plans outside it are worth at most `outside`,
 * every plan at most `cap`, and a plan worth `best` is in hand. */
static void set_region(cj_lp *lp, double outside, double cap, double best) {
    lp->gap_region = true;
    lp->gap_outside = outside;
    lp->gap_cap = cap;
    lp->gap_best = best;
}

/* Gives the plan in *o `bound`, which holds for every plan of the model:
 * `optimal` when it proves the plan best, else `feasible` with that bound
 * and its gap.  One rule for every search that ends short of a proof. */
static void settle(cj_outcome *o, double bound) {
    if (cj_bound_meets(bound, o->value)) {
        o->status = CJ_PLAN_OPTIMAL;
        o->bound = o->value;
        o->gap = 0;
    } else {
        o->status = CJ_PLAN_FEASIBLE;
        o->bound = bound;
        o->gap = cj_gap_of(bound, o->value);
    }
}

/* Whether, under a gap limit, `bound`, which holds for every plan, proves a
 * plan worth `value` within the limit of the optimum (or best); false
 * without a gap limit. */
static bool gap_proven(const cj_solve_options *opt, double bound, double value) {
    return opt->gap_limit > 0 &&
           (cj_bound_meets(bound, value) || cj_gap_of(bound, value) <= opt->gap_limit);
}

/* Whether the plan in *o is proven within the gap limit of the optimum by
 * `bound`, which holds for every plan; if so *o is settled by it, and the
 * gap limit is what stopped the search unless the bound proves it best. */
static bool stop_at_gap(const cj_solve_options *opt, double bound, cj_outcome *o) {
    if (!gap_proven(opt, bound, o->value))
        return false;
    settle(o, bound);
    if (o->status == CJ_PLAN_FEASIBLE)
        cj_stop_restore(CJ_STOP_GAP);
    return true;
}

/* Whether the tighter bound of solver/deep.c can still be sought and a
 * plan worth `value` is near enough to `known` to ask for it: within
 * DEEP_NEAR times the gap limit, or DEEP_FLOOR where that is more (as
 * without a gap limit). */
static bool deep_near(const cj_lp *lp, const cj_solve_options *opt, double known,
                      double value) {
    return cj_price_deep_pending(lp->price) &&
           cj_gap_of(known, value) <= DEEP_NEAR * fmax(opt->gap_limit, DEEP_FLOOR);
}

/* When the plan in *o is deep_near() `known` but not within the gap limit:
 * the tighter bound, sought once, lowers *known where it is lower; its
 * seconds are added to *used.  False when out of memory. */
static bool deepen(cj_lp *lp, const cj_solve_options *opt, double *known,
                   const cj_outcome *o, double *used) {
    if (!deep_near(lp, opt, *known, o->value) || gap_proven(opt, *known, o->value))
        return true;
    double t0 = glp_time();
    bool nomem;
    double b = cj_price_deepen(lp->price, cj_time_left(opt, *used), opt->verbose, &nomem);
    *used += glp_difftime(glp_time(), t0);
    if (b < *known)
        *known = b;
    return !nomem;
}

/* deepen() on the way, under a gap limit, which it may prove; without one
 * the bound is for the limit that stops the search (at_limit()). */
static bool deepen_for_gap(cj_lp *lp, const cj_solve_options *opt, double *known,
                           const cj_outcome *o, double *used) {
    return opt->gap_limit <= 0 || deepen(lp, opt, known, o, used);
}

/* The options for the next search: without a gap limit, while the plan in
 * hand is deep_near() `known`, the time limit less DEEP_HOLD of it
 * (DEEP_HOLD_MOST seconds at most), held back for the bound; else opt's. */
static cj_solve_options held_back(const cj_lp *lp, const cj_solve_options *opt,
                                  double known, const cj_outcome *o, bool have) {
    cj_solve_options lim = *opt;
    if (opt->gap_limit <= 0 && opt->time_limit > 0 && have &&
        deep_near(lp, opt, known, o->value))
        lim.time_limit -= fmin(DEEP_HOLD * opt->time_limit, DEEP_HOLD_MOST);
    return lim;
}

/* Whether, under a gap limit, the next neighbourhood, outside which plans
 * are worth at most `outside`, can end the search only by a better plan
 * than the one in *o: even searched through, it would leave the bound of
 * the whole model (with `known`) more than the gap above that plan. */
static bool only_a_plan_ends(const cj_solve_options *opt, double outside, double known,
                             const cj_outcome *o) {
    return opt->gap_limit > 0 &&
           !gap_proven(opt, cj_region_bound(-HUGE_VAL, outside, known), o->value);
}

/* The model as built, without its priced rows, where GLPK lost its way in
 * a neighbourhood, in the time left after
 * *used seconds; its outcome in *o (seconds counted from the start), and
 * *used moved on by its search (the limit's checks after it count from
 * there: they once counted from before it, and a staffed round of 40
 * schools at -t 20 ran 33 s).  With
 * a plan in hand (`have`: *o and its column values `best`), a search that
 * a limit stops before a better one leaves that plan, `feasible`, with the
 * lower of GLPK's bound and `known` (what the prices and the searches
 * before proved), both of which hold for every plan: before, such a
 * search ended `unknown`, and on 20 x 15 seed 19 at --memory-limit 1 the
 * plan the neighbourhood had found was lost (found while a plan far below
 * the bound sent the search here too). */
static cj_code as_built(cj_lp *lp, const cj_solve_options *opt, bool careful,
                        double *used, double known, const double *best, bool have,
                        cj_outcome *o, cj_errors *errs) {
    cj_outcome had = *o;
    double t0 = *used;
    cj_lp_drop_counts(lp); /* first: unpricing renumbers the rows */
    cj_lp_unprice(lp);
    lp->planless = !have; /* a plan in hand needs no rescue */
    /* the whole model: GLPK's bound, capped by what is known */
    set_region(lp, -HUGE_VAL, known, have ? had.value : -HUGE_VAL);
    cj_code code = cj_intopt(lp, opt, careful, cj_time_left(opt, *used), o, errs);
    o->seconds += *used;
    *used = o->seconds;
    if (opt->verbose && code == CJ_OK)
        fprintf(stderr,
                "the model as built, GLPK having failed in a neighbourhood: "
                "status %d, %.6f, %.3f s\n",
                (int)o->status, o->value, *used - t0);
    bool plan = o->status == CJ_PLAN_OPTIMAL || o->status == CJ_PLAN_FEASIBLE;
    if (code == CJ_OK && o->status == CJ_PLAN_FEASIBLE && o->bound > known)
        settle(o, known); /* it holds for every plan too, and is the lower */
    if (code != CJ_OK || !have || (plan && o->value >= had.value))
        return code;
    /* the columns as built come first in `best`: the count columns were
     * the last, and unpricing takes rows only */
    memcpy(lp->val, best, ((size_t)glp_get_num_cols(lp->P) + 1) * sizeof *lp->val);
    double bound = o->status == CJ_PLAN_INFEASIBLE || o->bound > known ? known : o->bound;
    o->value = had.value;
    settle(o, bound);
    return code;
}

/* Keeps the plan of outcome t (in lp->val) as the best in *o and `best`
 * when it is better than what they hold. */
static void keep_better(cj_lp *lp, const cj_outcome *t, cj_outcome *o, double *best,
                        size_t n, bool *have) {
    bool plan = t->status == CJ_PLAN_OPTIMAL || t->status == CJ_PLAN_FEASIBLE;
    if (plan && (!*have || t->value > o->value)) {
        *o = *t;
        memcpy(best, lp->val, n * sizeof *best);
        *have = true;
    } else if (*have) {
        memcpy(lp->val, best, n * sizeof *best); /* GLPK's worse plan, or none */
    }
}

/* The value to tell GLPK in a search for a plan better than z.  Every plan
 * with whole coverage slacks is worth c0 plus a whole number of the step g,
 * so a better one is worth at least the next such value, and a node whose
 * bound is below that holds none.  GLPK is told that value less a margin
 * for rounding in its bounds: ten times its own tolerance (1e-7, relative),
 * or half a step when that is less (measured, docs/performance-record.md: the
 * margin of half a step took 2-6% more nodes); z itself when even that is
 * within GLPK's tolerance, or there is no step. */
static double told_value(const cj_lp *lp, double z, double g) {
    double margin = 1e-6 * (1 + fabs(z));
    if (margin > g / 2)
        margin = g / 2;
    if (!(g > 0) || margin < 5e-7 * (1 + fabs(z)))
        return z;
    double c0 = glp_get_obj_coef(lp->P, 0);
    double k = floor((z - c0) / g + 1e-6) + 1;
    return c0 + k * g - margin;
}

/* The nodes a window's search may take, as many as a stalled neighbourhood
 * gets before it is given up (measured: docs/performance-record.md, "Taken:
 * windows"; without a cap one window of 45 x 28 seed 29 took 12,741). */
#define WINDOW_NODES 500

/* Whether the last neighbourhood that can hold a better plan, the one at
 * `end`, frees hardly more pairs than the one just searched (`free_y`) or
 * than the one the widening would search next (at `grow`): then the
 * widening goes straight to it.  A neighbourhood that cannot end the search
 * costs about as much as one that can with a few more free pairs (30 x 18
 * seed 14: 126 free pairs searched for 22.7 s and given up, before the 136
 * that proved the round).  Measured: against the one just searched,
 * what-if sweeps of the bundled round a third faster, synthetic rounds of
 * 10 to 60 schools the same; against the next, docs/performance-record.md,
 * "Taken: straight to the last neighbourhood when it is hardly wider". */
static bool hardly_wider(cj_price *x, double end, size_t free_y, double grow) {
    size_t at_end = cj_price_free_at(x, end);
    if (at_end <= free_y + JUMP_PAIRS)
        return true;
    size_t at_grow = cj_price_free_at(x, grow);
    return at_grow <= JUMP_WIDEST && (double)at_end <= (double)at_grow * (1 + JUMP_SHARE);
}

/* Whether a time or node limit leaves nothing after `used` seconds. */
static bool spent(const cj_lp *lp, const cj_solve_options *opt, double used) {
    return (opt->time_limit > 0 && used >= opt->time_limit) ||
           (opt->node_limit > 0 && lp->nodes - lp->node_base >= opt->node_limit);
}

/* Whether so little of the time limit is left that a neighbourhood is not
 * begun when a plan is in hand: GLPK's root of a wide neighbourhood passes
 * any limit (1000 x 1000 at -t 60: the neighbourhood of 2,991 free pairs
 * begun with 0.66 s left took 10.7 s for its root and found nothing). */
static bool little_left(const cj_solve_options *opt, double used) {
    return opt->time_limit > 0 && opt->time_limit - used < LAST_START * opt->time_limit;
}

/* Without a gap limit, where a time or node limit stopped the search with
 * a plan in *o near enough to its bound: the tighter bound in the time
 * left, held back for it (held_back()), and *o settled by it where it is
 * lower; *used counts its seconds.  Not when less than LAST_START of the
 * time limit is left, where the plan came near only in the last search and
 * the bound would pass the limit.  False when out of memory. */
static bool at_limit(cj_lp *lp, const cj_solve_options *opt, double *used,
                     cj_outcome *o) {
    cj_stop s = cj_stop_last();
    if (opt->gap_limit > 0 || o->status != CJ_PLAN_FEASIBLE ||
        (s != CJ_STOP_TIME && s != CJ_STOP_NODES) || little_left(opt, *used))
        return true;
    double b = o->bound, had = o->bound;
    bool ok = deepen(lp, opt, &b, o, used);
    if (b < o->bound)
        settle(o, b);
    if (opt->verbose && b < had)
        fprintf(stderr, "bound at the limit: %.6f, with the tighter bound %.6f\n", had,
                o->bound);
    o->seconds = *used;
    return ok;
}

/*
 * Searches the windows of the best plan (solver/windows.c), cluster by
 * cluster, each told the best plan so far, in passes until one finds
 * nothing better, a limit is spent or they have taken `budget` nodes in all
 * (0: no such cap); *used counts the seconds.  A better
 * plan goes into *o and `best` as keep_better() keeps it (as `feasible`:
 * a window's best is not the round's).  CJ_OK, CJ_ERR_INTERNAL when GLPK
 * failed (not said: the caller decides what follows), or CJ_ERR_NOMEM,
 * said in `errs`; the model's bounds are as they were.
 */
static cj_code search_windows(cj_lp *lp, const cj_round *r, const cj_selection *sel,
                              const cj_solve_options *opt, bool careful, double granule,
                              size_t free_y, double known, long budget, double *used,
                              cj_outcome *o, double *best, size_t n, bool *have,
                              cj_errors *errs) {
    cj_window *w = cj_window_new(lp, r, sel);
    if (!w) {
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        return CJ_ERR_NOMEM;
    }
    cj_code code = CJ_OK;
    long searched = 0, nodes = 0, better = 0;
    double t0 = *used, z0 = o->value;
    for (bool again = true; again && code == CJ_OK;) {
        again = false;
        for (size_t c = 0; c < r->n_clusters && !(budget > 0 && nodes >= budget); c++) {
            /* the time for the tighter bound is held back as soon as a
             * window's plan comes near enough (400 x 400 seed 1 at 20 s:
             * otherwise the windows took all of it) */
            cj_solve_options lim = held_back(lp, opt, known, o, *have);
            if (spent(lp, &lim, *used))
                break;
            if (*have && stop_at_gap(opt, known, o))
                break;
            size_t in = cj_window_hold(w, lp, c, best);
            if (in == 0 || in > free_y / 2) {
                /* nothing in it can change, or it is much of the
                 * neighbourhood, whose search is what stalled */
                cj_window_release(w, lp);
                continue;
            }
            /* a window's own search stops after WINDOW_NODES nodes, or what
             * is left of the budget */
            long cap = budget > 0 && budget - nodes < WINDOW_NODES ? budget - nodes
                                                                   : WINDOW_NODES;
            cj_solve_options within = lim;
            long done = lp->nodes - lp->node_base;
            if (opt->node_limit <= 0 || opt->node_limit > done + cap)
                within.node_limit = done + cap;
            cj_outcome t;
            cj_stop was = cj_stop_last();
            /* a window's region is the plan's own neighbourhood: the bound
             * of the whole model stays what is known */
            set_region(lp, known, known, o->value);
            code = cj_intopt_above(lp, &within, careful, cj_time_left(&lim, *used), NAN,
                                   best, (int)n, told_value(lp, o->value, granule), &t,
                                   NULL);
            if (t.stopped == CJ_STOP_NODES && within.node_limit != opt->node_limit)
                cj_stop_restore(was); /* the window's own cap, not the plan's limit */
            cj_window_release(w, lp);
            *used += t.seconds;
            searched++;
            nodes += t.nodes;
            if (code != CJ_OK)
                break;
            bool plan = t.status == CJ_PLAN_OPTIMAL || t.status == CJ_PLAN_FEASIBLE;
            if (plan && t.value > o->value + 1e-9 * (1 + fabs(o->value))) {
                t.status = CJ_PLAN_FEASIBLE;
                keep_better(lp, &t, o, best, n, have);
                better++;
                again = true;
            } else {
                memcpy(lp->val, best, n * sizeof *best);
            }
        }
    }
    cj_window_free(w, lp);
    if (code == CJ_ERR_NOMEM)
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
    if (opt->verbose)
        fprintf(stderr,
                "windows: %ld searched, %ld better, %ld nodes, %.3f s, %.6f to %.6f\n",
                searched, better, nodes, *used - t0, z0, o->value);
    return code;
}

/*
 * Solves a priced model (solver/price.c) within ever wider neighbourhoods of
 * its bound: first only what plans within `delta` of the bound can use; when
 * the best plan there, z, is further than `delta` below the bound, a better
 * one could only be within bound - z, so again with that as `delta` (each
 * neighbourhood holds the last one, and so z).  A neighbourhood with no plan
 * at all widens twofold.  Proves the same optimum as one solve of the whole
 * model; much sooner when the bound is close.
 *
 * Each neighbourhood is solved from scratch with GLPK's presolve, which
 * shrinks it to its free pairs: measured against handing GLPK the last plan
 * as its first incumbent (which rules presolve out), 100 x 60 proves in 39 s
 * instead of 107 s, and the bundled round's sweeps take a third less.
 */
cj_code cj_neighbourhoods(cj_lp *lp, const cj_round *r, const cj_selection *sel,
                          const cj_solve_options *opt, bool careful, cj_outcome *o,
                          cj_errors *errs) {
    /* the time limit counts from the start: the prices took some of it */
    double ub = cj_price_bound(lp->price), used = cj_price_seconds(lp->price);
    double delta = 1e-5 * (1 + fabs(ub)), tol = 1e-9 * (1 + fabs(ub));
    size_t n = (size_t)glp_get_num_cols(lp->P) + 1;
    double *best = cj_lp_scratch(lp, n * sizeof *best); /* the best plan's values */
    if (!best) {
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        return CJ_ERR_NOMEM;
    }
    cj_code code = CJ_OK;
    cj_outcome t = {0};
    bool have = false; /* *o and best hold a plan */
    /* what the neighbourhoods finished so far prove of the whole model: a
     * later one stopped by a time or node limit may know less (nothing at
     * all when it stops before GLPK's first bound); at first what the
     * prices prove, or branch and price where it left a lower bound */
    double known = cj_price_tree_bound(lp->price);
    *o = (cj_outcome){0};
    if (lp->sweep && lp->val && cj_lp_meets(lp->P, lp->val, 1e-9) == 1) {
        /* the plan of a sweep's last scenario holds here too: the first
         * incumbent, and often the best (measured: jumping straight to
         * bound - z instead of widening costs more when it is not) */
        double z = cj_objective_of(lp->P, lp->val);
        cj_outcome start = {.status = CJ_PLAN_FEASIBLE, .value = z, .bound = ub};
        keep_better(lp, &start, o, best, n, &have);
        if (ub - z <= tol) {
            /* as good as the bound: nothing to search */
            *o = (cj_outcome){
                .status = CJ_PLAN_OPTIMAL, .value = z, .bound = z, .seconds = used};
            cj_price_restore(lp->price);
            cj_lp_unscratch(lp, best);
            return CJ_OK;
        }
    }
    const double *proven;
    double proven_value;
    if (cj_price_proven(lp->price, &proven, &proven_value) &&
        cj_lp_meets(lp->P, proven, 1e-9) == 1) {
        /* branch and price proved it; checked against every row all the same,
         * and its value against the model's objective (a plan that meets
         * every row but is worth less is only a first incumbent) */
        double *v = realloc(lp->val, n * sizeof *v);
        if (!v) {
            cj_lp_unscratch(lp, best);
            cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
            return CJ_ERR_NOMEM;
        }
        lp->val = v;
        memcpy(v, proven, n * sizeof *v);
        double z = cj_objective_of(lp->P, v);
        if (z >= proven_value - tol) {
            *o = (cj_outcome){
                .status = CJ_PLAN_OPTIMAL, .value = z, .bound = z, .seconds = used};
            cj_lp_unscratch(lp, best);
            return CJ_OK;
        }
        cj_outcome start = {.status = CJ_PLAN_FEASIBLE, .value = z, .bound = ub};
        keep_better(lp, &start, o, best, n, &have);
    }
    if (have && !deepen_for_gap(lp, opt, &known, o, &used)) {
        cj_price_restore(lp->price);
        cj_lp_unscratch(lp, best);
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        return CJ_ERR_NOMEM;
    }
    if (have && stop_at_gap(opt, known, o)) {
        o->seconds = used;
        cj_price_restore(lp->price);
        cj_lp_unscratch(lp, best);
        return CJ_OK;
    }
    /* what GLPK may branch on besides single pairs (solver/counts.c); not
     * in sweeps, where it was not measured and the targets are met */
    if (!lp->sweep && cj_lp_add_counts(lp, r, sel) < 0) {
        cj_lp_unscratch(lp, best);
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        return CJ_ERR_NOMEM;
    }
    if (opt->verbose && lp->n_counts)
        fprintf(stderr, "count columns: %zu\nstep columns: %zu\n",
                lp->n_counts - lp->n_steps, lp->n_steps);
    double granule = cj_lp_granule(lp);
    bool stalled = false; /* the last neighbourhood was given up */
    for (int round = 0;; round++) {
        /* with no plan yet, a search stopped before one is rescued (and
         * so is the model as built, should GLPK lose its way in it) */
        lp->planless = !have;
        bool all = delta > 2 * (1 + fabs(ub)) || round >= 12, same = false;
        size_t free_y = 0;
        if (!all) {
            free_y = cj_price_reduce(lp->price, delta, &same);
            /* even a wide neighbourhood keeps its step bounds, which GLPK
             * needs (100 x 60: 423 of 559 pairs free, proven in 46 s; the
             * model as built not in 120 s) */
            all = free_y > lp->n_pairs * 9 / 10;
        }
        if (all)
            cj_price_restore(lp->price);
        /* a neighbourhood that cannot be the last (one whose plans above
         * bound - delta would end the search) only looks for a better plan,
         * and gives up when its search stalls below that */
        double matters = NAN;
        if (!all && (!have || delta < ub - o->value - tol))
            matters = ub - delta;
        /* the last neighbourhood's search was long: under a gap limit,
         * what the next one is for can be found in the windows too */
        bool long_search = t.nodes >= WINDOWS_AFTER &&
                           t.nodes >= (long)(WINDOWS_PER_CLUSTER * r->n_clusters) &&
                           have && only_a_plan_ends(opt, ub - delta, known, o);
        if ((stalled || long_search) && have && !isnan(matters)) {
            /* GLPK's search stalled in the last neighbourhood, or took long
             * under a gap limit, and would search a wider one that cannot
             * end the search: first the plan's windows, small searches
             * that GLPK finishes (measured: docs/performance-record.md, "Taken:
             * windows" and "Windows under a gap limit"); after a long search
             * at most WINDOWS_BUDGET times the nodes it took, since the next
             * may well find what they do */
            long budget = stalled ? 0 : WINDOWS_BUDGET * t.nodes;
            code = search_windows(lp, r, sel, opt, careful, granule, free_y, known,
                                  budget, &used, o, best, n, &have, errs);
            o->seconds = used;
            if (code == CJ_ERR_INTERNAL) {
                code = as_built(lp, opt, careful, &used, known, best, have, o, errs);
                break;
            }
            if (code != CJ_OK)
                break;
            if (!deepen_for_gap(lp, opt, &known, o, &used)) {
                code = CJ_ERR_NOMEM;
                cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
                break;
            }
            o->seconds = used;
            if (stop_at_gap(opt, known, o))
                break;
            if (ub - o->value <= delta + tol)
                matters = NAN; /* this one can end the search now */
        }
        double above = NAN; /* the value GLPK is told, if any */
        bool late = false;  /* not begun: little_left() */
        cj_solve_options lim = held_back(lp, opt, known, o, have);
        /* (one given up is searched again: its answer does not stand) */
        if (same && (t.status == CJ_PLAN_OPTIMAL || t.status == CJ_PLAN_INFEASIBLE)) {
            t.seconds = 0; /* the last neighbourhood again: its answer stands */
            t.nodes = 0;
        } else if (have && little_left(&lim, used)) {
            /* as a search that its limit stopped before its first bound */
            t = (cj_outcome){.status = CJ_PLAN_UNKNOWN, .bound = HUGE_VAL};
            cj_stop_restore(CJ_STOP_TIME);
            late = true;
        } else {
            /* the one that can end the search is told the best plan, so that
             * GLPK only looks above it (docs/model.md, "Neighbourhoods") */
            above = have && isnan(matters) ? told_value(lp, o->value, granule) : NAN;
            set_region(lp, all ? -HUGE_VAL : ub - delta, known,
                       have ? o->value : -HUGE_VAL);
            code = cj_intopt_above(lp, opt, careful, cj_time_left(&lim, used), matters,
                                   best, (int)n, above, &t, NULL);
            if (code == CJ_OK && opt->fail_neighbourhood == round + 1)
                code = CJ_ERR_INTERNAL; /* a test's failure: its plan is lost too */
        }
        if (code == CJ_ERR_INTERNAL) {
            /* GLPK lost its way in a neighbourhood: the whole model as
             * built (solved with presolve, so no basis is carried over),
             * in the time that search left */
            used += t.seconds;
            code = as_built(lp, opt, careful, &used, known, best, have, o, errs);
            break;
        }
        if (opt->verbose) {
            char told[64] = "";
            if (!isnan(above))
                snprintf(told, sizeof told, " (above %.6f%s)", above,
                         t.again ? ", searched again untold" : "");
            fprintf(
                stderr,
                "neighbourhood %.6g of bound %.6f: %zu free%s%s%s%s, status %d, %.6f, "
                "%.3f s, %ld nodes\n",
                all ? HUGE_VAL : delta, ub, free_y, same ? " (as before)" : "", told,
                t.gave_up ? " (given up)" : "", late ? " (too late to begin)" : "",
                (int)t.status, t.value, t.seconds, t.nodes);
        }
        used += t.seconds;
        if (code == CJ_ERR_NOMEM)
            cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        if (code != CJ_OK)
            break;
        keep_better(lp, &t, o, best, n, &have);
        if (!have)
            *o = t; /* no plan yet: this neighbourhood's status */
        o->seconds = used;
        if (!t.gave_up && (t.status == CJ_PLAN_FEASIBLE || t.status == CJ_PLAN_UNKNOWN)) {
            /* out of time: GLPK's bound holds inside the neighbourhood, with
             * a plan found there or not (what is known when it has none),
             * and bound - delta outside */
            if (have)
                settle(o, cj_region_bound(t.bound, all ? -HUGE_VAL : ub - delta, known));
            break;
        }
        if (all) {
            if (have && t.status == CJ_PLAN_OPTIMAL)
                settle(o, o->value); /* the whole model */
            break;
        }
        /* the neighbourhood is searched through, or given up with no open
         * node above bound - delta: nothing outside it beats bound - delta,
         * nothing inside it the plan it found or bound - delta */
        double beaten = ub - delta;
        if (t.status == CJ_PLAN_OPTIMAL && t.value > beaten)
            beaten = t.value;
        if (beaten < known)
            known = beaten;
        if (have && (ub - o->value <= delta + tol || cj_bound_meets(known, o->value))) {
            settle(o, o->value); /* proven best */
            break;
        }
        if (have && !deepen_for_gap(lp, opt, &known, o, &used)) {
            code = CJ_ERR_NOMEM;
            cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
            break;
        }
        o->seconds = used;
        if (have && stop_at_gap(opt, known, o))
            break;
        /* a plan far below the bound is no reason to leave the
         * neighbourhoods for the model as built: a tenth below it once was,
         * judged on the plan of the first, narrow neighbourhood, and the
         * wider ones proved such rounds sooner (40 x 22 seed 3: 1.2 s
         * instead of 39 s) and ended better at a time limit on 11 of 15
         * (docs/performance-record.md, "Taken: the neighbourhoods however
         * far the plan") */
        stalled = t.gave_up;
        /* the best plan may lie just outside: widen, at most fourfold (an
         * empty neighbourhood twofold), since a wider one costs more than
         * the few steps */
        double grow = t.status == CJ_PLAN_OPTIMAL || t.gave_up ? 4 * delta : 2 * delta;
        if (have && (ub - o->value < grow ||
                     hardly_wider(lp->price, ub - o->value, free_y, grow)))
            delta = ub - o->value;
        else
            delta = grow;
        if (have && opt->gap_limit > 0) {
            /* under a gap limit, a neighbourhood narrower than `need` can
             * only end the search by a better plan (outside it bound - delta
             * is more than the gap above the plan): when the next is that
             * narrow but `need` is near, straight to it (measured,
             * docs/performance-record.md: 300 x 120 at 1% 35 s instead of 52 s;
             * eight runs of 40 x 25 and 50 x 30 at 0.2-1% 22 s instead of
             * 29 s in all, though three of them slower) */
            double need = (ub - o->value - opt->gap_limit * fabs(o->value)) * GAP_MARGIN;
            if (need > delta && need <= GAP_REACH * delta) {
                delta = need;
                if (opt->verbose)
                    fprintf(stderr, "widening to %.6g, what the gap limit needs\n",
                            delta);
            }
        }
    }
    if (code == CJ_OK && !at_limit(lp, opt, &used, o)) {
        code = CJ_ERR_NOMEM;
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
    }
    lp->planless = false;
    lp->gap_region = false;
    cj_lp_drop_counts(lp);
    cj_price_restore(lp->price);
    cj_lp_unscratch(lp, best);
    return code;
}
