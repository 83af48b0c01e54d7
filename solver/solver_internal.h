/* Shared by the files of solver/: the GLPK problem and its column map. */
#ifndef CJOS_SOLVER_INTERNAL_H
#define CJOS_SOLVER_INTERNAL_H

#include "solver.h"

#include <glpk.h>
#include <math.h>

typedef struct cj_price cj_price; /* solver/price.c */

/* Integer columns up to which a model counts as small: GLPK's default
 * branching rather than pseudo-costs (docs/performance-record.md). */
#define SMALL_MODEL 150

typedef struct cj_lp {
    glp_prob *P;
    size_t n_pairs;
    int *ycol, *fcol; /* per selection pair: GLPK column (1-based) */
    size_t n_u;
    int *ucol, *u_school, *u_exp; /* soft coverage slacks */
    double q;                     /* FTE step, 0 when continuous */
    /* elastic (diagnosis) model: FTE bounded only loosely, so that amounts,
     * capacities and FTE ranges can give way through their rows' slacks */
    bool elastic;
    /* sweep model: every row whose numbers a what-if may change exists (with
     * a bound that never binds when the round has no such rule), so that
     * cj_lp_update() can change numbers without building again */
    bool sweep;
    /* a staffed round's model without its staff (a relaxation) */
    bool no_staff;
    /* rows and columns without names: every model that is not exported
     * (naming was a tenth of the bundled round's solve) */
    bool nameless;
    /* rows by what they constrain (0: none), for cj_lp_update() */
    int *c2min, *c2max; /* per pair */
    int *c1, *c4, *c5;  /* per school */
    int *c3, *c6;       /* per cluster */
    int *c7cap, *c7max; /* per provider */
    int *cap, *capfte;  /* per school: its cap rows (solver/cuts.c) */
    /* staffed rounds (SPEC §6): one entry per (pair, staff member) who can
     * work there, with the day-parts they give (n) and whether they come (z);
     * FTE then counts day-parts (q is day_part_fte) */
    size_t n_sk;
    int *sk_pair, *sk_staff, *sk_n, *sk_z;
    /* the column values of the plan being read (1-based): the last solve's,
     * or an earlier level's when a later one found nothing in its time */
    double *val;
    /* sweeps: the plan in `val` is proven best for the numbers it was solved
     * at, and every change of cj_lp_update() since only took plans away, so
     * that the plan is still the best when it still meets every row */
    bool proven, nested;
    /* a staffed sweep's model without staff: the plan of the last scenario
     * with staff (its y, f and u in this model's columns), when it was
     * proven best; the same reasoning then holds for the model with staff,
     * whose staff rows change with the numbers only through the bounds of
     * f, which `nested` covers (solver/staff.c) */
    double *carry;
    bool carried;
    /* scenarios answered so by the last one's plan, without a search (for
     * cj_sweep_reused) */
    size_t reused;
    /* GLPK's branch-and-bound nodes and simplex iterations in this model's
     * searches so far: work that does not depend on the machine's speed, so
     * that two builds can be seen to take the same path (-v, bench/compare) */
    long nodes, iterations;
    /* of which the tries of reliability branching (solver/strong.c): LPs,
     * their simplex iterations counted in `iterations` */
    long tries;
    /* `nodes` when the search for the plan began: the node limit counts
     * from there */
    long node_base;
    /* a staffed round's model without its staff, and the allocations of a
     * solve in progress: owned by this model and freed with it, so that a
     * GLPK error, which jumps out of the solve, leaves nothing behind */
    struct cj_lp *relaxed;
    /* a sweep's model without staff, kept between the scenarios of a
     * staffed round and used instead of `relaxed`; not owned */
    struct cj_lp *kept_relaxed;
    void *scratch[8];
    /* the prices of cj_lp_price_caps(), kept for cj_price_reduce() */
    cj_price *price;
    /* the count columns of the neighbourhoods (solver/counts.c): n_counts
     * of them from column count_col, each with its row from count_row, the
     * last n_steps of them the schools' step columns */
    size_t n_counts, n_steps;
    int count_row, count_col;
    /* the search in hand is the plan's only hope of a plan: should a limit
     * stop it before GLPK finds one, the rescue looks for one (cj_rescue);
     * set by solver/solve.c and solver/neighbourhoods.c */
    bool planless;
    /* what the search in hand adds to the bound of the whole model, for the
     * gap limit (set by solver/neighbourhoods.c around each search, when
     * `gap_region`): no plan outside its region is worth more than
     * gap_outside, none at all more than gap_cap, and a plan worth gap_best
     * is in hand (-HUGE_VAL: none).  Without it the search is of the whole
     * model and GLPK's bound and plan are all there is */
    bool gap_region;
    double gap_outside, gap_cap, gap_best;
    /* when the plan's share of a staffed round's time limit ends (a
     * glp_time() value; 0: never): a search of the staffed model that holds
     * a plan by then stops (a first plan found late given as long again as
     * it took, solver/search.c), and leaves the rest to the week; set by
     * solver/solve.c around the searches for a plan the staff can carry */
    double share_ends;
    /* when a rescue of the search in hand must end (a glp_time() value; 0:
     * by its own rule, half as long again as the search took): a staffed
     * round's searches for a plan the staff can carry are one search for
     * the user, whose last may have had only what the others left */
    double rescue_ends;
    /* since when the search in hand has had a plan in reserve, for the
     * share's stop and the windows' stop below (a glp_time() value; 0:
     * none); set by solver/solve.c */
    double held_since;
    /* the value of the plan held in reserve since held_since */
    double held_value;
    /* from when the search in hand is stopped, as at the share's end, while
     * its best plan (or the one in reserve) is far from its bound, for the
     * windows of that plan (a glp_time() value; 0: never), under a time
     * limit: set by solver/solve.c for the joint model of a staffed round
     * (solver/search.c, far_for_windows) */
    double windows_from;
} cj_lp;

