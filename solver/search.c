/*
 * One GLPK search of the model as it stands: GLPK's parameters, its
 * callback (the bound and gap it reports, a node limit, giving up a search
 * that stalls, a first incumbent), telling it the best plan so far, and
 * reading back what it found.  Every branch and bound of the plan goes
 * through cj_intopt_above(); each runs under the GLPK guard of solve.c.
 */
#include "solver_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    double bound, gap;
    bool have_bound;
    const double *start; /* a plan to give GLPK as its first incumbent, or NULL */
    bool given;
    /* whether a search that can only matter by a plan above `matters_above`
     * is given up when it stalls (give_up_stalled), and how it went: the
     * node count when its best plan was found, that plan's value, whether
     * it was given up */
    bool may_give_up;
    double matters_above;
    int stall_nodes; /* at least these, after the last better plan */
    int found_at;
    double found;
    /* whether the bound must stand still too (cj_intopt_from_stuck): the
     * node count when it last moved, and where it stood */
    bool bound_too;
    int moved_at;
    double stood;
    bool gave_up;
    int nodes;       /* in the search so far */
    long node_limit; /* stop once the search has this many, 0: never */
    size_t memory;   /* bytes of GLPK's memory to stop past, 0: never */
    cj_stop stop;    /* which of those limits stopped it */
    /* its time limit (0: none) and when it began: GLPK looks at its clock
     * only between nodes (time_past) */
    double seconds, began;
    cj_haste haste;   /* branching in haste under a time limit */
    cj_strong strong; /* reliability branching */
    /* the gap limit (0: none), what bounds the whole model beside GLPK's
     * own bound and the best plan in hand (cj_lp's gap_outside, gap_cap and
     * gap_best), and the value GLPK was told (NAN: none), which is its
     * incumbent until it finds a plan and is worth no plan */
    double gap_limit, outside, cap, best, told;
    /* cj_lp's: stop here once a plan is in hand; and when GLPK first held
     * one in this search, or since when one is held in reserve (0: not
     * yet) */
    double share_ends, first_plan;
    /* cj_lp's windows_from and held_value: from then on, a plan this far
     * below the bound stops the search for its windows (far_for_windows) */
    double windows_from, held;
    bool for_windows; /* stopped so, by far_for_windows */
} progress;

/* The limit that stopped a search last on this thread.  A plan's searches
 * run through several models (the relaxation of a staffed round, the rota)
 * and cj_intopt_from(), which has no cj_lp, so the record is kept beside
 * them, one per thread like the GLPK guard of solve.c. */
static _Thread_local cj_stop last_stop;
/* Whether the last search on this thread was stopped for the windows of
 * its plan (its stop on record is then CJ_STOP_TIME). */
static _Thread_local bool last_for_windows;

void cj_stop_reset(void) {
    last_stop = CJ_STOP_NONE;
}
cj_stop cj_stop_last(void) {
    return last_stop;
}
void cj_stop_restore(cj_stop s) {
    last_stop = s;
}
bool cj_stop_for_windows(void) {
    return last_for_windows;
}

/* Which limit stopped a search that glp_intopt ended with `ret`, and the
 * record of it; CJ_STOP_NONE when none did (a search given up stopped
 * since it could no longer matter, not by a limit). */
static cj_stop note_stop(int ret, const progress *pr) {
    cj_stop s = ret == GLP_ETMLIM                  ? CJ_STOP_TIME
                : ret == GLP_ESTOP && !pr->gave_up ? pr->stop
                                                   : CJ_STOP_NONE;
    if (s != CJ_STOP_NONE)
        last_stop = s;
    last_for_windows = s == CJ_STOP_TIME && ret == GLP_ESTOP && pr->for_windows;
    return s;
}

/* The bytes of `mib` MiB (0: none), as GLPK counts its memory. */
static size_t memory_bytes(long mib) {
    return mib > 0 ? (size_t)mib << 20 : 0;
}

int cj_glpk_ms(double seconds) {
    return seconds * 1000 > 2e9 ? 2000000000 : (int)(seconds * 1000);
}

bool cj_glpk_memory_past(size_t bytes) {
    int count, cpeak;
    size_t total, tpeak;
    glp_mem_usage(&count, &cpeak, &total, &tpeak);
    return bytes && total > bytes;
}

/* Nodes a search that can no longer matter goes on after its last better
 * plan: at least STALL_NODES, and STALL_SHARE of the nodes it took to find
 * that plan (docs/performance-record.md, "Giving up a neighbourhood"). */
#define STALL_NODES 500
#define STALL_SHARE 0.5
/* The same for a search from a known solution that may be given up (the
 * week's, cj_intopt_from), which pays only in the lowest levels of the
 * week.  It starts from the week of the windows (solver/rota.c): on 16
 * synthetic rounds of 20 to 38 schools with staff, 500 nodes after them
 * gave weeks as good as 5,000 nodes from the first week, or better
 * (docs/rota.md). */
