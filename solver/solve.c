/*
 * Solving: GLPK under a guard, its parameters, and reading the plan back.
 *
 * GLPK reports misuse by calling abort() unless an error hook jumps out; we
 * jump back here, free GLPK's environment (which takes every problem of the
 * thread with it) and return CJ_ERR_INTERNAL with GLPK's last words.
 */
#include "solver_internal.h"

#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    jmp_buf jb;
    bool verbose;
    char last[512]; /* GLPK's most recent output, for the error message */
} guard;

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
    int found_at;
    double found;
    bool gave_up;
    int nodes;       /* in the search so far */
    long node_limit; /* stop once the search has this many, 0: never */
} progress;

static int on_term(void *info, const char *s) {
    guard *g = info;
    size_t have = strlen(g->last), add = strlen(s);
    if (have + add >= sizeof g->last)
        have = 0;
    if (add >= sizeof g->last)
        add = sizeof g->last - 1;
    memcpy(g->last + have, s, add);
    g->last[have + add] = '\0';
    if (g->verbose)
        fputs(s, stderr);
    return 1; /* we printed it, or chose silence */
}

static void on_error(void *info) {
    guard *g = info;
    longjmp(g->jb, 1);
}

/* Nodes a search that can no longer matter goes on after its last better
 * plan: at least STALL_NODES, and STALL_SHARE of the nodes it took to find
 * that plan (docs/performance.md, "Giving up a neighbourhood"). */
#define STALL_NODES 500
#define STALL_SHARE 0.5

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
    if (glp_ios_reason(T) == GLP_ISELECT && pr->found_at && best &&
        pr->bound < pr->matters_above &&
        total - pr->found_at > (wait > STALL_NODES ? wait : STALL_NODES)) {
        pr->gave_up = true;
        glp_ios_terminate(T);
    }
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
    if (pr->node_limit && pr->nodes >= pr->node_limit && glp_ios_reason(T) == GLP_ISELECT)
        glp_ios_terminate(T); /* a limit, like GLPK's own on time */
    if (pr->start && !pr->given && glp_ios_reason(T) == GLP_IHEUR) {
        pr->given = true;
        glp_ios_heur_sol(T, pr->start);
    }
}

const char *cj_solver_glpk_version(void) {
    return glp_version();
}

/* Solver noise below a nanoFTE is not a decision: snap it away so the plan
 * prints 0.3 and not 0.30000000000000004. */
static double snap(double x) {
    double v = round(x * 1e9) / 1e9;
    return v == 0 ? 0 : v;
}

/* The plan of column values `val` (1-based) of model lp, into `plan`. */
static bool read_plan(const cj_lp *lp, const double *val, const cj_round *r,
                      const cj_selection *sel, cj_plan *plan) {
    for (size_t i = 0; i < sel->n_pairs; i++) {
        if (val[lp->ycol[i]] < 0.5)
            continue;
        const cj_pair *pa = &sel->pairs[i];
        double v = val[lp->fcol[i]];
        double fte = lp->q > 0 ? snap(round(v) * lp->q) : snap(v);
        cj_assignment a = {pa->provider, fte,           pa->score,
                           pa->written,  pa->incumbent, pa->chosen};
        if (!cj_plan_assign(plan, (size_t)pa->school, &a))
            return false;
    }
    cj_plan_evaluate(r, plan);
    return true;
}

static void set_params(glp_iocp *io, const cj_solve_options *opt, bool careful,
                       bool small, progress *pr) {
    glp_init_iocp(io);
    io->msg_lev = opt->verbose ? GLP_MSG_ON : GLP_MSG_OFF;
    io->presolve = GLP_ON;
    io->mip_gap = 0;
    if (opt->time_limit > 0)
        io->tm_lim =
            opt->time_limit * 1000 > 2e9 ? 2000000000 : (int)(opt->time_limit * 1000);
    io->cb_func = on_tree;
    io->cb_info = pr;
    /* measured on the bundled round (docs/model.md): without MIR cuts GLPK
     * needs 55,000 nodes and 13 s, with them and pseudo-cost branching 140
     * nodes and 30 ms */
    io->gmi_cuts = GLP_ON;
    io->mir_cuts = GLP_ON;
    io->clq_cuts = GLP_ON;
    io->br_tech = GLP_BR_PCH;
    /* measured (docs/performance.md): the best projection proves 100 x 60
     * in 32 s instead of 39-43 s, and 33 rounds of 10 to 60 schools in 16.1 s
     * instead of 18.5 s; the bundled round and sweeps the same */
    io->bt_tech = GLP_BT_BPH;
    /* GLPK 5.0's cover-cut generator fails on some models (see cj_solve) */
    io->cov_cuts = careful ? GLP_OFF : GLP_ON;
    /* measured on seeded synthetic rounds of 10 to 25 schools and on the
     * bundled round (docs/performance.md): on small models GLPK's default
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
static bool keep_values(cj_lp *lp) {
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

int cj_intopt_from(glp_prob *P, const double *x, const cj_solve_options *opt,
                   double seconds) {
    int msg = opt->verbose ? GLP_MSG_ON : GLP_MSG_OFF;
    int ret = relaxation(P, msg);
    if (ret)
        return ret;
    progress pr = {.start = x};
    glp_iocp io;
    glp_init_iocp(&io);
    io.msg_lev = msg;
    io.presolve = GLP_OFF; /* the start is in the model's own columns */
    /* measured on the bundled round's week (docs/performance.md): clique
     * cuts and GLPK's default branching 70 ms; every cut and pseudo-cost
     * branching, as for the plan, 225 ms */
    io.clq_cuts = GLP_ON;
    io.br_tech = GLP_BR_DTH;
    io.mip_gap = 0;
    io.cb_func = on_tree;
    io.cb_info = &pr;
    if (seconds > 0)
        io.tm_lim = seconds * 1000 > 2e9 ? 2000000000 : (int)(seconds * 1000);
    return glp_intopt(P, &io);
}