/* Share of the time a search took (or had, if more) that the rescue may
 * take after it (cj_rescue). */
#define RESCUE_SHARE 0.5

/* Whether the column values `v` (1-based) meet every bound, row and
 * integrality of P within `tol` (relative to each bound): 1 yes, 0 no, -1
 * out of memory. */
int cj_lp_meets(glp_prob *P, const double *v, double tol);

/* The step of the objective (solver/lattice.c): every plan with whole
 * coverage slacks is worth the constant plus a whole number of it; 0 when
 * there is none to find. */
double cj_lp_granule(const cj_lp *lp);

/* Copies the plan of column values `from` (1-based, model a) into `to`
 * (model b, with the same pairs and coverage slacks, as the models with and
 * without staff of one round have): y, f (whole where b's column is) and the
 * slacks; b's other columns in `to` are left as they are.  False, copying
 * nothing, when the two models do not have the same pairs and slacks. */
bool cj_lp_map_plan(const cj_lp *a, const double *from, const cj_lp *b, double *to);

/* Writes a row's or column's name into buf (at most n bytes, printf's
 * `fmt`), or an empty one for a nameless model, which GLPK takes as none. */
void cj_lp_name(const cj_lp *lp, char *buf, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Memory for the solve in progress, freed with `lp` or by cj_lp_unscratch();
 * NULL when out of memory (or out of places). */
void *cj_lp_scratch(cj_lp *lp, size_t bytes);
void cj_lp_unscratch(cj_lp *lp, void *p);

/* A growing triplet list for glp_load_matrix (1-based, slot 0 unused). */
typedef struct {
    int *ia, *ja;
    double *ar;
    size_t n, cap;
} cj_triplets;

/* Appends a coefficient (zeros are skipped); false when out of memory. */
bool cj_trip_add(cj_triplets *t, int row, int col, double v);
/* Adds a named row with bounds lo..hi (either may be +-HUGE_VAL); its index. */
int cj_lp_row(glp_prob *P, const char *name, double lo, double hi);
/* Sets the bounds lo..hi of row i (either may be +-HUGE_VAL). */
void cj_lp_row_bounds(glp_prob *P, int i, double lo, double hi);

/*
 * Solves a round that falls apart into independent parts part by part
 * (solver/parts.c): 1 with the joined plan in *out, 0 when the round is one
 * part or a part needs the whole round (no plan in a part, an error; nothing
 * is left behind but the seconds and nodes spent, in *spent and *nodes), -1
 * when out of memory.
 */
int cj_solve_parts(const cj_round *r, const cj_selection *sel,
                   const cj_solve_options *opt, cj_plan **out, double *spent,
                   long *nodes);

/*
 * Adds per school a row that caps its part of the objective at the best its
 * own rules allow (solver/cuts.c): valid, and much tighter than the
 * relaxation when FTE comes in steps.  False when out of memory.
 */
bool cj_lp_school_caps(cj_lp *lp, const cj_round *r, const cj_selection *sel,
                       cj_triplets *t);
/* Sets the caps of a sweep model from the round as it is now. */
void cj_lp_update_caps(cj_lp *lp, const cj_round *r, const cj_selection *sel);

/*
 * Adds per block (a cluster priced as one, or a school) a row that carries
 * the bound of the round's decomposition into the model (solver/price.c):
 * column generation over each block's own plans, for at most `seconds` (0:
 * no limit), gives prices for the rows that join blocks; the row says the
 * block's objective less what it uses of those rows at their prices is at
 * most its best.  Valid for every plan.  Does nothing for continuous FTE,
 * elastic and staffed models (a staffed round's model without its staff is
 * priced).  Runs under the caller's GLPK guard; false when out of memory.
 */
bool cj_lp_price_caps(cj_lp *lp, const cj_round *r, const cj_selection *sel,
                      const cj_solve_options *opt, double seconds);

/*
 * Adds per provider and cluster where it has pairs at two or more schools an
 * integer column that counts the schools it works at there, and per school
 * with two or more pairs one that sums its steps of FTE, for GLPK to branch
 * on (solver/counts.c); they come after every other row and column.
 * Returns how many, or -1 when out of memory (the model unchanged).
 */
int cj_lp_add_counts(cj_lp *lp, const cj_round *r, const cj_selection *sel);
/* Sets the count and step columns of column values v (1-based) to the
 * sums their rows fix them at; false when out of memory (v unchanged). */
bool cj_lp_count_values(const cj_lp *lp, double *v);
/* Deletes them again; before anything else deletes rows or columns. */
void cj_lp_drop_counts(cj_lp *lp);

/*
 * The windows of a plan (solver/windows.c): window c is cluster c and every
 * cluster where a provider that works at one of c's schools in the plan
 * has a pair.  cj_window_new() returns a holder for the round's pairs, in
 * lp's scratch memory, that the caller frees with cj_window_free() (or lp
 * does, when freed), or NULL when out of memory.
 */
typedef struct cj_window cj_window;
cj_window *cj_window_new(cj_lp *lp, const cj_round *r, const cj_selection *sel);
void cj_window_free(cj_window *w, cj_lp *lp);
/* Fixes every pair outside window c of plan v (model column values,
 * 1-based) at its values there, keeping the bounds it had for
 * cj_window_release(); the window's own pairs keep theirs.  Returns how
 * many of the window's y are not fixed. */
size_t cj_window_hold(cj_window *w, cj_lp *lp, size_t c, const double *v);
/* Puts back the bounds the last cj_window_hold() changed. */
void cj_window_release(cj_window *w, cj_lp *lp);

/* The bound of cj_lp_price_caps(): no plan of the round is better; HUGE_VAL
 * when there is none. */
double cj_price_bound(const cj_price *x);
/* That bound, or the lower one branch and price left when it stopped
 * unfinished, or cj_price_deepen()'s once found: no plan of the round is
 * better either, but the pairs are reduced by cj_price_bound() alone (its
 * prices say nothing of the tree or of the restricted rows). */
double cj_price_tree_bound(const cj_price *x);
/* Whether solver/deep.c's tighter bound can still be sought: the round was
 * priced with it prepared (under a gap limit of 0.2% or less, or without
 * one under a time or node limit where branch and price did not prove the
 * round), and cj_price_deepen() has not run. */
bool cj_price_deep_pending(const cj_price *x);
/* Seeks the tighter bound (solver/deep.c) once, for at most `seconds` (0: no
 * limit), and frees what it needed, the prices' master with it; returns
 * it, a bound on every plan of the round, or HUGE_VAL when it found none;
 * a later call returns the same.  Sets *nomem when out of memory (the
 * bound then is what was found before).  Runs under the caller's GLPK
 * guard. */
double cj_price_deepen(cj_price *x, double seconds, bool verbose, bool *nomem);
/* Whether branch and price proved a plan best: its model column values
 * (owned by x) and objective. */
bool cj_price_proven(const cj_price *x, const double **plan, double *value);
/* The seconds cj_lp_price_caps() spent (0 for NULL). */
double cj_price_seconds(const cj_price *x);
/*
 * Keeps, of the model's pairs, only what a plan within `delta` of the bound
 * can use: per pair the steps of FTE (or none) that some plan of its school
 * within `delta` of the school's best at the prices uses; pairs every such
 * plan uses are fixed in.  Valid for every plan whose objective is above
 * cj_price_bound() - delta.  Undone by cj_price_restore().  Returns how
 * many y stay free; *same says whether the model is as the last call left
 * it (no cj_price_restore() between), so that its answer there still holds.
 */
size_t cj_price_reduce(cj_price *x, double delta, bool *same);
/* How many y cj_price_reduce() would leave free at `delta`, changing
 * nothing. */
size_t cj_price_free_at(cj_price *x, double delta);
void cj_price_restore(cj_price *x);
void cj_price_free(cj_price *x);
/*
 * A first plan put together block by block at the decomposition's prices,
 * each block's best that fits what the blocks before it left of the rows
 * joining them (solver/first.c): 1 with its model column values in v
 * (1-based, room for every column of the model), 0 when none was found (v
 * then undefined), -1 when out of memory.  Only the plan's structure is
 * checked here: cj_price_meets_as_built() says whether it meets the model.
 * The candidates and blocks are left priced as they were.
 */
int cj_price_first_plan(cj_price *x, double *v);
/* Whether column values v (1-based) meet every row and bound of the model
 * as built, the bounds of the neighbourhood in hand set aside and put back
 * (solver/reduce.c): as cj_lp_meets(). */
int cj_price_meets_as_built(cj_price *x, const double *v);
/* Takes the priced rows out of the model, restored, and frees its prices
 * (lp->price NULL after): for the model as built, and before a sweep's next
 * scenario changes the numbers they were priced at. */
void cj_lp_unprice(cj_lp *lp);
/* After a GLPK error freed every GLPK problem: forgets the master's. */
void cj_price_forget_glpk(cj_price *x);

/*
 * Adds the staff of a staffed round to a model being built (SPEC §6, S1-S4
 * without the day-parts themselves): per pair and staff member the day-parts
 * they give and whether they come, with the rows that make every count of
 * day-parts placeable in a week (see docs/rota.md).  False when out of memory.
 */
bool cj_lp_staff(cj_lp *lp, const cj_round *r, const cj_selection *sel, cj_triplets *t);

/*
 * A staffing of the plan without staff (`relaxed`, solved) found by hand: per
 * pair its day-parts go first to people who know the school, then to those
 * already coming, then SKJ staff, then MBO staff, each at free day-parts of
 * their own week, so that the counts fit a week by construction.  Returns
 * true, with lp->val the plan and its staffing, only when every row and
 * bound of the staffed model holds and no staffing could give more
 * day-parts to people who know the school (what cj_lp_prefer_known() asks
 * for); false leaves lp->val as it was (also when out of memory).
 */
bool cj_lp_staff_by_hand(cj_lp *lp, const cj_lp *relaxed, const cj_round *r,
                         const cj_selection *sel);

/* At most how many day-parts a person can give at a school: what the column
 * allows (`cap`), the day-parts they can work there (`can`), their week. */
int cj_staff_most_at(const cj_staff *st, unsigned can, int cap, double day_part_fte);
/* At most how many of a pair's `want` day-parts people who know the school
 * can give (level 2 of SPEC §6): `could` in all (cj_staff_most_at() summed
 * over the `knowing` of them), less one for each further person S1 needs. */
int cj_staff_known_most(int want, int could, int knowing, int staff_min);

/* Sets an objective coefficient of 1 on every day-part count of a person at
 * a school they know (the other coefficients are the caller's). */
void cj_lp_prefer_known(cj_lp *lp, const cj_round *r, const cj_selection *sel);

/*
 * Places the staff of a solved staffed plan in the week: reads who gives how
 * many day-parts where from the solved problem, finds day-parts for each
 * (always possible: the model's rows guarantee it), then, keeping every
 * pair's FTE, prefers staff who know the school, then more weekdays with
 * support, then fewer changes of school within a day, within the time left.
 * Adds the postings to `plan`.  Runs under the caller's GLPK guard; false
 * when out of memory.
 */
cj_code cj_rota_place(const cj_lp *lp, const cj_round *r, const cj_selection *sel,
                      const cj_solve_options *opt, double seconds, cj_plan *plan,
                      cj_errors *errs);

/*
 * glp_intopt from a known solution `x` (1-based, one value per column): the
 * LP relaxation first, then branch and bound without presolve, with `x` as
 * the first incumbent, for at most `seconds` (0: no limit) and within
 * opt->memory_limit and opt->node_limit (GLP_ESTOP past either, in
 * cj_stop_last()).  With `gave_up`, a search whose best has not improved
 * for a while is given up as a neighbourhood's is (GLP_ESTOP, *gave_up
 * true): for a search whose every plan is as good for the round, the
 * week's.  With `nodes`, the nodes it took (0 when the relaxation failed).
 * Returns glp_intopt's code (or glp_simplex's when the relaxation failed);
 * the solution is then read with glp_mip_col_val() when glp_mip_status()
 * says there is one.
 */
int cj_intopt_from(glp_prob *P, const double *x, const cj_solve_options *opt,
                   double seconds, bool *gave_up, long *nodes);

/*
 * cj_intopt_from() for a search that is given up (*gave_up true, GLP_ESTOP)
 * only once neither its best plan nor its bound has moved for a good many
 * nodes: stuck, not merely slow.  From `windows_from` on (a glp_time()
 * value; 0: never) it is stopped, as by its time limit, while its plan is
 * far from its bound, for that plan's windows (cj_lp's windows_from).  The
 * same return, solution and count of nodes otherwise.
 */
int cj_intopt_from_stuck(glp_prob *P, const double *x, const cj_solve_options *opt,
                         double seconds, double windows_from, bool *gave_up, long *nodes);

/* Union-find over up[] (up[x] == x at a root), solver/parts.c: the root of
 * x's set, halving the path; and the union of a's and b's sets, led by the
 * smaller index, so that a set is named by its first member. */
int cj_uf_root(int *up, int x);
void cj_uf_join(int *up, int a, int b);

/* What cj_apart_solve() went through: the blocks, how many of them it
 * proved best, how many it gave up once stalled, how many have no solution,
 * and GLPK's nodes; whether memory ran out. */
typedef struct {
    int blocks, proven, gave_up, short_of;
    long nodes;
    bool nomem;
} cj_apart_counts;

/*
 * Solves P a block at a time (solver/apart.c): the columns its bounds leave
 * free, joined when a row holds two of them, each block searched as a
 * problem of its own (cj_intopt_from, given up once stalled) with every
 * other column at its value, within `seconds` (0: no limit) in all and
 * opt's memory and node limits per block.  Writes every column's value to
 * v (1-based, one per column of P: the fixed ones at their bound) and
 * returns CJ_PLAN_OPTIMAL when every block was proven best, FEASIBLE when
 * one was given up or stopped with a solution, INFEASIBLE when one has
 * none, UNKNOWN when a limit stopped one before a solution or memory ran
 * out (counts->nomem); v is complete only for the first two.  With
 * `short_of` (one byte per column, 1-based, zeroed by the caller), every
 * block is searched, and the columns of each that has no solution are
 * marked 1 there; without, the search stops at the first.  P is left as it was.  Runs
 * under the caller's GLPK guard.
 */
cj_plan_status cj_apart_solve(glp_prob *P, const cj_solve_options *opt, double seconds,
                              double *v, unsigned char *short_of,
                              cj_apart_counts *counts);

/* What the rescue found (solver/rescue.c). */
typedef enum {
    CJ_RESCUED_NOTHING,     /* stopped by a limit, or GLPK failed */
    CJ_RESCUED_PLAN,        /* a plan */
    CJ_RESCUED_NONE_EXISTS, /* proof that P has no plan */
} cj_rescued;

/*
 * A first plan of P, by GLPK's search (with presolve and its cuts)
 * branching on the first fractional column, depth first, stopped at its
 * first plan or after 5,000 nodes, within
 * `seconds` (0: no limit) and `memory` bytes of GLPK's memory (0: no
 * limit); solver/rescue.c.  With CJ_RESCUED_PLAN the plan is P's MIP
 * solution (read as any other, cj_keep_values); otherwise that solution is
 * overwritten with none.  GLPK's nodes in *nodes; in *bound, a bound on
 * every plan of P from its search tree (HUGE_VAL when it had none).
 */
cj_rescued cj_rescue(glp_prob *P, double seconds, size_t memory, int *nodes,
                     double *bound);

/* The tries' dual simplex (solver/dual.c): the LP of a node of GLPK's
 * search with one column's bounds narrowed, solved from the node's basis
 * on GLPK's factorization of it. */
typedef struct cj_dual cj_dual;
/* An empty one, or NULL when memory is short; cj_dual_free frees it. */
cj_dual *cj_dual_new(void);
void cj_dual_free(cj_dual *D);
/* Reads the node's LP from P, the tree's problem, whose first m0 rows are
 * its regular rows (the rest: cuts); the regular rows' matrix is read at
 * the first node only.  P must stay as it is while the tries run.  False,
 * and no tries, when P's LP is not optimal with a factorization or memory
 * is short. */
bool cj_dual_node(cj_dual *D, glp_prob *P, int m0);
/* The LP value of the node's LP with column j held to [lo, hi], after at
 * most `limit` dual simplex iterations (then a bound on it from above);
 * -HUGE_VAL when that side has no plan; NAN when the try could not be made
 * (lost accuracy, memory, no node), for glp_simplex to make.  Adds the
 * iterations to *iterations. */
double cj_dual_try(cj_dual *D, int j, double lo, double hi, int limit, long *iterations);

/* Reliability branching (solver/strong.c): one search's pseudo-costs, in
 * memory the caller gives (cj_strong_bytes), and what its tries run on:
 * cj_dual, or a copy of the node's LP where cj_dual cannot try. */
typedef struct {
    int n; /* columns of GLPK's problem at most; 0: off */
    /* per column: its degradations per unit measured, down and up, and how
     * many were measured; its score at the node being branched */
    double *sum[2], *score;
    int *count[2];
    int *cand;   /* that node's candidates, the most promising first */
    glp_prob *W; /* the node's LP for glp_simplex, when cj_dual cannot try */
    cj_dual *D;  /* the tries' own dual simplex, made at the first try */
    int m0;      /* regular rows of GLPK's problem; -1: not yet counted */
    long branched, tries, iterations; /* its branchings, tries, their iterations */
    long held; /* how often it held columns and had GLPK solve the node again */
    /* the node GLPK works on and the one before, and whether each came to
     * a branching (cj_strong_follow) */
    int node, last;
    bool node_branched, last_branched;
    /* the branching chosen in the cuts callback, for the LP of that node
     * after so many simplex iterations and of that value */
    int kept_node, kept_col, kept_first;
    int kept_it;
    double kept_z;
} cj_strong;

/* The memory reliability branching needs for a problem of n columns. */
size_t cj_strong_bytes(int n);
/* GLPK's node data (glp_iocp's cb_size) it needs. */
int cj_strong_node_bytes(void);
/* Begins a search's record in `mem` (cj_strong_bytes(n), cleared here),
 * which must outlive the search; NULL: off, the choice left to GLPK. */
void cj_strong_start(cj_strong *s, void *mem, int n);
/* At GLP_IROWGEN: the first time a node's LP is read, what its parent's
 * branching cost, into the pseudo-costs. */
void cj_strong_learn(cj_strong *s, glp_tree *T);
/* At every call of GLPK's callback: follows the nodes GLPK works on, to
 * tell those where it adds no cuts of its own (cj_strong_cut). */
void cj_strong_follow(cj_strong *s, glp_tree *T);
/* At GLP_ICUTGEN of a maximisation, at a node where GLPK adds no cuts of
 * its own: the tries of cj_strong_branch, each column one of whose sides
 * holds nothing better than GLPK's best plan held to the other side in
 * the node's bounds, which its children inherit, and GLPK made to solve
 * the node's LP again; with none held, the choice is kept for
 * cj_strong_branch on the same LP.  Touches nothing elsewhere. */
void cj_strong_cut(cj_strong *s, glp_tree *T);
/* At GLP_IBRANCH of a maximisation: branches GLPK upon the column that
 * degrades both sides most; false, touching nothing, when off or when
 * there is nothing to branch on. */
bool cj_strong_branch(cj_strong *s, glp_tree *T);
/* Deletes the copy of the node's LP; the memory stays the caller's. */
void cj_strong_end(cj_strong *s);

/* Branching in haste (solver/haste.c): one search's record of the columns
 * whose pseudo-costs are started (by reliability branching or GLPK); the
 * search's own clock says how much time it has left. */
typedef struct {
    double eval; /* seconds one start of a pseudo-cost takes, < 0: not known yet */
    unsigned char *seen; /* per column of GLPK's problem: started (the caller's) */
    int n;
    int hurried; /* branchings cjos chose */
    /* at the first of them: what GLPK's start would have taken, and the
     * seconds the search had left */
    double start, left;
} cj_haste;

/* Begins the record of a search of a problem of n columns, with the
 * caller's `seen` (n + 1 bytes, cleared here), which must outlive the
 * search; NULL for a search without a time limit, which is never hurried. */
void cj_haste_start(cj_haste *h, unsigned char *seen, int n);
/* At GLP_IBRANCH of a search with pseudo-cost branching and `left` seconds
 * of its limit left: branches on the first fractional column itself, and
 * returns true, when starting the pseudo-costs not yet started would take
 * more than half of them; otherwise returns false, touching nothing, and
 * leaves the choice to reliability branching or GLPK. */
bool cj_haste_branch(cj_haste *h, glp_tree *T, double left);
/* Whether cj_haste_branch would branch at this node now: asked at
 * GLP_ICUTGEN, so that reliability branching's tries there are not made
 * where haste will branch.  Touches nothing but the measured start. */
bool cj_haste_hurries(cj_haste *h, glp_tree *T, double left);

/* GLPK's tm_lim for `seconds` (> 0), held where an int ends. */
int cj_glpk_ms(double seconds);
/* Whether GLPK holds more than `bytes` of memory, as glp_mem_usage counts
 * it (0: never); solver/search.c. */
bool cj_glpk_memory_past(size_t bytes);

/* What one search of the plan gave (solver/search.c). */
typedef struct {
    cj_plan_status status; /* optimal, feasible, infeasible or unknown */
    double value, bound, gap, seconds;
    bool staff_short; /* a plan exists without the staff, none with them */
    bool gave_up;     /* stopped since it could no longer matter (give_up_stalled) */
    bool again; /* told, GLPK left neither a plan nor nothing: searched again untold */
    long nodes; /* GLPK's, in this search (level_one: in all its searches) */
    cj_stop stopped; /* the limit that stopped this search, if one did */
} cj_outcome;

/* The relative gap of a plan worth `value` under `bound`, as a plan reports
 * it; the gap limit is counted the same way, so that no plan it stops shows
 * a gap above it. */
static inline double cj_gap_of(double bound, double value) {
    return fabs(bound - value) / (fabs(value) + 1e-9);
}

/* Whether `bound` proves a plan worth `value` best (within rounding). */
static inline bool cj_bound_meets(double bound, double value) {
    return bound - value <= 1e-9 * (1 + fabs(value));
}

/* The bound of the whole model when a search of one region of it has GLPK's
 * bound `in` (HUGE_VAL: none yet): no plan outside the region is worth more
 * than `outside` (-HUGE_VAL: the region is the whole model), and none at all
 * more than `cap`, what earlier searches proved.  One rule for the gap limit
 * inside a search (solver/search.c) and for a search that a limit stopped
 * (solver/neighbourhoods.c). */
static inline double cj_region_bound(double in, double outside, double cap) {
    double b = in < cap ? in : cap;
    b = b > outside ? b : outside;
    return b < cap ? b : cap;
}

/* The limit that stopped a search last on this thread (solver/search.c):
 * what a plan that is not proven says stopped it.  Reset when a plan's
 * search begins; restored by a search whose own cap stops it (a window). */
void cj_stop_reset(void);
cj_stop cj_stop_last(void);
void cj_stop_restore(cj_stop s);
/* Whether the last search on this thread was stopped, as by its time, for
 * the windows of its plan (cj_lp's windows_from), the windows' own
 * searches aside: read it right after the search. */
bool cj_stop_for_windows(void);

/*
 * One glp_intopt of lp within `seconds` (0: no limit), within what
 * opt->node_limit leaves of the plan's nodes since lp->node_base and within
 * opt->memory_limit, given up when it stalls with no open node above
 * `matters_above` (NAN: never).  Stopped by a limit, o->stopped says which
 * (and the thread's record, cj_stop_last(), too); stopped before a plan,
 * the outcome is `unknown` with GLPK's bound (HUGE_VAL when it had none).
 * Given `plan` (its first plan_n column values, 1-based) and a value `above`
 * (not NAN), GLPK looks only for plans worth more than `above`; when it
 * finds none, the outcome is that plan's and lp->val is left as it was.
 * CJ_OK, or an error (said in `errs` unless it is NULL); solver/search.c.
 */
cj_code cj_intopt_above(cj_lp *lp, const cj_solve_options *opt, bool careful,
                        double seconds, double matters_above, const double *plan,
                        int plan_n, double above, cj_outcome *o, cj_errors *errs);
/* cj_intopt_above() without giving up and without a plan to beat. */
cj_code cj_intopt(cj_lp *lp, const cj_solve_options *opt, bool careful, double seconds,
                  cj_outcome *o, cj_errors *errs);

/* Searches the windows of the staffed plan in lp->val, worth o->value,
 * pass after pass until one finds nothing better or the clock passes
 * `ends` (a glp_time() value), each window's search capped in nodes
 * (solver/joint_windows.c).  A better plan goes into lp->val, o->value and
 * o->gap (to o->bound, which stands);
 * the stop on record stays the one before.  CJ_OK, or an error in `errs`;
 * the model's bounds are as they were. */
cj_code cj_joint_windows(cj_lp *lp, const cj_round *r, const cj_selection *sel,
                         const cj_solve_options *opt, bool careful, double ends,
                         cj_outcome *o, cj_errors *errs);

/* The rescue's depth-first search (cj_rescue) for a first plan of lp's
 * model as it stands, within `seconds` (0: no limit) and opt->memory_limit:
 * `feasible` with the plan in lp->val, `infeasible` when it proves there is
 * none, else `unknown` (lp->val untouched).  Its nodes count in lp->nodes.
 * CJ_OK, or CJ_ERR_NOMEM (said in `errs`). */
cj_code cj_dive(cj_lp *lp, const cj_solve_options *opt, double seconds, cj_outcome *o,
                cj_errors *errs);
/* The token moment a spent time limit leaves a stage, rather than none
 * (which GLPK reads as no limit): a stage given no more has no time left. */
#define CJ_TOKEN_SECONDS 0.01
/* Seconds left of the time limit after `used`; 0 means no limit, and a
 * spent limit leaves CJ_TOKEN_SECONDS. */
double cj_time_left(const cj_solve_options *opt, double used);
/* The time (a glp_time() value) from which a search that has from `now`
 * until `ends` may be stopped for the windows of its plan (cj_lp's
 * windows_from): half-way through what is left (solver/search.c). */
double cj_windows_begin(double now, double ends);
/* Keeps the column values of the solution GLPK holds in lp->val; false when
 * out of memory. */
bool cj_keep_values(cj_lp *lp);
/* The objective of column values v (1-based) in P. */
double cj_objective_of(glp_prob *P, const double *v);
/*
 * Solves a priced model within ever wider neighbourhoods of its bound
 * (solver/neighbourhoods.c); its outcome in *o and the best plan's values
 * in lp->val.  CJ_OK or an error, said in `errs`.
 */
cj_code cj_neighbourhoods(cj_lp *lp, const cj_round *r, const cj_selection *sel,
                          const cj_solve_options *opt, bool careful, cj_outcome *o,
                          cj_errors *errs);

/*
 * Builds the model of SPEC §3 into a new GLPK problem.  Must run under the
 * error guard of solve.c.  Returns false when out of memory; the caller then
 * frees what `lp` holds with cj_lp_free().
 */
bool cj_lp_build(cj_lp *lp, const cj_round *r, const cj_selection *sel,
                 const cj_solve_options *opt);
void cj_lp_free(cj_lp *lp);
/* Sets every number of a built sweep model from the round as it is now (the
 * same pairs: what-if runs change numbers, not eligibility), after taking
 * out the priced rows of the numbers before (cj_lp_unprice). */
void cj_lp_update(cj_lp *lp, const cj_round *r, const cj_selection *sel,
                  const cj_solve_options *opt);
/* Builds the model, or, when a sweep's is built already, updates its
 * numbers; false when out of memory. */
bool cj_lp_ready(cj_lp *lp, const cj_round *r, const cj_selection *sel,
                 const cj_solve_options *opt);

/* What a step holds across GLPK's calls beside the solve's own model (the
 * diagnosis's and the rota's models and arrays, on the heap): once held,
 * the GLPK guard of solve.c calls let_go(what) when GLPK fails and jumps
 * back there, newest first and before GLPK's environment is freed with
 * every problem in it, so let_go frees what it holds but no GLPK problem.
 * cj_guard_release() takes `what` back when its holder frees it itself.
 * cj_guard_hold() is false, holding nothing, when the guard already holds
 * as many as it keeps (a few: nothing holds more than two). */
bool cj_guard_hold(void (*let_go)(void *), void *what);
void cj_guard_release(const void *what);

/* After an infeasible solve: builds the elastic model (every rule family with
 * penalised slacks), solves for the smallest change, and adds it to the
 * plan's diagnosis in words.  Runs under the caller's GLPK guard.  Returns
 * the number of changes said. */
size_t cj_diagnose_elastic(const cj_round *r, const cj_selection *sel,
                           const cj_solve_options *opt, cj_plan *plan);

/* Writes the problem as LP or free MPS (with OBJSENSE MAX) through a temporary
 * file renamed into place; false with a finding on failure. */
bool cj_lp_export(glp_prob *P, const char *path, bool mps, cj_errors *errs);

#endif
