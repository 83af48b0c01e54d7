/*
 * solver: the mixed-integer model of SPEC §3 and everything that solves it.
 *
 * The only module that includes glpk.h.  GLPK is wrapped so that its errors
 * come back as values (never abort the process) and its output is silent
 * unless asked for.  Reads a validated round and its selection; produces a
 * cj_plan the caller owns.
 */
#ifndef CJOS_SOLVER_H
#define CJOS_SOLVER_H

#include "model.h"
#include "schools.h"

/* The command line's default: a runaway round stops with its best plan. */
#define CJ_DEFAULT_TIME_LIMIT 600
/* GLPK's working memory, in MiB: past it GLPK stops with an error. */
#define CJ_GLPK_MEMORY_MB 8192
/* The command line's default memory limit, in MiB of GLPK's memory: a
 * search that grows past it stops with its best plan, as under the time
 * limit, well before the hard limit above ends it with an error and no
 * plan (docs/reliability.md, "Limits"). */
#define CJ_DEFAULT_MEMORY_LIMIT 1024

typedef struct {
    double time_limit;     /* seconds; 0: none */
    bool verbose;          /* let GLPK print its progress to stderr */
    const char *write_lp;  /* write the model as built in CPLEX LP format, or NULL */
    const char *write_mps; /* write the model as built in free MPS format, or NULL */
    /* pairs forced into the plan, as if chosen: provider force[2k], school
     * force[2k+1] (for "what if this provider were there") */
    const int *force;
    size_t n_force;
    /* earlier plans the result must differ from, each as the (provider,
     * school) pairs it uses, flattened like `force`; it must differ in the
     * provider set of at least one school, or of school `nogood_school`
     * when that is not -1 (for the K best plans that really differ) */
    const int *const *nogood;
    const size_t *nogood_len; /* pairs in each */
    size_t n_nogood;
    int nogood_school;
    /* staffed rounds: stop after the first level (the section-3 objective,
     * with the staff able to carry it) and leave the rota out, for runs that
     * need only the objective (what-if, prices, tipping points) */
    bool objective_only;
    /* no branch and price before the neighbourhoods (docs/model.md): for
     * tests of the search that follows it */
    bool no_branch;
    /* GLPK branch-and-bound nodes the search for the plan may take in all,
     * 0: none.  Unlike seconds, nodes stop the same round at the same plan
     * on every machine (docs/model.md, "How GLPK is run") */
    long node_limit;
    /* MiB of memory GLPK may hold (its models and search trees, as GLPK
     * counts it) before a search stops with its best plan, 0: none but
     * CJ_GLPK_MEMORY_MB.  Checked between nodes, so GLPK's peak passes it
     * by what the node in hand and the stop take (25 MiB at a limit of 160
     * on 1000 x 1000).  Counted by GLPK, not the system: the same round
     * stops at the same plan on every machine with the same GLPK.
     * (node_limit and memory_limit last, so that the fields before them
     * keep their places) */
    long memory_limit;
    /* a relative gap, 0: none.  The search stops with its best plan once
     * that plan is proven within it of the optimum, (bound - z) <= gap_limit
     * (|z| + 1e-9), as the plan's gap is counted: `feasible`, stopped by
     * CJ_STOP_GAP, unless it is proven optimal by then */
    double gap_limit;
    /* the model as built, without the priced rows and what follows them
     * (docs/model.md): for tests of GLPK's own search, and of its failure
     * there */
    bool no_price;
    /* the search of neighbourhood k (1, 2, ...) ends as if GLPK had failed
     * in it, 0: none: for tests of what follows such a failure, which no
     * round is known to provoke (solver/neighbourhoods.c, as_built) */
    int fail_neighbourhood;
} cj_solve_options;

/*
 * Builds and solves the model.  Returns CJ_OK and a new plan in *out (any
 * status: optimal, feasible, infeasible or unknown), which the caller frees
 * with cj_plan_free().  On failure returns an error code, adds a finding to
 * `errs` and leaves *out NULL; nothing else is left behind.
 */
cj_code cj_solve(const cj_round *r, const cj_selection *sel, const cj_solve_options *opt,
                 cj_plan **out, cj_errors *errs);

/*
 * A sweep: one model built at the first scenario and changed (bounds,
 * right-hand sides, coefficients) for every next one, for what-if runs that
 * change numbers of a round but not which pairs are eligible.  Every call
 * gives the optimum cj_solve() gives on the changed round (among tied plans
 * possibly another, docs/model.md); the caller frees the sweep with
 * cj_sweep_free().  Scenarios in an order that only tightens the rules
 * (a rate or a minimum going up, an amount, capacity or maximum going down)
 * are quickest: a plan proven best then carries over while it meets them.
 */
typedef struct cj_sweep cj_sweep;
cj_sweep *cj_sweep_new(void);
cj_code cj_sweep_solve(cj_sweep *sw, const cj_round *r, const cj_selection *sel,
                       const cj_solve_options *opt, cj_plan **out, cj_errors *errs);
/* How many scenarios GLPK failed in, so that they were solved again from
 * scratch (the answer is the same; only slower). */
size_t cj_sweep_retries(const cj_sweep *sw);
/* How many scenarios were answered by the last scenario's plan without a
 * search: it was proven best there, every number changed since only took
 * plans away, and it still meets every rule (docs/whatif.md). */
size_t cj_sweep_reused(const cj_sweep *sw);
void cj_sweep_free(cj_sweep *sw);

/*
 * The diagnoses that need no solver (SPEC §3 rules that cannot hold whatever
 * the plan): adds them to `plan` and returns how many were added.
 */
size_t cj_prediagnose(const cj_round *r, const cj_selection *sel, cj_plan *plan);

/* A provider's FTE capacity: fte_capacity, and in a staffed round no more
 * than its staff can give (SPEC §6, S4). */
double cj_provider_capacity(const cj_round *r, int provider);

/* The upper bound U(p,s) of SPEC §3, tightened by the amounts that apply
 * and, in a staffed round, by what the provider's staff can give there. */
double cj_pair_upper(const cj_round *r, int provider, int school);

/* GLPK's version, e.g. "5.0". */
const char *cj_solver_glpk_version(void);

#endif