#define STALL_FROM_NODES 500
/* The same for the staffed joint model from a plan the staff can carry
 * (solver/solve.c), which is given up only once neither its best plan nor
 * its bound has moved for this many nodes: the search from nothing then
 * takes over (docs/rota.md, "A search from a plan that is stuck").  25 x 15
 * seed 8 with staff sat on one bound for 15,000 nodes and more; 20 x 13
 * seed 11, proven from its plan in some 2,900 nodes, moves its bound all
 * the way. */
#define STALL_STUCK_NODES 2000

/* Gives the search up once no open node can reach pr->matters_above and
 * the best plan has not improved for a while.  Counted in nodes, not
 * seconds, so that the same round always gives the same plan. */
static void give_up_stalled(glp_tree *T, progress *pr, int best) {
    int total = pr->nodes;
    glp_prob *Q = glp_ios_get_prob(T);
    int st = glp_mip_status(Q);
    if (st == GLP_FEAS || st == GLP_OPT) {
        double z = glp_mip_obj_val(Q);
        if (!pr->found_at || z != pr->found) {
            pr->found = z;
            pr->found_at = total > 0 ? total : 1;
        }
    }
    double wait = STALL_SHARE * pr->found_at;
    if (wait < pr->stall_nodes)
        wait = pr->stall_nodes;
    int since = pr->found_at;
    if (pr->bound_too && best) {
        if (!pr->moved_at || fabs(pr->bound - pr->stood) > 1e-9 * (1 + fabs(pr->stood))) {
            pr->stood = pr->bound;
            pr->moved_at = total > 0 ? total : 1;
        }
        if (pr->moved_at > since)
            since = pr->moved_at;
    }
    if (glp_ios_reason(T) == GLP_ISELECT && pr->found_at && best &&
        pr->bound < pr->matters_above && total - since > wait) {
        pr->gave_up = true;
        glp_ios_terminate(T);
    }
}

/* Seconds of the search's time limit left (negative once past it). */
static double time_left(const progress *pr) {
    return pr->seconds - glp_difftime(glp_time(), pr->began);
}

/* Whether the search has passed its time limit.  GLPK stops at its limit
 * only when it picks the next node; a node whose LP takes many passes of
 * cuts, each a simplex in numerical trouble, went on past it (1000 x 1000
 * at -t 60: the neighbourhood of 2,991 free pairs 8 s past), so cjos
 * looks at the clock at every call of the callback too. */
static bool time_past(const progress *pr) {
    return pr->seconds > 0 && time_left(pr) < 0;
}

/* Whether the search's best plan is proven within its gap limit of the
 * optimum and not yet proven best.  The bound is that of the whole model,
 * counted as solver/neighbourhoods.c counts it for a search that a limit
 * stops; the best plan is GLPK's or the one in hand, whichever is better;
 * the gap is counted as a plan's. */
static bool within_gap(glp_tree *T, const progress *pr) {
    if (!(pr->gap_limit > 0))
        return false;
    glp_prob *Q = glp_ios_get_prob(T);
    int st = glp_mip_status(Q);
    double z = st == GLP_FEAS || st == GLP_OPT ? glp_mip_obj_val(Q) : -HUGE_VAL;
    if (!isnan(pr->told) && z <= pr->told + 1e-8 * (1 + fabs(pr->told)))
        z = -HUGE_VAL; /* the told value, a hair above the plan told */
    if (z < pr->best)
        z = pr->best;
    if (z == -HUGE_VAL)
        return false;
    double bound =
        cj_region_bound(pr->have_bound ? pr->bound : HUGE_VAL, pr->outside, pr->cap);
    /* a plan already proven best is left to GLPK, whose search then ends
     * with it `optimal` */
    return !cj_bound_meets(bound, z) && cj_gap_of(bound, z) <= pr->gap_limit;
}

/* The relative gap from which a search past its windows' start (cj_lp's
 * windows_from) is stopped for the windows of its plan.  Measured at -t 10
 * on 18 synthetic staffed rounds: with the windows at a fixed half of the
 * share, 25 x 15 seed 13 lost the proof its search reached in the second
 * half (0.49% at the windows' start), and 20 x 13 seed 11 a better plan
 * (0.12%), while the windows gained 3-6% on 30 x 18 seed 7 and 40 x 22
 * seed 2 (7-9% and 3.4% at their start). */
#define WINDOWS_GAP 0.01

/* The part of what is left of a search's time that the windows of its
 * plan may have: the search is stopped for them from then on while its
 * plan is far from its bound (far_for_windows).  At -t 60, 30 x 18 seed 7
 * with staff reached 56.01 where the search alone reached 55.0 (the
 * optimum is 56.02); with 0.3 of the share, 55.93 (docs/rota.md, "The
 * windows of a staffed plan"). */
#define WINDOWS_SHARE 0.5

double cj_windows_begin(double now, double ends) {
    double left = glp_difftime(ends, now);
    return now + 1000 * (1 - WINDOWS_SHARE) * (left > 0 ? left : 0);
}

