/*
 * Private to solver/price.c, solver/blocks.c and solver/reduce.c: the
 * decomposition of a priced model into blocks (docs/model.md, "The priced
 * rows and neighbourhoods").  price.c reads the blocks from the model and
 * finds the prices, blocks.c enumerates a block's own plans at those prices,
 * reduce.c narrows the model to the plans near the blocks' best.
 */
#ifndef CJOS_PRICE_INTERNAL_H
#define CJOS_PRICE_INTERNAL_H

#include "solver_internal.h"

/* Enumeration is skipped past this many candidates at a school (or more
 * than 12 with three providers, or more than three providers). */
#define MAX_CANDIDATES 40
/* Rows on a school's y alone (hard coverage) kept per school. */
#define MAX_LOCAL 16
/* A cluster's FTE row is priced with its schools together (a dynamic
 * programme over its steps) up to this many steps; past it, it joins. */
#define MAX_STEPS 400

typedef struct {
    int row; /* in the master (1-based) */
    double a;
} coef;

typedef struct {
    int ycol, fcol;
    int lo, hi;      /* steps when present */
    bool must, none; /* y fixed at 1 / at 0 */
    double w, cost;  /* per step in C4 and in C5 */
    double cy, cf;   /* objective of y and of a step */
    coef *jy, *jf;   /* joining rows */
    int njy, njf;
    double vy, vf; /* priced objective */
} cand;

typedef struct {
    unsigned long long members[MAX_LOCAL]; /* the candidates in each, as bits */
    double lo[MAX_LOCAL], hi[MAX_LOCAL];
    /* a slack that lets the row give way at a price (soft coverage), or 0 */
    int ucol[MAX_LOCAL];
    double ucost[MAX_LOCAL], uub[MAX_LOCAL];
    int n;
} ylocal;

/* One plan of a school: m candidates (indices within the school), their
 * steps, what its slacks cost and its priced value. */
typedef struct {
    int m, i[3], k[3];
    double pay, v;
} plan;

typedef struct {
    size_t first; /* selection index of candidate 0 */
    int n, pmin, pmax;
    double flo, fhi, budget; /* C4 range and C5 amount (with w, cost) */
    ylocal yl;
    int block;
    plan best; /* at the current prices (best.m < 0: none) */
    /* in a block with an FTE row: per total of steps t, the best plan */
    double *g;
    plan *gp;
    int pick; /* the total the block's best gives this school */
    /* per candidate and steps, the best its block can do with the school's
     * plan using them, then per candidate without it (n x near_width, then
     * n): found once at the final prices by solver/reduce.c, NULL before */
    double *near;
    int near_width;
} school;

/* Schools priced together: a cluster whose FTE row (C3) is kept as its own
 * (`sum`: its steps within tlo..thi), or one school. */
typedef struct {
    size_t *schools;
    size_t n;
    bool sum;
    int tlo, thi;
    int conv; /* convexity row in the master */
    double best;
} block;

/* Branch and price (solver/branch.c): per master column the block and the
 * (pair, steps) of its plan, the open nodes, and the plan it proved. */
typedef struct {
    int *col_block; /* per master column: its block, -1 not a plan */
    size_t *col_start, *col_end;
    int col_cap;
    int *ent_pair, *ent_k;
    size_t n_ent, ent_cap;
    void *open; /* the open nodes */
    size_t n_open, open_cap;
    void *save; /* the candidates' own rules */
    int *blk, *need, *kmin, *kmax;
    double *yv, *kv;
    long nodes;
    long work, work_limit; /* blocks priced, and the most allowed */
    double seconds;
    bool proven;
    double value; /* of the plan proven best */
    /* when stopped unfinished, the best bound of the nodes it left open
     * (HUGE_VAL: none known) */
    double tree_bound;
    double *plan; /* its model column values (1-based) */
} cj_branch;

struct cj_price {
    cj_lp *lp;
    glp_prob *M; /* the master, while prices are sought */
    size_t n_pairs, n_schools, n_blocks;
    int n_mrows;                /* master rows */
    size_t n_model_rows;        /* the model's rows when it was priced (map) */
    size_t n_model_cols;        /* and its columns (pair_of, is_y, own_col) */
    int other_first, other_end; /* master columns of the model's other columns */
    double *pi, *best_pi;       /* per master row: current prices, the best found */
    double *pi_out;             /* the master's own, while smoothed ones are tried */
    bool *is_conv;              /* per master row: a block's convexity row */
    double bound;               /* the Lagrangian bound at best_pi */
    double deep;                /* solver/deep.c's tighter one (HUGE_VAL: none) */
    struct cj_deep *dstate;     /* what it needs, until it runs (NULL: nothing) */
    bool priced;                /* best_pi and bound are set */
    double seconds;             /* spent finding the prices */
    double *orig;               /* the model's numbers before cj_price_reduce() */
    double *cur;                /* the numbers the last cj_price_reduce() set */
    bool have_cur;              /* cur is in the model */
    int art_first, art_end;     /* master columns that only make it feasible */
    int *rows;                  /* the model rows added, per block (0: none) */
    cand *c;                    /* per selection pair */
    school *sc;                 /* per school */
    block *bl;
    size_t *bl_schools;
    int *pair_of;  /* model column -> selection pair, or -1 */
    bool *is_y;    /* model column -> whether it is a y */
    bool *own_col; /* model column -> a slack of a school's own row */
    char *kind;    /* model row: 0 not seen, 1 joining, 2 a school's own, 3 a block's */
    int *map;      /* model row -> master row (0: none) */
    int *ind, *ind2;
    double *val, *val2, *acc; /* acc: per master row */
    int *touched;
    double *dp, *dp2; /* (MAX_STEPS + 1) each, for the blocks' programmes */
    int *arg;         /* per school in a block and total: the school's part */
    /* per pair, its steps in its block's plan that the master's last
     * solution leans on most (-1: not in it), and per block how much; NULL
     * when not known (solver/first.c) */
    int *lp_k;
    double *lp_w;
    cj_branch bp;
};
typedef struct cj_price ctx;

