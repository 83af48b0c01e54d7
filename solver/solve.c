/*
 * Solving: GLPK under a guard, the levels of a plan (the plan without staff,
 * with them, the rota), sweeps, and reading the plan back.  One search of
 * GLPK is solver/search.c, the search of a priced model
 * solver/neighbourhoods.c.
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

/* Under a time limit, the share of it a staffed round's plan may take: the
 * rest is the week's (levels 2-4 of SPEC §6).  A joint search that ran to
 * the limit left the week 0.01 s (docs/rota.md, "The week under a time
 * limit"). */
#define PLAN_SHARE 0.7

/* What is held across GLPK's calls (cj_guard_hold): per thread, like the
 * guard itself. */
#define HELD_MOST 8
static _Thread_local struct {
    void (*let_go)(void *);
    void *what;
} held[HELD_MOST];
static _Thread_local int n_held;

bool cj_guard_hold(void (*let_go)(void *), void *what) {
    if (n_held == HELD_MOST)
        return false;
    held[n_held].let_go = let_go;
    held[n_held].what = what;
    n_held++;
    return true;
}

void cj_guard_release(const void *what) {
    for (int i = n_held - 1; i >= 0; i--)
        if (held[i].what == what) {
            for (int k = i; k + 1 < n_held; k++)
                held[k] = held[k + 1];
            n_held--;
            return;
        }
}

/* Lets go of everything held, newest first: GLPK has failed. */
static void let_go_held(void) {
    while (n_held > 0) {
        n_held--;
        held[n_held].let_go(held[n_held].what);
    }
}