/* Whether the search, past pr->windows_from, holds a plan (its own or the
 * one in reserve) further than WINDOWS_GAP below its bound: the windows of
 * that plan then get the rest of the time (solver/joint_windows.c).
 * Nearer, the search goes on, its proof perhaps close. */
static bool far_for_windows(glp_tree *T, progress *pr) {
    if (!pr->have_bound || glp_difftime(glp_time(), pr->windows_from) < 0)
        return false;
    glp_prob *Q = glp_ios_get_prob(T);
    int st = glp_mip_status(Q);
    double z = pr->held;
    if ((st == GLP_FEAS || st == GLP_OPT) && glp_mip_obj_val(Q) > z)
        z = glp_mip_obj_val(Q);
    return z > -HUGE_VAL && cj_gap_of(pr->bound, z) > WINDOWS_GAP;
}

static void on_tree(glp_tree *T, void *info) {
    progress *pr = info;
    int best = glp_ios_best_node(T);
    if (best) {
        pr->bound = glp_ios_node_bound(T, best);
        pr->have_bound = true;
    }
    pr->gap = glp_ios_mip_gap(T);
    int active, current;
    glp_ios_tree_size(T, &active, &current, &pr->nodes);
    if (pr->may_give_up)
        give_up_stalled(T, pr, best);
    bool late = time_past(pr);
    if (!late && pr->share_ends > 0 && isnan(pr->told)) {
        int st = glp_mip_status(glp_ios_get_prob(T));
        double now = glp_time();
        if (!pr->first_plan && (st == GLP_FEAS || st == GLP_OPT))
            pr->first_plan = now;
        /* a first plan found late in the share is given as long again as
         * it took, within the time limit: stopped at once, a first plan of
         * a synthetic round of 50 schools with staff was 3.4% worse at 6 s
         * than the one the search went on to */
        late =
            pr->first_plan && glp_difftime(now, pr->share_ends) > 0 &&
            glp_difftime(now, pr->first_plan) >= glp_difftime(pr->first_plan, pr->began);
    }
    if (!late && pr->windows_from > 0)
        late = pr->for_windows = far_for_windows(T, pr);
    if (late) {
        pr->stop = CJ_STOP_TIME;
        glp_ios_terminate(T);
    } else if (glp_ios_reason(T) == GLP_ISELECT && !pr->gave_up) {
        /* limits, like GLPK's own on time */
        if (pr->node_limit && pr->nodes >= pr->node_limit) {
            pr->stop = CJ_STOP_NODES;
            glp_ios_terminate(T);
        } else if (cj_glpk_memory_past(pr->memory)) {
            pr->stop = CJ_STOP_MEMORY;
            glp_ios_terminate(T);
        }
    }
    if (!late && !pr->gave_up && pr->stop == CJ_STOP_NONE && within_gap(T, pr)) {
        pr->stop = CJ_STOP_GAP;
        glp_ios_terminate(T);
    }
    if (pr->start && !pr->given && glp_ios_reason(T) == GLP_IHEUR) {
        pr->given = true;
        glp_ios_heur_sol(T, pr->start);
    }
    cj_strong_follow(&pr->strong, T);
    if (glp_ios_reason(T) == GLP_IROWGEN)
        cj_strong_learn(&pr->strong, T);
    /* haste first: under a limit too short to make pseudo-costs reliable
     * the search dives to a plan instead (docs/model.md), and the tries
     * at the cuts are not made where it will (1000 x 1000 at -t 5:
     * docs/performance-record.md, "Taken: no tries where haste branches") */
    if (glp_ios_reason(T) == GLP_ICUTGEN && !late &&
        !cj_haste_hurries(&pr->haste, T, time_left(pr)))
        cj_strong_cut(&pr->strong, T);
    if (glp_ios_reason(T) == GLP_IBRANCH && !late &&
        !cj_haste_branch(&pr->haste, T, time_left(pr)))
        cj_strong_branch(&pr->strong, T);
}

static void set_params(glp_iocp *io, const cj_solve_options *opt, bool careful,
                       bool small, progress *pr) {
    glp_init_iocp(io);
    io->msg_lev = opt->verbose ? GLP_MSG_ON : GLP_MSG_OFF;
    io->presolve = GLP_ON;
    io->mip_gap = 0;
    if (opt->time_limit > 0)
        io->tm_lim = cj_glpk_ms(opt->time_limit);
    io->cb_func = on_tree;
    io->cb_info = pr;
    /* measured on the bundled round (docs/model.md): without MIR cuts GLPK
     * needs 55,000 nodes and 13 s, with them and pseudo-cost branching 140
     * nodes and 30 ms */
    io->gmi_cuts = GLP_ON;
    io->mir_cuts = GLP_ON;
    io->clq_cuts = GLP_ON;
    io->br_tech = GLP_BR_PCH;
    /* measured (docs/performance-record.md): the best projection proves 100 x 60
     * in 32 s instead of 39-43 s, and 33 rounds of 10 to 60 schools in 16.1 s
     * instead of 18.5 s; the bundled round and sweeps the same */
    io->bt_tech = GLP_BT_BPH;
    /* GLPK 5.0's cover-cut generator fails on some models (see cj_solve) */
    io->cov_cuts = careful ? GLP_OFF : GLP_ON;
    /* measured on seeded synthetic rounds of 10 to 25 schools and on the
     * bundled round (docs/performance-record.md): on small models GLPK's default
     * branching proves sooner (the bundled round 15 ms instead of 35 ms), on
     * larger ones pseudo-costs do (25 schools: 36 s instead of 45 s) */
    if (small)
        io->br_tech = GLP_BR_DTH;
}