/* Calls `visit` with every plan of a school and its total of steps. */
typedef void (*plan_fn)(void *arg, const plan *p, int total);

/* What candidates `set` (bits) of school x pay for its own rows on y: 0,
 * the objective of the slacks they need (soft coverage), or -INFINITY when
 * a row cannot be met. */
double cj_block_y_rows(const school *x, unsigned long long set);
/* School x's best plan at the current prices (x->best; m -1: none). */
void cj_block_price_school(school *x, const cand *c);
/* Calls `visit` for every plan of school x (every subset of its candidates
 * and every steps within the school's rules) with at most `tmax` steps. */
void cj_block_each_plan(const school *x, const cand *c, int tmax, plan_fn visit,
                        void *arg);
/* Max-plus convolution of `a` (0..n) with school x's best per total of steps
 * (x->g), into `out`, keeping in `arg` (when not NULL) the school's part of
 * each total. */
void cj_block_convolve(const double *a, const school *x, int n, double *out, int *arg);
/* Block b's best at the current prices (b->best, -INFINITY: none; each
 * school's plan in its best or, in a block with an FTE row, gp[pick]). */
void cj_block_price(ctx *x, block *b);
/* The plan a school has in its block's best. */
const plan *cj_block_chosen(const block *b, const school *sc);

/* solver/price.c, for solver/branch.c: the master's duals as prices; every
 * block priced at them (adding better plans as columns when `add`), the
 * number of such blocks or -1 when out of memory, and the Lagrangian bound;
 * whether the master's solution leans on an artificial column. */
void cj_price_read_prices(ctx *x);
int cj_price_all(ctx *x, bool add, double *bound);
/* Every candidate's priced objective (vy, vf) at the prices `pi` (per
 * master row). */
void cj_price_candidates(ctx *x, const double *pi);
/* Sets the slacks of every school's own rows in column values v (1-based)
 * to what the y there leave uncovered. */
void cj_price_own_slacks(const ctx *x, double *v);
bool cj_price_artificial(const ctx *x);
/* Bounds of row r of P as a range (+-HUGE_VAL where it has none). */
void cj_price_row_range(glp_prob *P, int r, double *lo, double *hi);
/* The Lagrangian bound at x->pi from L, the sum of every block's best:
 * adds what the master's joining rows give it and the model's other
 * columns at their best bounds (in that order, so that the sum is the
 * same to the last bit wherever it is taken). */
double cj_price_rest(const ctx *x, double L);
/* Sums block b's chosen plan over the master's rows into x->acc, listing the
 * rows it touches in x->touched (its convexity row first); returns how many
 * and sets *obj to the plan's objective.  cj_price_add_column() takes them
 * and clears x->acc again. */
int cj_price_usage(ctx *x, const block *b, double *obj);
/* Adds the plan summed in x->acc (n rows, objective obj) as a master column
 * and returns it; x->acc is cleared. */
int cj_price_add_column(ctx *x, int n, double obj);
/* Adds block b's chosen plan as a master column, noted for branch and
 * price; false when out of memory. */
bool cj_price_add_plan(ctx *x, const block *b);
/* solver/deep.c: reads every block's restricted rows and builds its MIP
 * from the model as built, for cj_price_deepen() later (x->dstate); false
 * when out of memory (cj_price_deep_free() frees what was made). */
bool cj_price_deep_prepare(ctx *x);
/* Frees x->dstate; its MIPs too when `glpk` (GLPK's environment is still
 * there). */
void cj_price_deep_free(ctx *x, bool glpk);
/* Notes plan column col of block b (its best at the current prices) for the
 * search; false when out of memory. */
bool cj_branch_record(ctx *x, const block *b, int col);
/* Branch and price from the master as column generation left it, until
 * `work` blocks have been priced (or `seconds` passed, when > 0): 1 when it
 * proved a plan best (x->bp.proven, value, plan), 0 when it stopped without
 * (out of work or time, past its limits, or a node it cannot close), -1 out
 * of memory.  The candidates and the master's columns are put back. */
int cj_branch_search(ctx *x, double seconds, long work);
/* Keeps, per block, the plan the master's solution leans on most, and how
 * much (x->lp_k, x->lp_w), for a first plan (solver/first.c); the master is
 * solved again first, as the search may have left it elsewhere.  False when
 * out of memory; nothing is kept when the master has no solution. */
bool cj_branch_keep_sure(ctx *x, const glp_smcp *sm);
/* Frees what the search holds (not t itself). */
void cj_branch_free(cj_branch *t);

#endif