static void on_error(void *info) {
    guard *g = info;
    longjmp(g->jb, 1);
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

/*
 * In a sweep, whether the last scenario's plan is this one's best: it was
 * proven best there, every change since only took plans away
 * (cj_lp_update), and it still meets every row, so no plan of this scenario
 * is better (each was a plan of the last).  Its outcome then in *o.
 */
static bool inherited(cj_lp *lp, cj_outcome *o) {
    if (!lp->sweep || !lp->proven || !lp->nested || !lp->val ||
        cj_lp_meets(lp->P, lp->val, 1e-9) != 1)
        return false;
    double z = cj_objective_of(lp->P, lp->val);
    *o = (cj_outcome){.status = CJ_PLAN_OPTIMAL, .value = z, .bound = z};
    if (!lp->no_staff)
        lp->reused++; /* (with staff, only the plan without them so far) */
    return true;
}

/* The first level of SPEC §3 on a model without staff: priced (for at most
 * a fifth of the time limit) and solved, unless a sweep's last plan is
 * known to be the answer. */
static cj_code level_one(cj_lp *lp, const cj_round *r, const cj_selection *sel,
                         const cj_solve_options *opt, bool careful, cj_outcome *o,
                         cj_errors *errs) {
    if (inherited(lp, o))
        return CJ_OK;
    lp->proven = false;
    lp->planless = false;   /* left set by a GLPK failure that jumped out */
    lp->gap_region = false; /* the same */
    lp->node_base = lp->nodes;
    /* not in the careful attempt, which follows a GLPK failure */
    if (!careful && !opt->no_price &&
        !cj_lp_price_caps(lp, r, sel, opt,
                          opt->time_limit > 0 ? opt->time_limit / 5 : 0)) {
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        return CJ_ERR_NOMEM;
    }
    cj_code code;
    if (cj_price_bound(lp->price) < HUGE_VAL) {
        code = cj_neighbourhoods(lp, r, sel, opt, careful, o, errs);
    } else {
        lp->planless = true;
        code = cj_intopt(lp, opt, careful, opt->time_limit, o, errs);
        lp->planless = false;
    }
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
static void carry(cj_lp *lp, cj_lp *relaxed, const cj_outcome *o) {
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
 * The staffing of a fixed plan (the providers and FTE of every pair fixed in
 * lp), preferring people who know the school.  No row then joins the staff
 * of two providers, so it is searched a provider at a time (solver/apart.c),
 * which also names the providers whose staff fall short in `short_of` (one
 * byte per column, zeroed by the caller) when the staff cannot carry the
 * plan.  Should the blocks' staffing not meet every row of the model (it
 * always does; a column no row holds would be set by its bound alone),
 * GLPK searches the whole.  *o says whether a staffing was found (optimal
 * or feasible; infeasible when the staff cannot carry the plan) and lp->val
 * holds it.  CJ_OK, or an error said in `errs`.
 */
static cj_code staff_apart(cj_lp *lp, const cj_solve_options *opt, bool careful,
                           double seconds, unsigned char *short_of, cj_outcome *o,
                           cj_errors *errs) {
    int n = glp_get_num_cols(lp->P);
    double t0 = glp_time();
    double *v = cj_lp_scratch(lp, ((size_t)n + 1) * sizeof *v);
    cj_apart_counts c = {.nomem = true};
    o->status =
        v ? cj_apart_solve(lp->P, opt, seconds, v, short_of, &c) : CJ_PLAN_UNKNOWN;
    bool found = o->status == CJ_PLAN_OPTIMAL || o->status == CJ_PLAN_FEASIBLE;
    int meets = found ? cj_lp_meets(lp->P, v, 1e-6) : 0;
    double *kept = meets == 1 ? realloc(lp->val, ((size_t)n + 1) * sizeof *kept) : NULL;
    if (kept) {
        memcpy(kept, v, ((size_t)n + 1) * sizeof *kept);
        lp->val = kept;
    }
    cj_lp_unscratch(lp, v);
    if (c.nomem || meets < 0 || (meets == 1 && !kept)) {
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        return CJ_ERR_NOMEM;
    }
    double took = glp_difftime(glp_time(), t0);
    if (opt->verbose)
        fprintf(stderr,
                "staffing a provider at a time: %d blocks, %d proven best, %d given up "
                "when stalled, %d without one, %ld nodes, %.3f s: %s\n",
                c.blocks, c.proven, c.gave_up, c.short_of, c.nodes, took,
                kept                              ? "taken"
                : o->status == CJ_PLAN_INFEASIBLE ? "the staff cannot carry the plan"
                : o->status == CJ_PLAN_UNKNOWN    ? "stopped by a limit"
                                               : "not a staffing, the whole is searched");
    if (kept || o->status != CJ_PLAN_FEASIBLE)
        return CJ_OK; /* a limit stops the whole's search as well */
    if (seconds > 0)
        seconds = seconds - took > 0.01 ? seconds - took : 0.01;
    return cj_intopt(lp, opt, careful, seconds, o, errs);
}

/* Fixes column j of lp at the value of column jr in the plan without
 * staff (a pair's y or FTE). */
static void hold(cj_lp *lp, const cj_lp *relaxed, int j, int jr) {
    double v = round(relaxed->val[jr]);
    glp_set_col_bnds(lp->P, j, GLP_FX, v, v);
}

/* Holds every pair outside the schools marked in `school` at the plan
 * without staff, providers and FTE. */
static void hold_outside(cj_lp *lp, const cj_lp *relaxed, const cj_selection *sel,
                         const bool *school) {
    for (size_t i = 0; i < lp->n_pairs; i++) {
        if (school[sel->pairs[i].school])
            continue;
        hold(lp, relaxed, lp->ycol[i], relaxed->ycol[i]);
        hold(lp, relaxed, lp->fcol[i], relaxed->fcol[i]);
    }
}

/* Puts back the bounds `type`, `lb` and `ub` of the pairs' y columns and,
 * with `fte`, of their FTE columns (as kept_plan() takes them). */
static void unhold(cj_lp *lp, bool fte, const int *type, const double *lb,
                   const double *ub) {
    size_t n = lp->n_pairs;
    for (size_t i = 0; i < n; i++) {
        glp_set_col_bnds(lp->P, lp->ycol[i], type[i], lb[i], ub[i]);
        if (fte)
            glp_set_col_bnds(lp->P, lp->fcol[i], type[n + i], lb[n + i], ub[n + i]);
    }
}

/*
 * A plan the staff can carry, close to the plan without staff, to start the
 * joint model from.  (a) The schools of the providers whose staff cannot
 * carry their share of that plan (`short_of`, from staff_apart()), with
 * every school of their clusters, are searched again with the rest of the
 * plan held: on a synthetic round of 85 schools a plan within 0.85% of the
 * bound in 6 s, where the joint model from nothing was 3.1% below it at
 * 30 s (docs/rota.md, "The staffing of a large plan").  (b) When that gives
 * no plan, the plan's providers are kept everywhere and only the FTE is
 * searched.  When the schools of (a) hold most of the round's pairs,
 * searching them would be the joint model's own search, which proves such
 * rounds sooner from nothing: (a) then comes after (b), as the rescue's
 * depth-first search for a first plan only, and its plan is one for the
 * joint model to keep in reserve, not to start from (*reserve set; 40 x
 * 22 seed 2 with staff: 166.74 in 0.5 s, where the joint model found none
 * at -t 6).  `type`, `lb` and `ub` are the bounds of the pairs' y and then
 * FTE columns to restore.  The plan found, if any, in *o and lp->val; CJ_OK
 * or an error in `errs`.
 */
static cj_code kept_plan(cj_lp *lp, const cj_lp *relaxed, const cj_round *r,
                         const cj_selection *sel, const cj_solve_options *opt,
                         bool careful, double seconds, const unsigned char *short_of,
                         const int *type, const double *lb, const double *ub,
                         cj_outcome *o, bool *reserve, cj_errors *errs) {
    size_t n = lp->n_pairs, np = r->n_providers, ns = r->n_schools;
    *reserve = false;
    bool *bad = cj_lp_scratch(lp, (np + ns + r->n_clusters + 1) * sizeof *bad);
    if (!bad) {
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        return CJ_ERR_NOMEM;
    }
    memset(bad, 0, (np + ns + r->n_clusters + 1) * sizeof *bad);
    bool *school = bad + np, *cluster = school + ns, any = false;
    for (size_t e = 0; e < lp->n_sk; e++)
        if (short_of[lp->sk_n[e]] || short_of[lp->sk_z[e]])
            any = bad[sel->pairs[lp->sk_pair[e]].provider] = true;
    for (size_t i = 0; any && i < n; i++)
        if (bad[sel->pairs[i].provider])
            cluster[r->schools[sel->pairs[i].school].cluster_idx] = true;
    for (size_t s = 0; s < ns; s++)
        school[s] = cluster[r->schools[s].cluster_idx];
    cj_code code = CJ_OK;
    o->status = CJ_PLAN_UNKNOWN;
    double took = 0;
    size_t freed = 0;
    for (size_t i = 0; any && i < n; i++)
        freed += school[sel->pairs[i].school];
    /* a search of most of the round would be the joint model's own, without
     * its gap limit (the plan windows' rule, solver/neighbourhoods.c); one
     * of all of it is that model's */
    bool wide = any && freed > n / 2;
    any = any && freed < n;
    if (any && !wide) {
        hold_outside(lp, relaxed, sel, school);
        /* the gap limit is the whole plan's; this search's own bound is no
         * bound of it */
        cj_solve_options whole = *opt;
        whole.gap_limit = 0;
        code = cj_intopt(lp, &whole, careful, seconds, o, errs);
        took = o->seconds;
        unhold(lp, true, type, lb, ub);
        if (opt->verbose)
            fprintf(stderr,
                    "a plan the staff can carry, %zu pairs searched again: %s %.6f, "
                    "%.3f s\n",
                    freed,
                    o->status == CJ_PLAN_OPTIMAL    ? "the best of them"
                    : o->status == CJ_PLAN_FEASIBLE ? "one"
                                                    : "none",
                    o->value, took);
    }
    if (code != CJ_OK || o->status == CJ_PLAN_OPTIMAL || o->status == CJ_PLAN_FEASIBLE)
        goto done;
    /* the same providers, with the FTE the staff can give */
    for (size_t i = 0; i < n; i++)
        hold(lp, relaxed, lp->ycol[i], relaxed->ycol[i]);
    if (seconds > 0)
        seconds = seconds - took > 0.01 ? seconds - took : 0.01;
    code = cj_intopt(lp, opt, careful, seconds, o, errs);
    o->seconds += took;
    took = o->seconds;
    unhold(lp, false, type, lb, ub);
    if (code != CJ_OK || o->status == CJ_PLAN_OPTIMAL || o->status == CJ_PLAN_FEASIBLE ||
        !(any && wide))
        goto done;
    hold_outside(lp, relaxed, sel, school);
    if (seconds > 0)
        seconds = seconds - took > 0.01 ? seconds - took : 0.01;
    code = cj_dive(lp, opt, seconds, o, errs);
    o->seconds += took;
    unhold(lp, true, type, lb, ub);
    *reserve = true;
    if (opt->verbose)
        fprintf(stderr,
                "a plan the staff can carry, %zu pairs searched again depth first: "
                "%s %.6f, %.3f s\n",
                freed, o->status == CJ_PLAN_FEASIBLE ? "one" : "none", o->value,
                o->seconds - took);
done:
    cj_lp_unscratch(lp, bad);
    return code;
}

/*
 * A staffed round (SPEC §6, docs/rota.md).  The model without staff is a
 * relaxation of the model with them (same rules, fewer): solve it first, and
 * when the staff can carry its plan, that plan is optimal for the staffed
 * model too and only the staffing is left to find, which is quick.  Only when
 * they cannot is the joint model solved from scratch.
 */
static cj_code staffed(cj_lp *lp, const cj_round *r, const cj_selection *sel,
                       const cj_solve_options *opt, bool careful, cj_outcome *o,
                       cj_errors *errs) {
    /* owned by `lp` while it lives, so that a GLPK error frees it too; a
     * sweep's is kept between scenarios and only has its numbers changed */
    cj_lp *relaxed = lp->kept_relaxed; /* readied by attempt() */
    double began = glp_time();
    /* (a GLPK error may have left a sweep's set) */
    lp->share_ends = lp->rescue_ends = lp->held_since = lp->windows_from = 0;
    lp->planless = false;
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
    unsigned char *short_of = cj_lp_scratch(lp, (size_t)ncols + 1);
    cj_code code = CJ_OK;
    if (short_of)
        memset(short_of, 0, (size_t)ncols + 1);
    if (!relaxed || !type || !lb || !ub || !obj || !short_of ||
        (!lp->kept_relaxed && !cj_lp_ready(relaxed, r, sel, opt))) {
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        code = CJ_ERR_NOMEM;
        goto done;
    }
    /* under a time limit the plan without staff gets most of it, and the
     * staffing what is left: a plan the staff cannot be placed in is none */
    cj_outcome first;
    cj_solve_options within = *opt;
    within.time_limit = opt->time_limit * PLAN_SHARE;
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
        hold(lp, relaxed, j, jr);
    }
    cj_outcome check = {.status = CJ_PLAN_OPTIMAL, .value = first.value};
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
        code = staff_apart(lp, &staffing, careful,
                           cj_time_left(opt, glp_difftime(glp_time(), began)), short_of,
                           &check, errs);
        for (int j = 1; j <= ncols; j++)
            glp_set_obj_coef(lp->P, j, obj[j]);
    }
    /* counted on the clock: every stage's time, whatever it counts itself */
    double used = glp_difftime(glp_time(), began);
    bool carried = check.status == CJ_PLAN_OPTIMAL || check.status == CJ_PLAN_FEASIBLE;
    for (size_t i = 0; i < 2 * n; i++) {
        int j = i < n ? lp->ycol[i] : lp->fcol[i - n];
        glp_set_col_bnds(lp->P, j, type[i], lb[i], ub[i]);
    }
    /* the plan's share of a time limit is PLAN_SHARE of it; the week keeps
     * the rest (docs/rota.md, "The week under a time limit").  A search
     * that must find the plan with staff, without which there is none
     * (step 2 (a), (b), or the joint model from nothing), may go past it:
     * it stops once it holds a plan, at PLAN_SHARE of what the plan
     * without staff left, a first plan found late given as long again
     * (solver/search.c, on_tree).  Stopped where the whole limit's share
     * ends, which the plan without staff may have used up, step 2 (a) kept
     * its first plan: 7-9% worse on synthetic rounds of 40 and 50 schools. */
    double plan_ends = began + 1000 * PLAN_SHARE * opt->time_limit;
    if (opt->time_limit > 0) {
        lp->share_ends = began + 1000 * (used + PLAN_SHARE * (opt->time_limit - used));
        lp->rescue_ends = began + 1000 * (1 + RESCUE_SHARE) * opt->time_limit;
    }
    /* every search for a plan the staff can carry is the plan's only hope
     * of one, until one of them finds it: a limit that stops it before any
     * is rescued (solver/rescue.c), within what the first rescue leaves.
     * Not rescued, 40 x 22 seed 2 with staff had no plan at -t 6 */
    cj_outcome kept = {0};
    bool reserve = false;
    if (code == CJ_OK && !carried) {
        /* a plan to start the joint model from, or to keep in reserve */
        lp->planless = true;
        code = kept_plan(lp, relaxed, r, sel, &staffing, careful, cj_time_left(opt, used),
                         short_of, type, lb, ub, &kept, &reserve, errs);
        lp->planless = false;
        used = glp_difftime(glp_time(), began);
    }
    bool start =
        !reserve && (kept.status == CJ_PLAN_OPTIMAL || kept.status == CJ_PLAN_FEASIBLE);
    /* a joint search with a plan in hand (to start from, or in reserve)
     * ends where the plan's share of a time limit ends, and with that share
     * spent it is not begun: GLPK's root alone passed a limit of 10 ms by
     * half a second on a round of 50 schools */
    reserve = reserve && kept.status == CJ_PLAN_FEASIBLE;
    double t0 = glp_time(), share = 0;
    if (opt->time_limit > 0)
        share = glp_difftime(plan_ends, t0);
    bool spent = (start || reserve) && opt->time_limit > 0 && share < 0.01;
    if (code == CJ_OK && !carried && start) {
        /* the joint model from that plan: a time limit keeps at least it */
        int ret = 1, st = GLP_UNDEF; /* not begun: as a search that found nothing */
        bool stuck = false;
        long nodes = 0;
        if (spent) {
            cj_stop_restore(CJ_STOP_TIME); /* the plan is stopped by the time */
        } else {
            long it0 = glp_get_it_cnt(lp->P);
            ret = cj_intopt_from_stuck(
                lp->P, lp->val, &staffing, share,
                opt->time_limit > 0 ? cj_windows_begin(t0, plan_ends) : 0, &stuck,
                &nodes);
            /* in the work -v gives, as the other searches' */
            lp->nodes += nodes;
            lp->iterations += glp_get_it_cnt(lp->P) - it0;
            st = glp_mip_status(lp->P);
        }
        bool found = st == GLP_OPT || st == GLP_FEAS;
        double z = found ? glp_mip_obj_val(lp->P) : kept.value;
        bool better = found && z >= kept.value - 1e-9 * (1 + fabs(kept.value));
        if (better && !cj_keep_values(lp)) {
            cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
            code = CJ_ERR_NOMEM;
        }
        if (!better)
            z = kept.value; /* lp->val still holds that plan */
        o->status = better && ret == 0 && st == GLP_OPT && !stuck ? CJ_PLAN_OPTIMAL
                                                                  : CJ_PLAN_FEASIBLE;
        o->value = z;
        o->bound = o->status == CJ_PLAN_OPTIMAL ? z : first.bound;
        o->gap = cj_gap_of(o->bound, z);
        bool for_windows = code == CJ_OK && o->status == CJ_PLAN_FEASIBLE && !spent &&
                           cj_stop_for_windows();
        if (opt->verbose)
            fprintf(stderr,
                    "the joint model from that plan: %.6f, %s, %.3f s, %ld nodes\n", z,
                    o->status == CJ_PLAN_OPTIMAL ? "proven best"
                    : spent ? "not searched, the plan's share of the time limit spent"
                    : stuck ? "given up, its plan and bound stuck"
                    : for_windows
                        ? "stopped for the windows of its plan, far from its bound"
                    : cj_stop_last() == CJ_STOP_TIME   ? "stopped where the plan's share "
                                                         "of the time limit ends"
                    : cj_stop_last() == CJ_STOP_MEMORY ? "stopped at the memory limit"
                                                       : "not proven",
                    glp_difftime(glp_time(), t0), nodes);
        if (for_windows)
            code = cj_joint_windows(lp, r, sel, &staffing, careful, plan_ends, o, errs);
        if (stuck && code == CJ_OK) {
            /* GLPK's best-bound search from a plan can sit on one bound for
             * good where the search from nothing, with its presolve and
             * cuts, proves the round: 25 x 15 seed 8 with staff, not proven
             * in 14 minutes from the plan of (b); from nothing in 20 s.  Its
             * best plan goes on in reserve, and the search from nothing has
             * the time left after it */
            kept.status = CJ_PLAN_FEASIBLE;
            kept.value = z;
            start = false;
            reserve = true;
            used = glp_difftime(glp_time(), began);
            spent = opt->time_limit > 0 && glp_difftime(plan_ends, glp_time()) < 0.01;
        }
    }
    if (code == CJ_OK && !carried && !start) {
        /* the staff cannot carry the best plan without them: the joint
         * model, from nothing, with a plan in reserve if one is held (of
         * (a)'s depth-first search, or of the search from a plan given up),
         * held since the search begins */
        cj_outcome joint = {.status = CJ_PLAN_UNKNOWN, .bound = HUGE_VAL};
        double *spare = NULL, windows_end = 0;
        if (reserve &&
            !(spare = cj_lp_scratch(lp, ((size_t)ncols + 1) * sizeof *spare))) {
            cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
            code = CJ_ERR_NOMEM;
            goto done;
        }
        if (spare)
            memcpy(spare, lp->val, ((size_t)ncols + 1) * sizeof *spare);
        if (spent) {
            cj_stop_restore(CJ_STOP_TIME); /* the plan is stopped by the time */
        } else {
            if (reserve && opt->time_limit > 0) {
                lp->share_ends = plan_ends;
                lp->held_since = began + 1000 * used;
            }
            lp->planless = !reserve;
            if (opt->time_limit > 0) {
                windows_end = reserve ? plan_ends : lp->share_ends;
                lp->windows_from = cj_windows_begin(glp_time(), windows_end);
                lp->held_value = kept.value;
            }
            code =
                cj_intopt(lp, &staffing, careful, cj_time_left(opt, used), &joint, errs);
            lp->planless = false;
            lp->held_since = lp->windows_from = 0;
        }
        /* a plan worth the reserve's within rounding is as good: GLPK's
         * proof of 87.8857142857 on 25 x 15 seed 20 with staff was thrown
         * away for a reserve worth 87.8857142910, and the plan went out
         * `feasible` with a gap of 1.5% */
        bool kept_reserve =
            code == CJ_OK && reserve &&
            (!(joint.status == CJ_PLAN_OPTIMAL || joint.status == CJ_PLAN_FEASIBLE) ||
             joint.value < kept.value - 1e-9 * (1 + fabs(kept.value)));
        if (kept_reserve) {
            memcpy(lp->val, spare, ((size_t)ncols + 1) * sizeof *spare);
            joint.status = CJ_PLAN_FEASIBLE;
            joint.value = kept.value;
            if (joint.bound < joint.value)
                joint.bound = HUGE_VAL; /* none with a plan above it */
            joint.gap = cj_gap_of(joint.bound, joint.value);
        }
        cj_lp_unscratch(lp, spare);
        if (joint.status == CJ_PLAN_FEASIBLE && first.bound < joint.bound) {
            joint.bound = first.bound; /* the relaxation's bound holds too */
            joint.gap = cj_gap_of(joint.bound, joint.value);
        }
        joint.staff_short = joint.status == CJ_PLAN_INFEASIBLE;
        joint.nodes = first.nodes; /* the joint model's are not limited */
        *o = joint;
        bool for_windows = code == CJ_OK && o->status == CJ_PLAN_FEASIBLE &&
                           windows_end > 0 && cj_stop_for_windows();
        if (opt->verbose && code == CJ_OK) {
            bool plan = o->status == CJ_PLAN_OPTIMAL || o->status == CJ_PLAN_FEASIBLE;
            /* stopped by the time before the limit: only the share stops
             * it there (GLPK's limit and cjos's clock stop it past it) */
            bool at_share = plan && o->status != CJ_PLAN_OPTIMAL &&
                            cj_stop_last() == CJ_STOP_TIME &&
                            glp_difftime(glp_time(), began) < opt->time_limit;
            fprintf(stderr, "the joint model from nothing: %s%.6f%s%s\n",
                    plan ? "" : "no plan, ", plan ? o->value : 0.0,
                    o->status == CJ_PLAN_OPTIMAL ? ", proven best"
                    : spent ? ", not searched, the plan's share of the time limit spent"
                    : for_windows
                        ? ", stopped for the windows of its plan, far from its bound"
                    : at_share ? ", stopped where the plan's share of the time limit ends"
                               : "",
                    kept_reserve ? ", the plan in reserve kept" : "");
        }
        if (for_windows)
            code = cj_joint_windows(lp, r, sel, &staffing, careful, windows_end, o, errs);
    }
    /* what the week has left of a time limit counts from here: the stages'
     * own counts once missed a search (solver/neighbourhoods.c, as_built) */
    o->seconds = glp_difftime(glp_time(), began);
    if (code == CJ_OK)
        carry(lp, relaxed, o);
done:
    lp->share_ends = lp->rescue_ends = lp->held_since = lp->windows_from = 0;
    cj_lp_unscratch(lp, type);
    cj_lp_unscratch(lp, lb);
    cj_lp_unscratch(lp, ub);
    cj_lp_unscratch(lp, obj);
    cj_lp_unscratch(lp, short_of);
    if (lp->relaxed) {
        cj_lp_free(lp->relaxed);
        free(lp->relaxed);
        lp->relaxed = NULL;
    }
    return code;
}