/*
 * With continuous FTE: GLPK accepts a binary within 1e-5 of a whole number,
 * and FTE bounded by U y then comes out a hair short (a plan up to 1e-5
 * worse than the best).  Fix the binaries at their whole values and solve
 * the LP again for the FTE; `lp->val` gets its values when it is optimal.
 */
static void polish(cj_lp *lp) {
    glp_prob *P = lp->P;
    int n = glp_get_num_cols(P);
    int *type = cj_lp_scratch(lp, ((size_t)n + 1) * sizeof *type);
    double *lb = cj_lp_scratch(lp, ((size_t)n + 1) * sizeof *lb);
    double *ub = cj_lp_scratch(lp, ((size_t)n + 1) * sizeof *ub);
    for (int j = 1; type && lb && ub && j <= n; j++) {
        type[j] = glp_get_col_type(P, j);
        lb[j] = glp_get_col_lb(P, j);
        ub[j] = glp_get_col_ub(P, j);
        if (glp_get_col_kind(P, j) != GLP_CV) {
            double v = round(lp->val[j]);
            glp_set_col_bnds(P, j, GLP_FX, v, v);
        }
    }
    glp_smcp sm;
    glp_init_smcp(&sm);
    sm.msg_lev = GLP_MSG_OFF;
    sm.presolve = GLP_ON; /* no basis to start from is needed */
    if (type && lb && ub && glp_simplex(P, &sm) == 0 && glp_get_status(P) == GLP_OPT)
        for (int j = 1; j <= n; j++)
            lp->val[j] = glp_get_col_kind(P, j) != GLP_CV ? round(lp->val[j])
                                                          : glp_get_col_prim(P, j);
    for (int j = 1; type && lb && ub && j <= n; j++)
        glp_set_col_bnds(P, j, type[j], lb[j], ub[j]);
    cj_lp_unscratch(lp, type);
    cj_lp_unscratch(lp, lb);
    cj_lp_unscratch(lp, ub);
}

/* Keeps the column values of the solution GLPK holds; false when out of memory. */
bool cj_keep_values(cj_lp *lp) {
    int n = glp_get_num_cols(lp->P);
    double *v = realloc(lp->val, ((size_t)n + 1) * sizeof *v);
    if (!v)
        return false;
    lp->val = v;
    v[0] = 0;
    for (int j = 1; j <= n; j++)
        v[j] = glp_mip_col_val(lp->P, j);
    if (lp->q <= 0)
        polish(lp);
    return true;
}

/* Solves the relaxation of P, as glp_intopt without presolve needs: 0 or
 * glp_simplex's code (GLP_ENOPFS when it has no solution). */
static int relaxation(glp_prob *P, int msg_lev) {
    glp_smcp sm;
    glp_init_smcp(&sm);
    sm.msg_lev = msg_lev;
    int ret = glp_simplex(P, &sm);
    return ret ? ret : glp_get_status(P) != GLP_OPT ? GLP_ENOPFS : 0;
}

static int intopt_from(glp_prob *P, const double *x, const cj_solve_options *opt,
                       double seconds, bool *gave_up, long *nodes, int stall_nodes,
                       bool bound_too, double windows_from) {
    if (nodes)
        *nodes = 0;
    int msg = opt->verbose ? GLP_MSG_ON : GLP_MSG_OFF;
    int ret = relaxation(P, msg);
    if (ret)
        return ret;
    progress pr = {.start = x,
                   .memory = memory_bytes(opt->memory_limit),
                   .node_limit = opt->node_limit,
                   .may_give_up = gave_up != NULL,
                   .matters_above = HUGE_VAL,
                   .stall_nodes = stall_nodes,
                   .bound_too = bound_too,
                   .windows_from = windows_from,
                   .held = -HUGE_VAL};
    glp_iocp io;
    glp_init_iocp(&io);
    io.msg_lev = msg;
    io.presolve = GLP_OFF; /* the start is in the model's own columns */
    /* measured on the bundled round's week (docs/performance-record.md): clique
     * cuts and GLPK's default branching 70 ms; every cut and pseudo-cost
     * branching, as for the plan, 225 ms */
    io.clq_cuts = GLP_ON;
    io.br_tech = GLP_BR_DTH;
    io.mip_gap = 0;
    io.cb_func = on_tree;
    io.cb_info = &pr;
    if (seconds > 0)
        io.tm_lim = cj_glpk_ms(seconds);
    pr.seconds = seconds;
    pr.began = glp_time();
    ret = glp_intopt(P, &io);
    note_stop(ret, &pr);
    if (gave_up)
        *gave_up = pr.gave_up;
    if (nodes)
        *nodes = pr.nodes;
    return ret;
}