/* Seconds left of the time limit after `used`; 0 means no limit, and a
 * spent limit leaves a token moment rather than none. */
static double left(const cj_solve_options *opt, double used) {
    if (opt->time_limit <= 0)
        return 0;
    double l = opt->time_limit - used;
    return l > 0.01 ? l : 0.01;
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

/* What one glp_intopt gave. */
typedef struct {
    cj_plan_status status; /* optimal, feasible, infeasible or unknown */
    double value, bound, gap, seconds;
    bool staff_short; /* a plan exists without the staff, none with them */
    bool gave_up;     /* stopped since it could no longer matter (give_up_stalled) */
    bool again; /* told, GLPK left neither a plan nor nothing: searched again untold */
    long nodes; /* GLPK's, in this search (level_one: in all its searches) */
} outcome;

/* One glp_intopt within `seconds` (0: no limit) and within what
 * opt->node_limit leaves of the plan's nodes since lp->node_base, given up
 * when it stalls with no open node above `matters_above` (NAN: never); CJ_OK
 * or an error (said in `errs` unless it is NULL).  A search given up is
 * `feasible` or `unknown`, with o->gave_up set; one stopped by a limit is
 * too, without it.  Given `plan` (its first plan_n column values, 1-based)
 * and a value `above` (not NAN), GLPK looks only for plans worth more than
 * `above`; when it finds none, the outcome is that plan's: `optimal`
 * (searched through) or `feasible` (stopped, with GLPK's bound, or none:
 * HUGE_VAL), and lp->val is left as it was. */
static cj_code intopt_above(cj_lp *lp, const cj_solve_options *opt, bool careful,
                            double seconds, double matters_above, const double *plan,
                            int plan_n, double above, outcome *o, cj_errors *errs) {
    *o = (outcome){0};
    double worth = NAN; /* of `plan` */
    bool told = plan && !isnan(above) && tell_incumbent(lp, plan, plan_n, above, &worth);
    progress pr = {.may_give_up = !isnan(matters_above), .matters_above = matters_above};
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
    double t0 = glp_time();
    int it0 = glp_get_it_cnt(lp->P);
    int ret = glp_intopt(lp->P, &io);
    double spent = glp_difftime(glp_time(), t0);
    o->seconds = spent;
    o->gave_up = pr.gave_up;
    o->nodes = pr.nodes;
    lp->nodes += pr.nodes;
    lp->iterations += glp_get_it_cnt(lp->P) - it0;
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
            double rest =
                seconds > 0 ? (seconds - spent > 0.01 ? seconds - spent : 0.01) : 0;
            cj_code again = intopt_above(lp, opt, careful, rest, matters_above, NULL, 0,
                                         NAN, o, errs);
            o->seconds += spent;
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
    if (st != GLP_OPT && st != GLP_FEAS) {
        o->status = limit ? CJ_PLAN_UNKNOWN : CJ_PLAN_INFEASIBLE;
        return CJ_OK;
    }
    o->status = st == GLP_OPT && !limit ? CJ_PLAN_OPTIMAL : CJ_PLAN_FEASIBLE;
    o->value = glp_mip_obj_val(lp->P);
    o->bound = pr.have_bound ? pr.bound : glp_mip_obj_val(lp->P);
    o->gap = pr.gap;
    if (o->status == CJ_PLAN_OPTIMAL) {
        o->bound = glp_mip_obj_val(lp->P);
        o->gap = 0;
    }
    if (!keep_values(lp)) {
        if (errs)
            cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        return CJ_ERR_NOMEM;
    }
    return CJ_OK;
}

/* intopt_above without giving up. */
static cj_code intopt(cj_lp *lp, const cj_solve_options *opt, bool careful,
                      double seconds, outcome *o, cj_errors *errs) {
    return intopt_above(lp, opt, careful, seconds, NAN, NULL, 0, NAN, o, errs);
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
/* A relative distance from the bound past which neighbourhoods do not pay. */
#define FAR_FROM_BOUND 0.1
/* Free pairs more than the last neighbourhood's up to which the widening
 * goes straight to bound - z. */
#define JUMP_PAIRS 8

/* The model as built, without its priced rows, in the time left after
 * `used` seconds; its outcome in *o (seconds counted from the start). */
static cj_code as_built(cj_lp *lp, const cj_solve_options *opt, bool careful, double used,
                        outcome *o, cj_errors *errs) {
    cj_lp_drop_counts(lp); /* first: unpricing renumbers the rows */
    cj_lp_unprice(lp);
    cj_code code = intopt(lp, opt, careful, left(opt, used), o, errs);
    o->seconds += used;
    return code;
}

/* The objective of column values v (1-based) in P. */
static double objective_of(glp_prob *P, const double *v) {
    double z = glp_get_obj_coef(P, 0);
    for (int j = 1; j <= glp_get_num_cols(P); j++)
        z += glp_get_obj_coef(P, j) * v[j];
    return z;
}

/* Keeps the plan of outcome t (in lp->val) as the best in *o and `best`
 * when it is better than what they hold. */
static void keep_better(cj_lp *lp, const outcome *t, outcome *o, double *best, size_t n,
                        bool *have) {
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
 * or half a step when that is less (measured, docs/performance.md: the
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
 * gets before it is given up (measured: docs/performance.md, "Taken:
 * windows"; without a cap one window of 45 x 28 seed 29 took 12,741). */
#define WINDOW_NODES 500

/* Whether a time or node limit leaves nothing after `used` seconds. */
static bool spent(const cj_lp *lp, const cj_solve_options *opt, double used) {
    return (opt->time_limit > 0 && used >= opt->time_limit) ||
           (opt->node_limit > 0 && lp->nodes - lp->node_base >= opt->node_limit);
}

/*
 * Searches the windows of the best plan (solver/windows.c), cluster by
 * cluster, each told the best plan so far, in passes until one finds
 * nothing better or a limit is spent; *used counts the seconds.  A better
 * plan goes into *o and `best` as keep_better() keeps it (as `feasible`:
 * a window's best is not the round's).  CJ_OK, CJ_ERR_INTERNAL when GLPK
 * failed, or CJ_ERR_NOMEM; the model's bounds are as they were.
 */
static cj_code search_windows(cj_lp *lp, const cj_round *r, const cj_selection *sel,
                              const cj_solve_options *opt, bool careful, double granule,
                              size_t free_y, double *used, outcome *o, double *best,
                              size_t n, bool *have) {
    cj_window *w = cj_window_new(lp, r, sel);
    if (!w)
        return CJ_ERR_NOMEM;
    cj_code code = CJ_OK;
    long searched = 0, nodes = 0, better = 0;
    double t0 = *used, z0 = o->value;
    for (bool again = true; again && code == CJ_OK;) {
        again = false;
        for (size_t c = 0; c < r->n_clusters && !spent(lp, opt, *used); c++) {
            size_t in = cj_window_hold(w, lp, c, best);
            if (in == 0 || in > free_y / 2) {
                /* nothing in it can change, or it is much of the
                 * neighbourhood, whose search is what stalled */
                cj_window_release(w, lp);
                continue;
            }
            /* a window's own search stops after WINDOW_NODES nodes */
            cj_solve_options within = *opt;
            long done = lp->nodes - lp->node_base;
            if (opt->node_limit <= 0 || opt->node_limit > done + WINDOW_NODES)
                within.node_limit = done + WINDOW_NODES;
            outcome t;
            code = intopt_above(lp, &within, careful, left(opt, *used), NAN, best, (int)n,
                                told_value(lp, o->value, granule), &t, NULL);
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
    if (opt->verbose)
        fprintf(stderr,
                "windows: %ld searched, %ld better, %ld nodes, %.3f s, %.6f to %.6f\n",
                searched, better, nodes, *used - t0, z0, o->value);
    return code;
}

static cj_code neighbourhoods(cj_lp *lp, const cj_round *r, const cj_selection *sel,
                              const cj_solve_options *opt, bool careful, outcome *o,
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
    outcome t = {0};
    bool have = false; /* *o and best hold a plan */
    /* what the neighbourhoods finished so far prove of the whole model: a
     * later one stopped by a time or node limit may know less (nothing at
     * all when it stops before GLPK's first bound) */
    double known = ub;
    *o = (outcome){0};
    if (lp->sweep && lp->val && cj_lp_meets(lp->P, lp->val, 1e-9) == 1) {
        /* the plan of a sweep's last scenario holds here too: the first
         * incumbent, and often the best (measured: jumping straight to
         * bound - z instead of widening costs more when it is not) */
        double z = objective_of(lp->P, lp->val);
        outcome start = {.status = CJ_PLAN_FEASIBLE, .value = z, .bound = ub};
        keep_better(lp, &start, o, best, n, &have);
        if (ub - z <= tol) {
            /* as good as the bound: nothing to search */
            *o = (outcome){
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
        double z = objective_of(lp->P, v);
        if (z >= proven_value - tol) {
            *o = (outcome){
                .status = CJ_PLAN_OPTIMAL, .value = z, .bound = z, .seconds = used};
            cj_lp_unscratch(lp, best);
            return CJ_OK;
        }
        outcome start = {.status = CJ_PLAN_FEASIBLE, .value = z, .bound = ub};
        keep_better(lp, &start, o, best, n, &have);
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
        if (stalled && have && !isnan(matters)) {
            /* GLPK's search stalled in the last neighbourhood and would
             * search a wider one that cannot end the search: first the
             * plan's windows, small searches that GLPK finishes (measured:
             * docs/performance.md, "Taken: windows") */
            code = search_windows(lp, r, sel, opt, careful, granule, free_y, &used, o,
                                  best, n, &have);
            o->seconds = used;
            if (code == CJ_ERR_INTERNAL) {
                code = as_built(lp, opt, careful, used, o, errs);
                break;
            }
            if (code != CJ_OK) {
                cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
                break;
            }
            if (ub - o->value <= delta + tol)
                matters = NAN; /* this one can end the search now */
        }
        double above = NAN; /* the value GLPK is told, if any */
        /* (one given up is searched again: its answer does not stand) */
        if (same && (t.status == CJ_PLAN_OPTIMAL || t.status == CJ_PLAN_INFEASIBLE)) {
            t.seconds = 0; /* the last neighbourhood again: its answer stands */
            t.nodes = 0;
        } else {
            /* the one that can end the search is told the best plan, so that
             * GLPK only looks above it (docs/model.md, "Neighbourhoods") */
            above = have && isnan(matters) ? told_value(lp, o->value, granule) : NAN;
            code = intopt_above(lp, opt, careful, left(opt, used), matters, best, (int)n,
                                above, &t, NULL);
        }
        if (code == CJ_ERR_INTERNAL) {
            /* GLPK lost its way in a neighbourhood: the whole model as
             * built (solved with presolve, so no basis is carried over) */
            code = as_built(lp, opt, careful, used, o, errs);
            break;
        }
        if (opt->verbose) {
            char told[64] = "";
            if (!isnan(above))
                snprintf(told, sizeof told, " (above %.6f%s)", above,
                         t.again ? ", searched again untold" : "");
            fprintf(stderr,
                    "neighbourhood %.6g of bound %.6f: %zu free%s%s%s, status %d, %.6f, "
                    "%.3f s, %ld nodes\n",
                    all ? HUGE_VAL : delta, ub, free_y, same ? " (as before)" : "", told,
                    t.gave_up ? " (given up)" : "", (int)t.status, t.value, t.seconds,
                    t.nodes);
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
            /* out of time: GLPK's bound holds inside the neighbourhood (the
             * priced bound when it has none), and bound - delta outside */
            double in = t.status == CJ_PLAN_FEASIBLE ? t.bound : ub;
            double bound = all || in > ub - delta ? in : ub - delta;
            if (bound > known)
                bound = known;
            if (have) {
                o->status = CJ_PLAN_FEASIBLE;
                o->bound = bound > o->value ? bound : o->value;
                o->gap = fabs(o->bound - o->value) / (fabs(o->value) + 1e-9);
            }
            break;
        }
        if (all) {
            if (have && t.status == CJ_PLAN_OPTIMAL) {
                o->status = CJ_PLAN_OPTIMAL; /* the whole model */
                o->bound = o->value;
                o->gap = 0;
            }
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
        if (have && ub - o->value <= delta + tol) {
            o->status = CJ_PLAN_OPTIMAL;
            o->bound = o->value;
            o->gap = 0;
            break;
        }
        if (have && ub - o->value > FAR_FROM_BOUND * (1 + fabs(ub))) {
            /* the bound is far from the plans (penalties that the blocks
             * can share at fractions of a provider): the neighbourhoods
             * would be the whole model, and the priced rows only slow
             * GLPK down; solve the model as built */
            code = as_built(lp, opt, careful, used, o, errs);
            break;
        }
        stalled = t.gave_up;
        /* the best plan may lie just outside: widen, at most fourfold (an
         * empty neighbourhood twofold), since a wider one costs more than
         * the few steps */
        double grow = t.status == CJ_PLAN_OPTIMAL || t.gave_up ? 4 * delta : 2 * delta;
        /* unless the last neighbourhood that can hold a better plan is
         * hardly larger than this one: then straight to it (measured: what-if
         * sweeps of the bundled round a third faster, synthetic rounds of 10
         * to 60 schools the same) */
        if (have && (ub - o->value < grow ||
                     cj_price_free_at(lp->price, ub - o->value) <= free_y + JUMP_PAIRS))
            delta = ub - o->value;
        else
            delta = grow;
    }
    cj_lp_drop_counts(lp);
    cj_price_restore(lp->price);
    cj_lp_unscratch(lp, best);
    return code;
}

/*
 * In a sweep, whether the last scenario's plan is this one's best: it was
 * proven best there, every change since only took plans away
 * (cj_lp_update), and it still meets every row, so no plan of this scenario
 * is better (each was a plan of the last).  Its outcome then in *o.
 */
static bool inherited(cj_lp *lp, outcome *o) {
    if (!lp->sweep || !lp->proven || !lp->nested || !lp->val ||
        cj_lp_meets(lp->P, lp->val, 1e-9) != 1)
        return false;
    double z = objective_of(lp->P, lp->val);
    *o = (outcome){.status = CJ_PLAN_OPTIMAL, .value = z, .bound = z};
    if (!lp->no_staff)
        lp->reused++; /* (with staff, only the plan without them so far) */
    return true;
}

/* The first level of SPEC §3 on a model without staff: priced (for at most
 * a fifth of the time limit) and solved, unless a sweep's last plan is
 * known to be the answer. */
static cj_code level_one(cj_lp *lp, const cj_round *r, const cj_selection *sel,
                         const cj_solve_options *opt, bool careful, outcome *o,
                         cj_errors *errs) {
    if (inherited(lp, o))
        return CJ_OK;
    lp->proven = false;
    lp->node_base = lp->nodes;
    /* not in the careful attempt, which follows a GLPK failure */
    if (!careful && !cj_lp_price_caps(lp, r, sel, opt,
                                      opt->time_limit > 0 ? opt->time_limit / 5 : 0)) {
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        return CJ_ERR_NOMEM;
    }
    cj_code code = cj_price_bound(lp->price) < HUGE_VAL
                       ? neighbourhoods(lp, r, sel, opt, careful, o, errs)
                       : intopt(lp, opt, careful, opt->time_limit, o, errs);
    lp->proven = code == CJ_OK && o->status == CJ_PLAN_OPTIMAL && lp->val;
    o->nodes = lp->nodes - lp->node_base; /* all the plan's: what a node limit counts */
    return code;
}

/*
 * In a staffed sweep, whether the last scenario's plan with staff is this
 * one's best, for the reasons of inherited(): the model without staff has
 * the same rows of SPEC §3, and the staff rows change with the numbers only
 * through the bounds of each pair's FTE, which `nested` covers.  Only a run
 * that asks for the objective alone may take it, since the plan comes
 * without its staffing; the model with staff then need not be built.
 */
static bool carries(const cj_lp *relaxed, const cj_solve_options *opt) {
    return opt->objective_only && relaxed->sweep && relaxed->carried && relaxed->nested &&
           cj_lp_meets(relaxed->P, relaxed->carry, 1e-9) == 1;
}

/* Keeps the staffed plan in lp->val in the sweep's model without staff, for
 * carries() at the next scenario. */
static void carry(cj_lp *lp, cj_lp *relaxed, const outcome *o) {
    relaxed->carried = false;
    if (!relaxed->sweep || o->status != CJ_PLAN_OPTIMAL || !lp->val)
        return;
    size_t n = (size_t)glp_get_num_cols(relaxed->P) + 1;
    double *v = realloc(relaxed->carry, n * sizeof *v);
    if (!v)
        return;
    memset(v, 0, n * sizeof *v);
    relaxed->carry = v;
    relaxed->carried = cj_lp_map_plan(lp, lp->val, relaxed, v);
}

/*
 * A staffed round (SPEC §6, docs/rota.md).  The model without staff is a
 * relaxation of the model with them (same rules, fewer): solve it first, and
 * when the staff can carry its plan, that plan is optimal for the staffed
 * model too and only the staffing is left to find, which is quick.  Only when
 * they cannot is the joint model solved from scratch.
 */
static cj_code staffed(cj_lp *lp, const cj_round *r, const cj_selection *sel,
                       const cj_solve_options *opt, bool careful, outcome *o,
                       cj_errors *errs) {
    /* owned by `lp` while it lives, so that a GLPK error frees it too; a
     * sweep's is kept between scenarios and only has its numbers changed */
    cj_lp *relaxed = lp->kept_relaxed; /* readied by attempt() */
    if (!relaxed) {
        relaxed = lp->relaxed = calloc(1, sizeof *relaxed);
        if (relaxed) {
            relaxed->no_staff = true;
            relaxed->nameless = lp->nameless;
        }
    }
    size_t n = lp->n_pairs;
    int ncols = glp_get_num_cols(lp->P);
    int *type = cj_lp_scratch(lp, (2 * n + 1) * sizeof *type);
    double *lb = cj_lp_scratch(lp, (2 * n + 1) * sizeof *lb);
    double *ub = cj_lp_scratch(lp, (2 * n + 1) * sizeof *ub);
    double *obj = cj_lp_scratch(lp, ((size_t)ncols + 1) * sizeof *obj);
    cj_code code = CJ_OK;
    if (!relaxed || !type || !lb || !ub || !obj ||
        (!lp->kept_relaxed && !cj_lp_ready(relaxed, r, sel, opt))) {
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        code = CJ_ERR_NOMEM;
        goto done;
    }
    /* under a time limit the plan without staff gets most of it, and the
     * staffing what is left: a plan the staff cannot be placed in is none */
    outcome first;
    cj_solve_options within = *opt;
    within.time_limit = opt->time_limit * 0.7;
    /* the node limit is the plan's (level_one); the staffing of a plan
     * found is not cut short by it */
    cj_solve_options staffing = *opt;
    staffing.node_limit = 0;
    code = level_one(relaxed, r, sel, &within, careful, &first, errs);
    *o = first;
    if (code != CJ_OK ||
        !(first.status == CJ_PLAN_OPTIMAL || first.status == CJ_PLAN_FEASIBLE))
        goto done;
    /* can the staff carry the relaxed plan?  fix its providers and FTE */
    for (size_t i = 0; i < 2 * n; i++) {
        int j = i < n ? lp->ycol[i] : lp->fcol[i - n];
        int jr = i < n ? relaxed->ycol[i] : relaxed->fcol[i - n];
        type[i] = glp_get_col_type(lp->P, j);
        lb[i] = glp_get_col_lb(lp->P, j);
        ub[i] = glp_get_col_ub(lp->P, j);
        double v = round(relaxed->val[jr]);
        glp_set_col_bnds(lp->P, j, GLP_FX, v, v);
    }
    outcome check = {.status = CJ_PLAN_OPTIMAL, .value = first.value};
    double t0 = glp_time();
    bool by_hand = cj_lp_staff_by_hand(lp, relaxed, r, sel);
    if (opt->verbose)
        fprintf(stderr, "staffing of the plan without staff: %s\n",
                by_hand ? "by hand (the most day-parts with people who know the school)"
                        : "by the model");
    if (!by_hand) {
        /* with the plan fixed its objective is too: let the staffing prefer
         * people who know the school (level 2 of SPEC §6) meanwhile */
        for (int j = 1; j <= ncols; j++) {
            obj[j] = glp_get_obj_coef(lp->P, j);
            glp_set_obj_coef(lp->P, j, 0);
        }
        cj_lp_prefer_known(lp, r, sel);
        code = intopt(lp, &staffing, careful, left(opt, first.seconds), &check, errs);
        for (int j = 1; j <= ncols; j++)
            glp_set_obj_coef(lp->P, j, obj[j]);
    }
    check.seconds = glp_difftime(glp_time(), t0);
    double used = first.seconds + check.seconds;
    bool carried = check.status == CJ_PLAN_OPTIMAL || check.status == CJ_PLAN_FEASIBLE;
    for (size_t i = 0; i < 2 * n; i++) {
        int j = i < n ? lp->ycol[i] : lp->fcol[i - n];
        glp_set_col_bnds(lp->P, j, type[i], lb[i], ub[i]);
    }
    outcome kept = {0};
    if (code == CJ_OK && !carried) {
        /* the same providers, with the FTE the staff can give: a plan to
         * start the joint model from, when there is one */
        for (size_t i = 0; i < n; i++) {
            double v = round(relaxed->val[relaxed->ycol[i]]);
            glp_set_col_bnds(lp->P, lp->ycol[i], GLP_FX, v, v);
        }
        code = intopt(lp, &staffing, careful, left(opt, used), &kept, errs);
        used += kept.seconds;
        for (size_t i = 0; i < n; i++)
            glp_set_col_bnds(lp->P, lp->ycol[i], type[i], lb[i], ub[i]);
    }
    bool start = kept.status == CJ_PLAN_OPTIMAL || kept.status == CJ_PLAN_FEASIBLE;
    if (code == CJ_OK && !carried && start) {
        /* the joint model from that plan: a time limit keeps at least it */
        double t0 = glp_time();
        int ret = cj_intopt_from(lp->P, lp->val, opt, left(opt, used));
        int st = glp_mip_status(lp->P);
        bool found = st == GLP_OPT || st == GLP_FEAS;
        double z = found ? glp_mip_obj_val(lp->P) : kept.value;
        bool better = found && z >= kept.value - 1e-9 * (1 + fabs(kept.value));
        if (better && !keep_values(lp)) {
            cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
            code = CJ_ERR_NOMEM;
        }
        if (!better)
            z = kept.value; /* lp->val still holds that plan */
        o->status =
            better && ret == 0 && st == GLP_OPT ? CJ_PLAN_OPTIMAL : CJ_PLAN_FEASIBLE;
        o->value = z;
        o->bound = o->status == CJ_PLAN_OPTIMAL ? z : first.bound;
        o->gap = (o->bound - z) / (fabs(z) > 1 ? fabs(z) : 1);
        o->seconds = used + glp_difftime(glp_time(), t0);
    } else if (code == CJ_OK && !carried) {
        /* the staff cannot carry the best plan without them: the joint model */
        outcome joint;
        code = intopt(lp, &staffing, careful, left(opt, used), &joint, errs);
        joint.seconds += used;
        if (joint.status == CJ_PLAN_FEASIBLE && first.bound < joint.bound)
            joint.bound = first.bound; /* the relaxation's bound holds too */
        joint.staff_short = joint.status == CJ_PLAN_INFEASIBLE;
        joint.nodes = first.nodes; /* the joint model's are not limited */
        *o = joint;
    } else {
        o->seconds = used;
    }
    if (code == CJ_OK)
        carry(lp, relaxed, o);
done:
    cj_lp_unscratch(lp, type);
    cj_lp_unscratch(lp, lb);
    cj_lp_unscratch(lp, ub);
    cj_lp_unscratch(lp, obj);
    if (lp->relaxed) {
        cj_lp_free(lp->relaxed);
        free(lp->relaxed);
        lp->relaxed = NULL;
    }
    return code;
}

/* The searches' work so far in lp and the models it holds without staff
 * (nodes in w[0], simplex iterations in w[1]). */
static void work_of(const cj_lp *lp, long w[2]) {
    const cj_lp *m[] = {lp, lp->relaxed,
                        lp->kept_relaxed != lp->relaxed ? lp->kept_relaxed : NULL};
    w[0] = w[1] = 0;
    for (size_t k = 0; k < sizeof m / sizeof *m; k++)
        if (m[k]) {
            w[0] += m[k]->nodes;
            w[1] += m[k]->iterations;
        }
}

/* Solves the model and turns the answer into a plan; CJ_OK or an error. */
static cj_code run(cj_lp *lp, const cj_round *r, const cj_selection *sel,
                   const cj_solve_options *opt, bool careful, cj_plan *plan,
                   cj_errors *errs) {
    outcome o;
    bool rota = r->staffed && !lp->elastic;
    long before[2], after[2];
    work_of(lp, before);
    cj_code code = rota ? staffed(lp, r, sel, opt, careful, &o, errs)
                        : level_one(lp, r, sel, opt, careful, &o, errs);
    if (code != CJ_OK)
        return code;
    work_of(lp, after);
    if (opt->verbose)
        fprintf(stderr, "search: %ld nodes, %ld simplex iterations\n",
                after[0] - before[0], after[1] - before[1]);
    plan->nodes = o.nodes;
    plan->status = o.status;
    if (o.staff_short)
        cj_plan_diagnose(
            plan, "S1-S4", NULL, NAN, NAN,
            "the staff cannot carry any plan: without them a plan meets every "
            "rule of section 3, but no plan has enough people of each provider "
            "(S1), with the FTE and day-parts where the schools are open (S2), "
            "with MBO staff beside an SKJ colleague (S3); list more staff, widen "
            "their available day-parts or the schools' opening times, or lower "
            "staff_per_assignment.min");
    if (o.status != CJ_PLAN_OPTIMAL && o.status != CJ_PLAN_FEASIBLE)
        return CJ_OK;
    if (rota && !opt->objective_only) {
        /* the lower levels of SPEC §6, within the plan just found */
        code = cj_rota_place(lp, r, sel, opt, left(opt, o.seconds), plan, errs);
        if (code != CJ_OK)
            return code;
    }
    if (!read_plan(lp, lp->val, r, sel, plan)) {
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        return CJ_ERR_NOMEM;
    }
    plan->bound = plan->status == CJ_PLAN_OPTIMAL ? plan->objective : o.bound;
    plan->gap = plan->status == CJ_PLAN_OPTIMAL ? 0 : o.gap;
    return CJ_OK;
}

/* GLPK's message before "Error detected in file ...": the line that says why. */
static const char *glpk_reason(char *last) {
    char *at = strstr(last, "Error detected in file");
    if (at)
        *at = '\0';
    size_t n = strlen(last);
    while (n && last[n - 1] == '\n')
        last[--n] = '\0';
    char *nl = strrchr(last, '\n');
    const char *why = nl ? nl + 1 : last;
    return *why ? why : "GLPK error";
}

/*
 * One build-and-solve under the guard.  `careful` leaves out cover cuts.  On
 * a GLPK error sets *glpk_failed and returns CJ_ERR_INTERNAL.
 */
static cj_code attempt(const cj_round *r, const cj_selection *sel,
                       const cj_solve_options *opt, bool careful, cj_plan **out,
                       cj_errors *errs, bool *glpk_failed, cj_lp *keep,
                       cj_lp *keep_relaxed) {
    *out = NULL;
    cj_plan *plan = cj_plan_new(r->n_schools, r->n_expertise);
    if (!plan) {
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        return CJ_ERR_NOMEM;
    }
    plan->time_limit = opt->time_limit;
    plan->node_limit = opt->node_limit;

    static _Thread_local guard g; /* must survive the longjmp; one per thread */
    memset(&g, 0, sizeof g);
    g.verbose = opt->verbose;
    /* on the heap: a local struct changed after setjmp() is lost by longjmp();
     * a sweep passes its own model to keep between scenarios */
    cj_lp *const lp = keep ? keep : calloc(1, sizeof *lp);
    volatile cj_code code = CJ_OK;
    if (!lp) {
        cj_plan_free(plan);
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        return CJ_ERR_NOMEM;
    }
    lp->kept_relaxed = keep_relaxed;
    /* names are for the exported model alone (the elastic diagnosis builds
     * its own, named): naming every row and column was a tenth of the
     * bundled round's solve, two fifths of a staffed sweep's scenario */
    lp->nameless = !opt->write_lp && !opt->write_mps;
    glp_term_hook(on_term, &g);
    glp_mem_limit(CJ_GLPK_MEMORY_MB);
    if (setjmp(g.jb)) {
        lp->P = NULL; /* glp_free_env() below takes the problem with it */
        cj_price_forget_glpk(lp->price); /* and the master of the prices */
        cj_lp *relaxed[2] = {lp->relaxed, lp->kept_relaxed};
        for (int k = 0; k < 2; k++)
            if (relaxed[k]) {
                relaxed[k]->P = NULL; /* these too */
                cj_price_forget_glpk(relaxed[k]->price);
            }
        if (lp->kept_relaxed)
            cj_lp_free(lp->kept_relaxed); /* the sweep's next scenario builds it */
        cj_lp_free(lp);
        if (!keep)
            free(lp);
        glp_free_env();
        cj_plan_free(plan);
        cj_errors_add(errs, CJ_ERR_INTERNAL, false, NULL, "solver failed: %s",
                      glpk_reason(g.last));
        *glpk_failed = true;
        return CJ_ERR_INTERNAL;
    }
    glp_error_hook(on_error, &g);

    /* a staffed sweep's model without staff first: when the last plan with
     * staff carries over, the model with them is not needed */
    bool carried = false;
    if (keep_relaxed) {
        keep_relaxed->no_staff = true;
        keep_relaxed->nameless = lp->nameless;
        if (!cj_lp_ready(keep_relaxed, r, sel, opt))
            code = CJ_ERR_NOMEM;
        else
            carried = !careful && !opt->write_lp && !opt->write_mps &&
                      carries(keep_relaxed, opt);
    }
    if (code == CJ_OK && !carried && !cj_lp_ready(lp, r, sel, opt))
        code = CJ_ERR_NOMEM;
    if (code == CJ_ERR_NOMEM)
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
    const cj_lp *built = carried ? keep_relaxed : lp;
    plan->n_rows = built->P ? glp_get_num_rows(built->P) : 0;
    plan->n_cols = built->P ? glp_get_num_cols(built->P) : 0;
    plan->n_int = built->P ? glp_get_num_int(built->P) : 0;
    if (code == CJ_OK && opt->write_lp &&
        !cj_lp_export(lp->P, opt->write_lp, false, errs))
        code = CJ_ERR_WRITE;
    if (code == CJ_OK && opt->write_mps &&
        !cj_lp_export(lp->P, opt->write_mps, true, errs))
        code = CJ_ERR_WRITE;
    /* the priced rows come after the export (level_one): they are found by
     * solving, like GLPK's cuts, and the exported model is the one cjos
     * starts from */

    if (code == CJ_OK && carried) {
        keep_relaxed->reused++;
        plan->status = CJ_PLAN_OPTIMAL;
        if (!read_plan(keep_relaxed, keep_relaxed->carry, r, sel, plan)) {
            cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
            code = CJ_ERR_NOMEM;
        }
        plan->bound = plan->objective;
    } else if (code == CJ_OK) {
        if (cj_prediagnose(r, sel, plan) > 0)
            plan->status = CJ_PLAN_INFEASIBLE;
        else if (plan->n_cols == 0 && opt->n_nogood > 0)
            plan->status = CJ_PLAN_INFEASIBLE; /* the one plan there is, excluded */
        else if (plan->n_cols == 0) {
            plan->status = CJ_PLAN_OPTIMAL; /* nothing to decide: the empty plan */
            plan->rota.staffed = r->staffed && !opt->objective_only;
            plan->rota.proven = true; /* and nobody to place */
            cj_plan_evaluate(r, plan);
            plan->bound = plan->objective;
        } else
            code = run(lp, r, sel, opt, careful, plan, errs);
    }
    /* no plan: what is the smallest change that gives one? */
    if (code == CJ_OK && plan->status == CJ_PLAN_INFEASIBLE && plan->n_cols > 0)
        cj_diagnose_elastic(r, sel, opt, plan);
    if (code == CJ_OK && plan->status == CJ_PLAN_INFEASIBLE && plan->n_diagnosis == 0)
        cj_plan_diagnose(plan, "model", NULL, NAN, NAN,
                         "no plan meets every rule at once, although no single school, "
                         "cluster or provider rule is impossible on its own");
    if (!keep) {
        cj_lp_free(lp);
        free(lp);
    }
    glp_error_hook(NULL, NULL);
    glp_term_hook(NULL, NULL);
    if (code != CJ_OK) {
        cj_plan_free(plan);
        return code;
    }
    cj_errors_copy(&plan->warnings, &sel->warnings);
    *out = plan;
    return CJ_OK;
}

cj_code cj_solve(const cj_round *r, const cj_selection *sel, const cj_solve_options *opt,
                 cj_plan **out, cj_errors *errs) {
    double spent;
    long nodes;
    int parts = cj_solve_parts(r, sel, opt, out, &spent, &nodes);
    if (parts != 0) {
        if (parts < 0)
            cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        return parts > 0 ? CJ_OK : CJ_ERR_NOMEM;
    }
    /* the whole round in what the parts left of the time limit */
    cj_solve_options whole = *opt;
    double limit = opt->time_limit; /* what the plan says it was given */
    long node_limit = opt->node_limit;
    if (opt->time_limit > 0 && spent > 0)
        whole.time_limit =
            opt->time_limit - spent > 0.01 ? opt->time_limit - spent : 0.01;
    if (opt->node_limit > 0)
        whole.node_limit = opt->node_limit - nodes > 1 ? opt->node_limit - nodes : 1;
    opt = &whole;
    cj_errors first = {0};
    bool failed = false;
    cj_code code = attempt(r, sel, opt, false, out, &first, &failed, NULL, NULL);
    if (failed) {
        /* GLPK 5.0's cover-cut generator can fail inside glp_intopt
         * ("glp_add_cols: ncs = 0"): solve once more without it before
         * reporting an error */
        cj_errors_clear(&first);
        failed = false;
        code = attempt(r, sel, opt, true, out, errs, &failed, NULL, NULL);
        if (code == CJ_OK)
            (*out)->careful = true;
    } else {
        cj_errors_move(errs, &first);
    }
    if (code == CJ_OK) {
        (*out)->time_limit = limit;
        (*out)->node_limit = node_limit;
    }
    return code;
}

struct cj_sweep {
    cj_lp lp; /* built at the first scenario, changed for every next one */
    /* of a staffed round, the model without staff likewise; the model with
     * them is built per scenario (its rows depend on the pairs the staff
     * can serve) */
    cj_lp relaxed;
    size_t retries; /* scenarios GLPK failed in (cj_sweep_retries) */
    size_t reused;  /* scenarios answered by the last plan (cj_sweep_reused) */
};

cj_sweep *cj_sweep_new(void) {
    cj_sweep *sw = calloc(1, sizeof *sw);
    if (sw)
        sw->lp.sweep = sw->relaxed.sweep = true;
    return sw;
}

size_t cj_sweep_reused(const cj_sweep *sw) {
    return sw ? sw->reused : 0;
}

size_t cj_sweep_retries(const cj_sweep *sw) {
    return sw ? sw->retries : 0;
}

void cj_sweep_free(cj_sweep *sw) {
    if (!sw)
        return;
    cj_lp_free(&sw->lp);
    cj_lp_free(&sw->relaxed);
    free(sw);
}

cj_code cj_sweep_solve(cj_sweep *sw, const cj_round *r, const cj_selection *sel,
                       const cj_solve_options *opt, cj_plan **out, cj_errors *errs) {
    cj_errors first = {0};
    bool failed = false;
    cj_code code =
        r->staffed ? attempt(r, sel, opt, false, out, &first, &failed, NULL, &sw->relaxed)
                   : attempt(r, sel, opt, false, out, &first, &failed, &sw->lp, NULL);
    sw->reused += sw->lp.reused + sw->relaxed.reused;
    sw->lp.reused = sw->relaxed.reused = 0;
    if (!failed) {
        cj_errors_move(errs, &first);
        return code;
    }
    /* GLPK failed and took the model with it: this scenario the careful way,
     * and the next one builds the model again */
    cj_errors_clear(&first);
    sw->retries++;
    sw->lp.sweep = sw->relaxed.sweep = true;
    return cj_solve(r, sel, opt, out, errs);
}