/* The searches' work so far in lp and the models it holds without staff
 * (nodes in w[0], simplex iterations in w[1], reliability branching's
 * tries in w[2]). */
static void work_of(const cj_lp *lp, long w[3]) {
    const cj_lp *m[] = {lp, lp->relaxed,
                        lp->kept_relaxed != lp->relaxed ? lp->kept_relaxed : NULL};
    w[0] = w[1] = w[2] = 0;
    for (size_t k = 0; k < sizeof m / sizeof *m; k++)
        if (m[k]) {
            w[0] += m[k]->nodes;
            w[1] += m[k]->iterations;
            w[2] += m[k]->tries;
        }
}

/* Solves the model and turns the answer into a plan; CJ_OK or an error. */
static cj_code run(cj_lp *lp, const cj_round *r, const cj_selection *sel,
                   const cj_solve_options *opt, bool careful, cj_plan *plan,
                   cj_errors *errs) {
    cj_outcome o;
    bool rota = r->staffed && !lp->elastic;
    long before[3], after[3];
    cj_stop_reset();
    work_of(lp, before);
    cj_code code = rota ? staffed(lp, r, sel, opt, careful, &o, errs)
                        : level_one(lp, r, sel, opt, careful, &o, errs);
    if (code != CJ_OK)
        return code;
    work_of(lp, after);
    if (opt->verbose) {
        /* the peak since GLPK's first allocation in this process; a memory
         * limit is checked on what GLPK holds between nodes, so the peak
         * can pass it (docs/performance-record.md, "A limit in memory") */
        int count, cpeak;
        size_t total, tpeak;
        glp_mem_usage(&count, &cpeak, &total, &tpeak);
        fprintf(stderr, "search: %ld nodes, %ld simplex iterations\n",
                after[0] - before[0], after[1] - before[1]);
        if (after[2] > before[2])
            fprintf(stderr, "reliability branching: %ld tries\n", after[2] - before[2]);
        fprintf(stderr, "GLPK's memory: at most %.1f MiB\n", (double)tpeak / (1 << 20));
    }
    plan->nodes = o.nodes;
    plan->status = o.status;
    if (o.status == CJ_PLAN_FEASIBLE || o.status == CJ_PLAN_UNKNOWN)
        plan->stopped_by = cj_stop_last();
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
        /* the lower levels of SPEC §6, within the plan just found, in the
         * nodes the plan's searches left (at least one: the first week
         * stands in any case), so that a node limit gives the same week on
         * every machine, and does not leave the week to the time limit */
        cj_solve_options week = *opt;
        long left = opt->node_limit - (after[0] - before[0]);
        if (opt->node_limit > 0)
            week.node_limit = left > 1 ? left : 1;
        code = cj_rota_place(lp, r, sel, &week, cj_time_left(opt, o.seconds), plan, errs);
        if (code != CJ_OK)
            return code;
    }
    if (!read_plan(lp, lp->val, r, sel, plan)) {
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        return CJ_ERR_NOMEM;
    }
    /* (the plan's value as read may pass the solver's bound by its
     * tolerance: a bound below the plan's own value says nothing) */
    plan->bound = plan->status == CJ_PLAN_OPTIMAL ? plan->objective
                                                  : fmax(o.bound, plan->objective);
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
    plan->memory_limit = opt->memory_limit;
    plan->gap_limit = opt->gap_limit;

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
        let_go_held(); /* the diagnosis's or the rota's, GLPK failing in them */
        lp->P = NULL;  /* glp_free_env() below takes the problem with it */
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