int cj_intopt_from(glp_prob *P, const double *x, const cj_solve_options *opt,
                   double seconds, bool *gave_up, long *nodes) {
    return intopt_from(P, x, opt, seconds, gave_up, nodes, STALL_FROM_NODES, false, 0);
}

int cj_intopt_from_stuck(glp_prob *P, const double *x, const cj_solve_options *opt,
                         double seconds, double windows_from, bool *gave_up,
                         long *nodes) {
    return intopt_from(P, x, opt, seconds, gave_up, nodes, STALL_STUCK_NODES, true,
                       windows_from);
}

/* Seconds left of the time limit after `used`; 0 means no limit, and a
 * spent limit leaves a token moment rather than none. */
double cj_time_left(const cj_solve_options *opt, double used) {
    if (opt->time_limit <= 0)
        return 0;
    double l = opt->time_limit - used;
    return l > CJ_TOKEN_SECONDS ? l : CJ_TOKEN_SECONDS;
}

/*
 * Makes `value` the value of P's MIP solution, which GLPK takes as its first
 * incumbent under use_sol: with presolve on it takes the value and not the
 * plan, so the plan `v` (1-based), every column fixed at it, is solved once
 * with the objective's constant moved until it is worth `value`; the plan's
 * own value in *worth.  False, P's bounds and objective as they were, when
 * `v` is not a plan of P's bounds as they stand (a neighbourhood may fix it
 * out) or GLPK fails.
 */
static bool tell_incumbent(cj_lp *lp, const double *v, int nv, double value,
                           double *worth) {
    glp_prob *P = lp->P;
    int n = glp_get_num_cols(P);
    size_t m = (size_t)n + 1;
    double *bounds = cj_lp_scratch(lp, m * (2 * sizeof(double) + sizeof(int)));
    if (!bounds)
        return false;
    double *lo = bounds, *hi = bounds + m;
    int *type = (int *)(bounds + 2 * m);
    double c0 = glp_get_obj_coef(P, 0), z = c0;
    for (int j = 1; j <= n; j++) {
        type[j] = glp_get_col_type(P, j);
        lo[j] = glp_get_col_lb(P, j);
        hi[j] = glp_get_col_ub(P, j);
        if (j >= nv)
            continue; /* added since the plan was read (count columns): GLPK sets them */
        double x = glp_get_col_kind(P, j) == GLP_CV ? v[j] : round(v[j]);
        z += glp_get_obj_coef(P, j) * x;
        glp_set_col_bnds(P, j, GLP_FX, x, x);
    }
    *worth = z;
    glp_set_obj_coef(P, 0, c0 + value - z);
    glp_iocp io;
    glp_init_iocp(&io);
    io.msg_lev = GLP_MSG_OFF;
    io.presolve = GLP_ON; /* which settles every column: no search */
    int ret = glp_intopt(P, &io);
    glp_set_obj_coef(P, 0, c0);
    for (int j = 1; j <= n; j++)
        glp_set_col_bnds(P, j, type[j], lo[j], hi[j]);
    cj_lp_unscratch(lp, bounds);
    return ret == 0 && glp_mip_status(P) == GLP_OPT &&
           fabs(glp_mip_obj_val(P) - value) <= 1e-9 * (1 + fabs(value));
}

/* Whether GLPK found a plan above `above`, the value it was told: 1 yes, 0
 * no, -1 out of memory, -2 neither can be told.  When it found nothing, P
 * holds the postprocessing of no solution, worth anything, or, when a time
 * limit stopped GLPK before it began, what tell_incumbent() left there,
 * worth `above` (within 1e-9).  What GLPK finds is worth more than it was
 * told by its own tolerance (1e-7, relative), so a value up to 1e-8 above
 * is nothing found; a higher one must be a plan, its integer columns
 * rounded as read_plan() reads them. */
static int found_above(cj_lp *lp, double above) {
    glp_prob *P = lp->P;
    if (glp_mip_obj_val(P) <= above + 1e-8 * (1 + fabs(above)))
        return 0;
    int n = glp_get_num_cols(P);
    double *v = cj_lp_scratch(lp, ((size_t)n + 1) * sizeof *v);
    if (!v)
        return -1;
    v[0] = 0;
    for (int j = 1; j <= n; j++) {
        double x = glp_mip_col_val(P, j);
        v[j] = glp_get_col_kind(P, j) == GLP_CV ? x : round(x);
    }
    int ok = cj_lp_meets(P, v, 1e-5);
    cj_lp_unscratch(lp, v);
    return ok < 0 ? -1 : ok ? 1 : -2;
}

/* A first plan put together block by block (cj_price_first_plan), checked
 * against the model as built: 1 with its column values in *w (1-based,
 * the caller frees it) and its objective in *z, 0 when there is none, -1
 * when out of memory. */
static int block_plan(cj_lp *lp, const cj_solve_options *opt, double **w, double *z) {
    double t0 = glp_time();
    int n = glp_get_num_cols(lp->P);
    *w = malloc(((size_t)n + 1) * sizeof **w);
    int made = *w ? cj_price_first_plan(lp->price, *w) : -1;
    if (made == 1)
        made = cj_price_meets_as_built(lp->price, *w);
    if (made == 1)
        *z = cj_objective_of(lp->P, *w);
    if (opt->verbose && made == 1)
        fprintf(stderr, "first plan block by block: %.6f, %.3f s\n", *z,
                glp_difftime(glp_time(), t0));
    else if (opt->verbose && made == 0)
        fprintf(stderr, "first plan block by block: none, %.3f s\n",
                glp_difftime(glp_time(), t0));
    return made;
}

/* The outcome o of a search that a limit stopped before any plan, when it
 * was the plan's only hope of one (o->seconds taken of `seconds`, 0: no
 * limit): the better of a plan put together block by block
 * (cj_price_first_plan, for a priced model) and the rescue's (cj_rescue),
 * in lp->val, with the lower of GLPK's bound and the rescue's (neither:
 * HUGE_VAL); `infeasible` when the rescue shows there is no plan in P;
 * `unknown` as before when neither finds one, lp->val then as it was.
 * CJ_OK, or CJ_ERR_NOMEM (said in `errs` unless it is NULL). */
static cj_code after_rescue(cj_lp *lp, const cj_solve_options *opt, double seconds,
                            const progress *pr, cj_outcome *o, cj_errors *errs) {
    o->status = CJ_PLAN_UNKNOWN;
    o->bound = pr->have_bound ? pr->bound : HUGE_VAL;
    double t0 = glp_time();
    int n = glp_get_num_cols(lp->P);
    double *w = NULL, z = -HUGE_VAL;
    int made = lp->price ? block_plan(lp, opt, &w, &z) : 0;
    /* then GLPK's search, whose plans are better where both find one:
     * what is left of the search's time, or half as long again as the
     * search took if that is more (GLPK may pass its limit at a long root;
     * measured: with only what is left, 600 x 400 at -t 25 ends with the
     * plan block by block, gap 23%, where this finds one of 3.3%); none
     * when the search had no limit.  A search that nodes or memory stopped
     * early so leaves it ample time, and it stops by its node count: the
     * same plan on every run */
    double cap = 0;
    if (lp->rescue_ends > 0)
        cap = fmax(glp_difftime(lp->rescue_ends, t0), CJ_TOKEN_SECONDS);
    else if (seconds > 0)
        cap = fmax(seconds - o->seconds, RESCUE_SHARE * fmax(o->seconds, seconds));
    int nodes = 0;
    double bound = HUGE_VAL;
    cj_rescued got = CJ_RESCUED_NOTHING;
    if (made >= 0) {
        double t1 = glp_time();
        got = cj_rescue(lp->P, cap, pr->memory, &nodes, &bound);
        if (opt->verbose)
            fprintf(stderr, "rescue: %s, %d nodes, %.3f s\n",
                    got == CJ_RESCUED_PLAN          ? "a first plan"
                    : got == CJ_RESCUED_NONE_EXISTS ? "none exists"
                                                    : "no plan",
                    nodes, glp_difftime(glp_time(), t1));
    }
    if (bound < o->bound)
        o->bound = bound; /* both hold for every plan */
    o->seconds += glp_difftime(glp_time(), t0);
    o->nodes += nodes;
    lp->nodes += nodes;
    bool glpk = got == CJ_RESCUED_PLAN && !(glp_mip_obj_val(lp->P) <= z);
    cj_code code = CJ_OK;
    if (made < 0) {
        code = CJ_ERR_NOMEM;
    } else if (got == CJ_RESCUED_NONE_EXISTS) {
        /* none in P: a plan block by block lies outside a neighbourhood,
         * which the search widens, and it is found again there */
        o->status = CJ_PLAN_INFEASIBLE;
        o->bound = 0; /* as GLPK's own proof of none leaves it */
    } else if (glpk || made == 1) {
        double *v = glpk ? NULL : realloc(lp->val, ((size_t)n + 1) * sizeof *v);
        if (glpk ? !cj_keep_values(lp) : !v) {
            code = CJ_ERR_NOMEM;
        } else {
            if (!glpk) {
                lp->val = v;
                memcpy(v, w, ((size_t)n + 1) * sizeof *v);
            }
            o->status = CJ_PLAN_FEASIBLE;
            o->value = glpk ? glp_mip_obj_val(lp->P) : z;
            if (o->bound < o->value)
                o->bound = o->value;
            o->gap = cj_gap_of(o->bound, o->value);
        }
    }
    free(w);
    if (code == CJ_ERR_NOMEM && errs)
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
    return code;
}

/* One glp_intopt within `seconds` (0: no limit), within what
 * opt->node_limit leaves of the plan's nodes since lp->node_base and within
 * opt->memory_limit (o->stopped says which limit stopped it), given up
 * when it stalls with no open node above `matters_above` (NAN: never); CJ_OK
 * or an error (said in `errs` unless it is NULL).  A search given up is
 * `feasible` or `unknown`, with o->gave_up set; one stopped by a limit is
 * too, without it, and an `unknown` one has GLPK's bound, or HUGE_VAL when
 * GLPK had none.  Given `plan` (its first plan_n column values, 1-based)
 * and a value `above` (not NAN), GLPK looks only for plans worth more than
 * `above`; when it finds none, the outcome is that plan's: `optimal`
 * (searched through) or `feasible` (stopped, with GLPK's bound, or none:
 * HUGE_VAL), and lp->val is left as it was. */
cj_code cj_intopt_above(cj_lp *lp, const cj_solve_options *opt, bool careful,
                        double seconds, double matters_above, const double *plan,
                        int plan_n, double above, cj_outcome *o, cj_errors *errs) {
    *o = (cj_outcome){0};
    double worth = NAN; /* of `plan` */
    double entered = glp_time();
    bool told = plan && !isnan(above) && tell_incumbent(lp, plan, plan_n, above, &worth);
    /* telling is part of the search's time: 600 windows of 1000 x 1000 each
     * told the plan in 12 ms, 7 s that the limit did not count */
    double telling = glp_difftime(glp_time(), entered);
    if (seconds > 0)
        seconds =
            seconds - telling > CJ_TOKEN_SECONDS ? seconds - telling : CJ_TOKEN_SECONDS;
    progress pr = {.may_give_up = !isnan(matters_above),
                   .matters_above = matters_above,
                   .stall_nodes = STALL_NODES,
                   .memory = memory_bytes(opt->memory_limit),
                   .gap_limit = opt->gap_limit,
                   .outside = lp->gap_region ? lp->gap_outside : -HUGE_VAL,
                   .cap = lp->gap_region ? lp->gap_cap : HUGE_VAL,
                   .best = lp->gap_region ? lp->gap_best : -HUGE_VAL,
                   .told = told ? above : NAN,
                   .share_ends = lp->share_ends,
                   .first_plan = lp->held_since,
                   .windows_from = lp->windows_from,
                   .held = lp->held_since ? lp->held_value : -HUGE_VAL};
    if (opt->node_limit > 0) {
        /* what the search for the plan has left; one node at least, which
         * stops GLPK before its first, as a time limit that has run out */
        long left = opt->node_limit - (lp->nodes - lp->node_base);
        pr.node_limit = left > 1 ? left : 1;
    }
    glp_iocp io;
    cj_solve_options within = *opt;
    within.time_limit = seconds;
    set_params(&io, &within, careful, glp_get_num_int(lp->P) <= SMALL_MODEL, &pr);
    if (told)
        io.use_sol = GLP_ON;
    /* in lp's scratch memory, which a GLPK error jumping out of the search
     * leaves to lp to free */
    int n_cols = glp_get_num_cols(lp->P);
    unsigned char *seen = io.br_tech == GLP_BR_PCH && seconds > 0
                              ? cj_lp_scratch(lp, (size_t)n_cols + 1)
                              : NULL;
    cj_haste_start(&pr.haste, seen, n_cols);
    /* every search GLPK would branch by its pseudo-costs (docs/model.md) */
    void *costs =
        io.br_tech == GLP_BR_PCH ? cj_lp_scratch(lp, cj_strong_bytes(n_cols)) : NULL;
    cj_strong_start(&pr.strong, costs, n_cols);
    if (costs)
        io.cb_size = cj_strong_node_bytes();
    double t0 = glp_time();
    pr.seconds = seconds;
    pr.began = t0;
    int it0 = glp_get_it_cnt(lp->P);
    int ret = glp_intopt(lp->P, &io);
    double spent = glp_difftime(glp_time(), t0);
    cj_lp_unscratch(lp, seen);
    cj_strong_end(&pr.strong);
    cj_lp_unscratch(lp, costs);
    if (opt->verbose && pr.haste.hurried)
        fprintf(stderr,
                "branching in haste: %d of %d nodes (pseudo-costs to start: %.1f s "
                "of %.1f s left)\n",
                pr.haste.hurried, pr.nodes, pr.haste.start, pr.haste.left);
    o->seconds = telling + spent;
    o->gave_up = pr.gave_up;
    o->stopped = note_stop(ret, &pr);
    o->nodes = pr.nodes;
    lp->nodes += pr.nodes;
    lp->iterations += glp_get_it_cnt(lp->P) - it0 + pr.strong.iterations;
    lp->tries += pr.strong.tries;
    int st = glp_mip_status(lp->P);
    bool limit = ret == GLP_ETMLIM || ret == GLP_EMIPGAP || ret == GLP_ESTOP;
    if (told && (ret == 0 || limit)) {
        int better = found_above(lp, above);
        if (better == -1) {
            if (errs)
                cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
            return CJ_ERR_NOMEM;
        }
        if (better == -2) {
            /* neither a plan nor nothing (not seen so far): search again
             * without telling, in the time that is left */
            double rest = seconds > 0 ? fmax(seconds - spent, CJ_TOKEN_SECONDS) : 0;
            cj_code again = cj_intopt_above(lp, opt, careful, rest, matters_above, NULL,
                                            0, NAN, o, errs);
            o->seconds += telling + spent;
            o->nodes += pr.nodes; /* the first search's too */
            o->again = true;
            return again;
        }
        if (!better) {
            /* nothing above it: as if GLPK had found the plan it was told */
            o->status = limit ? CJ_PLAN_FEASIBLE : CJ_PLAN_OPTIMAL;
            o->value = worth;
            o->bound = !limit ? worth : pr.have_bound ? pr.bound : HUGE_VAL;
            o->gap = limit ? pr.gap : 0;
            return CJ_OK;
        }
    }
    if (ret == GLP_ENOPFS || (ret == 0 && st == GLP_NOFEAS)) {
        o->status = CJ_PLAN_INFEASIBLE;
        return CJ_OK;
    }
    if (!(ret == 0 || limit)) {
        if (errs)
            cj_errors_add(errs, CJ_ERR_INTERNAL, false, NULL,
                          "solver failed (glp_intopt returned %d)", ret);
        return CJ_ERR_INTERNAL;
    }
    if (st != GLP_OPT && st != GLP_FEAS && limit && lp->planless && !told)
        return after_rescue(lp, opt, seconds, &pr, o, errs);
    if (st != GLP_OPT && st != GLP_FEAS) {
        o->status = limit ? CJ_PLAN_UNKNOWN : CJ_PLAN_INFEASIBLE;
        /* stopped before a plan: GLPK's bound still holds for every plan
         * of the model (none known: HUGE_VAL) */
        if (limit)
            o->bound = pr.have_bound ? pr.bound : HUGE_VAL;
        return CJ_OK;
    }
    o->status = st == GLP_OPT && !limit ? CJ_PLAN_OPTIMAL : CJ_PLAN_FEASIBLE;
    o->value = glp_mip_obj_val(lp->P);
    o->bound = pr.have_bound ? pr.bound : glp_mip_obj_val(lp->P);
    o->gap = cj_gap_of(o->bound, o->value);
    if (o->status == CJ_PLAN_OPTIMAL) {
        o->bound = glp_mip_obj_val(lp->P);
        o->gap = 0;
    }
    if (!cj_keep_values(lp)) {
        if (errs)
            cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        return CJ_ERR_NOMEM;
    }
    return CJ_OK;
}

cj_code cj_dive(cj_lp *lp, const cj_solve_options *opt, double seconds, cj_outcome *o,
                cj_errors *errs) {
    *o = (cj_outcome){.status = CJ_PLAN_UNKNOWN, .bound = HUGE_VAL};
    double t0 = glp_time(), bound = HUGE_VAL;
    int nodes = 0;
    cj_rescued got =
        cj_rescue(lp->P, seconds, memory_bytes(opt->memory_limit), &nodes, &bound);
    o->seconds = glp_difftime(glp_time(), t0);
    o->nodes = nodes;
    lp->nodes += nodes;
    if (got == CJ_RESCUED_NONE_EXISTS) {
        o->status = CJ_PLAN_INFEASIBLE;
    } else if (got == CJ_RESCUED_PLAN) {
        if (!cj_keep_values(lp)) {
            if (errs)
                cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
            return CJ_ERR_NOMEM;
        }
        o->status = CJ_PLAN_FEASIBLE;
        o->value = glp_mip_obj_val(lp->P);
        o->bound = fmax(bound, o->value);
        o->gap = cj_gap_of(o->bound, o->value);
    }
    return CJ_OK;
}

/* cj_intopt_above() without giving up. */
cj_code cj_intopt(cj_lp *lp, const cj_solve_options *opt, bool careful, double seconds,
                  cj_outcome *o, cj_errors *errs) {
    return cj_intopt_above(lp, opt, careful, seconds, NAN, NULL, 0, NAN, o, errs);
}

/* The objective of column values v (1-based) in P. */
double cj_objective_of(glp_prob *P, const double *v) {
    double z = glp_get_obj_coef(P, 0);
    for (int j = 1; j <= glp_get_num_cols(P); j++)
        z += glp_get_obj_coef(P, j) * v[j];
    return z;
}
