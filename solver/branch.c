/*
 * Branch and price over the blocks of a priced model (docs/model.md,
 * "Branch and price"): the column generation of solver/price.c run again at
 * every node of a search that fixes a pair's y or bounds its steps, the
 * blocks' programmes honouring those fixings and the master barring the plan
 * columns that break them.  Run for a short budget before the
 * neighbourhoods: it proves many small and middling rounds in a fraction of
 * their time, and when it does not finish it only spent its budget.  The
 * plan it proves is handed over in x->bp.plan as the model's column values.
 */
#include "price_internal.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A node: per pair its y (-1 free, 0, 1) and its steps' range, and the
 * bound of its parent.  All nodes live in one array of these. */
typedef struct {
    signed char *fix;
    int *lo, *hi;
    double bound;
} bnode;

/* Open nodes kept at most, and bytes of their fixings: past either the
 * search gives up (a round this search cannot prove quickly). */
#define MAX_OPEN 20000
#define MAX_BYTES ((size_t)64 << 20)

bool cj_branch_record(ctx *x, const block *b, int col) {
    cj_branch *t = &x->bp;
    if (col >= t->col_cap) {
        int cap = 2 * col + 64;
        int *blk = realloc(t->col_block, (size_t)cap * sizeof *blk);
        if (!blk)
            return false;
        t->col_block = blk;
        size_t *st = realloc(t->col_start, (size_t)cap * sizeof *st);
        if (!st)
            return false;
        t->col_start = st;
        size_t *en = realloc(t->col_end, (size_t)cap * sizeof *en);
        if (!en)
            return false;
        t->col_end = en;
        for (int c = t->col_cap; c < cap; c++)
            t->col_block[c] = -1;
        t->col_cap = cap;
    }
    t->col_block[col] = (int)(b - x->bl);
    t->col_start[col] = t->n_ent;
    for (size_t j = 0; j < b->n; j++) {
        const school *sc = &x->sc[b->schools[j]];
        const plan *p = cj_block_chosen(b, sc);
        for (int m = 0; m < p->m; m++) {
            if (t->n_ent == t->ent_cap) {
                size_t cap = 2 * t->ent_cap + 1024;
                int *pair = realloc(t->ent_pair, cap * sizeof *pair);
                if (!pair)
                    return false;
                t->ent_pair = pair;
                int *k = realloc(t->ent_k, cap * sizeof *k);
                if (!k)
                    return false;
                t->ent_k = k;
                t->ent_cap = cap;
            }
            t->ent_pair[t->n_ent] = (int)(sc->first + (size_t)p->i[m]);
            t->ent_k[t->n_ent] = p->k[m];
            t->n_ent++;
        }
    }
    t->col_end[col] = t->n_ent;
    return true;
}

/* The entries of plan column col: [*a, *b); false when it is not a plan. */
static bool entries(const cj_branch *t, int col, size_t *a, size_t *b) {
    if (col >= t->col_cap || t->col_block[col] < 0)
        return false;
    *a = t->col_start[col];
    *b = t->col_end[col];
    return true;
}

static void free_node(bnode *n) {
    free(n->fix);
    free(n->lo);
    free(n->hi);
    n->fix = NULL;
    n->lo = n->hi = NULL;
}

void cj_branch_free(cj_branch *t) {
    for (size_t k = 0; k < t->n_open; k++)
        free_node(&((bnode *)t->open)[k]);
    void *all[] = {t->col_block, t->col_start, t->col_end, t->ent_pair, t->ent_k,
                   t->open,      t->plan,      t->yv,      t->kv,       t->kmin,
                   t->kmax,      t->need,      t->blk,     t->save};
    for (size_t k = 0; k < sizeof all / sizeof *all; k++)
        free(all[k]);
    memset(t, 0, sizeof *t);
}

/* Copies of the candidates' own must/none/lo/hi, to apply nodes on and to
 * put back. */
typedef struct {
    bool must, none;
    int lo, hi;
} cand_rules;

/* Sets the candidates and the master's plan columns to node n's fixings. */
static void apply(ctx *x, const bnode *n) {
    cj_branch *t = &x->bp;
    const cand_rules *o = t->save;
    for (size_t k = 0; k < x->n_blocks; k++)
        t->need[k] = 0;
    for (size_t i = 0; i < x->n_pairs; i++) {
        cand *c = &x->c[i];
        c->must = o[i].must || n->fix[i] == 1;
        c->none = o[i].none || n->fix[i] == 0;
        c->lo = n->lo[i];
        c->hi = n->hi[i];
        if (n->fix[i] == 1)
            t->need[t->blk[i]]++;
    }
    int ncols = glp_get_num_cols(x->M);
    for (int col = 1; col <= ncols; col++) {
        size_t a, b;
        if (!entries(t, col, &a, &b))
            continue;
        bool ok = true;
        int have = 0;
        for (size_t e = a; e < b && ok; e++) {
            const cand *c = &x->c[t->ent_pair[e]];
            ok = !c->none && t->ent_k[e] >= c->lo && t->ent_k[e] <= c->hi;
            have += n->fix[t->ent_pair[e]] == 1;
        }
        /* a plan of the block without a pair fixed to 1 breaks it too */
        ok = ok && have == t->need[t->col_block[col]];
        if (ok)
            glp_set_col_bnds(x->M, col, GLP_LO, 0, 0);
        else
            glp_set_col_bnds(x->M, col, GLP_FX, 0, 0);
    }
}

/* Puts the candidates' rules and the master's columns back. */
static void restore(ctx *x) {
    cj_branch *t = &x->bp;
    const cand_rules *o = t->save;
    for (size_t i = 0; i < x->n_pairs; i++) {
        x->c[i].must = o[i].must;
        x->c[i].none = o[i].none;
        x->c[i].lo = o[i].lo;
        x->c[i].hi = o[i].hi;
    }
    int ncols = glp_get_num_cols(x->M);
    for (int col = 1; col <= ncols; col++)
        if (col < t->col_cap && t->col_block[col] >= 0)
            glp_set_col_bnds(x->M, col, GLP_LO, 0, 0);
}

/* The model's column values of the master's solution, which is whole: each
 * block's plan, the slacks of the schools' own rows it needs, and the
 * master's other columns.  False when out of memory. */
static bool take_plan(ctx *x) {
    cj_branch *t = &x->bp;
    cj_lp *lp = x->lp;
    int nc = glp_get_num_cols(lp->P);
    double *v = realloc(t->plan, ((size_t)nc + 1) * sizeof *v);
    if (!v)
        return false;
    t->plan = v;
    for (int j = 0; j <= nc; j++)
        v[j] = 0;
    int ncols = glp_get_num_cols(x->M);
    for (int col = 1; col <= ncols; col++) {
        size_t a, b;
        if (!entries(t, col, &a, &b) || glp_get_col_prim(x->M, col) < 0.5)
            continue;
        for (size_t e = a; e < b; e++) {
            v[lp->ycol[t->ent_pair[e]]] = 1;
            v[lp->fcol[t->ent_pair[e]]] = t->ent_k[e];
        }
    }
    cj_price_own_slacks(x, v);
    /* the master's other columns follow the model's, in the model's order */
    int m = x->other_first;
    for (int j = 1; j <= nc && m < x->other_end; j++) {
        if (x->pair_of[j] >= 0 || x->own_col[j])
            continue;
        v[j] = glp_get_col_prim(x->M, m++);
    }
    return true;
}

bool cj_branch_keep_sure(ctx *x, const glp_smcp *sm) {
    if (glp_simplex(x->M, sm) != 0 || glp_get_status(x->M) != GLP_OPT)
        return true;
    x->lp_k = malloc(x->n_pairs * sizeof *x->lp_k);
    x->lp_w = calloc(x->n_blocks, sizeof *x->lp_w);
    int *col = calloc(x->n_blocks, sizeof *col);
    if (!x->lp_k || !x->lp_w || !col) {
        free(col);
        return false;
    }
    for (size_t i = 0; i < x->n_pairs; i++)
        x->lp_k[i] = -1;
    const cj_branch *t = &x->bp;
    size_t a, b;
    for (int j = 1; j <= glp_get_num_cols(x->M); j++) {
        if (!entries(t, j, &a, &b))
            continue;
        int k = t->col_block[j];
        double w = glp_get_col_prim(x->M, j);
        if (w > x->lp_w[k] + 1e-9) {
            x->lp_w[k] = w;
            col[k] = j;
        }
    }
    for (size_t k = 0; k < x->n_blocks; k++)
        if (col[k] && entries(t, col[k], &a, &b))
            for (size_t e = a; e < b; e++)
                x->lp_k[t->ent_pair[e]] = t->ent_k[e];
    free(col);
    return true;
}

/* A new node with n's fixings, at bound `bound`; false when out of memory
 * or past the limits. */
static bool push(ctx *x, const bnode *n, double bound, int pair, int kind, int side,
                 int split) {
    cj_branch *t = &x->bp;
    size_t np = x->n_pairs;
    if (t->n_open >= MAX_OPEN || (t->n_open + 1) * np * (1 + 2 * sizeof(int)) > MAX_BYTES)
        return false;
    if (t->n_open == t->open_cap) {
        size_t cap = 2 * t->open_cap + 64;
        bnode *o = realloc(t->open, cap * sizeof *o);
        if (!o)
            return false;
        t->open = o;
        t->open_cap = cap;
    }
    bnode c = {malloc(np), malloc(np * sizeof(int)), malloc(np * sizeof(int)), bound};
    if (!c.fix || !c.lo || !c.hi) {
        free_node(&c);
        return false;
    }
    memcpy(c.fix, n->fix, np);
    memcpy(c.lo, n->lo, np * sizeof(int));
    memcpy(c.hi, n->hi, np * sizeof(int));
    if (kind == 0)
        c.fix[pair] = (signed char)side;
    else if (side == 0)
        c.hi[pair] = split;
    else
        c.lo[pair] = split + 1;
    ((bnode *)t->open)[t->n_open++] = c;
    return true;
}

/* Prepares the search's arrays and its root; false when out of memory. */
static bool start(ctx *x) {
    cj_branch *t = &x->bp;
    size_t np = x->n_pairs;
    t->save = malloc(np * sizeof(cand_rules));
    t->blk = malloc(np * sizeof *t->blk);
    t->yv = malloc(np * sizeof *t->yv);
    t->kv = malloc(np * sizeof *t->kv);
    t->kmin = malloc(np * sizeof *t->kmin);
    t->kmax = malloc(np * sizeof *t->kmax);
    t->need = calloc(x->n_blocks + 1, sizeof *t->need);
    if (!t->save || !t->blk || !t->yv || !t->kv || !t->kmin || !t->kmax || !t->need)
        return false;
    cand_rules *o = t->save;
    for (size_t i = 0; i < np; i++)
        o[i] = (cand_rules){x->c[i].must, x->c[i].none, x->c[i].lo, x->c[i].hi};
    for (size_t s = 0; s < x->n_schools; s++)
        for (int i = 0; i < x->sc[s].n; i++)
            t->blk[x->sc[s].first + (size_t)i] = x->sc[s].block;
    bnode root = {malloc(np), malloc(np * sizeof(int)), malloc(np * sizeof(int)),
                  HUGE_VAL};
    if (!root.fix || !root.lo || !root.hi) {
        free_node(&root);
        return false;
    }
    for (size_t i = 0; i < np; i++) {
        root.fix[i] = -1;
        root.lo[i] = o[i].lo;
        root.hi[i] = o[i].hi;
    }
    t->open = malloc(64 * sizeof(bnode));
    if (!t->open) {
        free_node(&root);
        return false;
    }
    t->open_cap = 64;
    ((bnode *)t->open)[0] = root;
    t->n_open = 1;
    return true;
}

/* Column generation at the applied node: its bound (the lowest Lagrangian
 * bound seen; below `cut` it stops), and whether the master was solved. */
static bool node_bound(ctx *x, double cut, double *bound, bool *converged) {
    glp_smcp sm;
    glp_init_smcp(&sm);
    sm.msg_lev = GLP_MSG_OFF;
    sm.meth = GLP_DUALP;
    *converged = false;
    for (int it = 0; it < 500; it++) {
        if (glp_simplex(x->M, &sm) != 0 || glp_get_status(x->M) != GLP_OPT)
            return false;
        cj_price_read_prices(x);
        double L;
        int better = cj_price_all(x, true, &L);
        if (better < 0)
            return false;
        x->bp.work += (long)x->n_blocks;
        if (x->bp.work >= x->bp.work_limit)
            return false; /* out of work in the middle of a node */
        if (L < *bound)
            *bound = L;
        if (*bound <= cut)
            return true;
        if (better == 0) {
            *converged = true;
            return true;
        }
    }
    return true;
}

/* Which pair to branch on at the master's solution (kind 0: its y, 1: its
 * steps at `split`), -1 when the solution is whole. */
static int branch_on(ctx *x, int *kind, int *split) {
    cj_branch *t = &x->bp;
    size_t np = x->n_pairs;
    for (size_t i = 0; i < np; i++) {
        t->yv[i] = t->kv[i] = 0;
        t->kmin[i] = INT_MAX;
        t->kmax[i] = -1;
    }
    int ncols = glp_get_num_cols(x->M);
    for (int col = 1; col <= ncols; col++) {
        size_t a, b;
        double l;
        if (!entries(t, col, &a, &b) || (l = glp_get_col_prim(x->M, col)) < 1e-9)
            continue;
        for (size_t e = a; e < b; e++) {
            int i = t->ent_pair[e];
            t->yv[i] += l;
            t->kv[i] += l * t->ent_k[e];
            if (t->ent_k[e] < t->kmin[i])
                t->kmin[i] = t->ent_k[e];
            if (t->ent_k[e] > t->kmax[i])
                t->kmax[i] = t->ent_k[e];
        }
    }
    int br = -1;
    double far = 1;
    for (size_t i = 0; i < np; i++) {
        double f = fabs(t->yv[i] - 0.5);
        if (t->yv[i] > 1e-6 && t->yv[i] < 1 - 1e-6 && f < far) {
            far = f;
            br = (int)i;
        }
    }
    *kind = 0;
    if (br >= 0)
        return br;
    /* every y whole: plans that differ only in a pair's steps */
    for (size_t i = 0; i < np; i++)
        if (t->kmax[i] > t->kmin[i]) {
            *kind = 1;
            *split = (int)floor(t->kv[i] / t->yv[i]);
            if (*split >= t->kmax[i])
                *split = t->kmax[i] - 1;
            return (int)i;
        }
    return -1;
}

int cj_branch_search(ctx *x, double seconds, long work) {
    cj_branch *t = &x->bp;
    double t0 = glp_time();
    t->work_limit = work;
    if (!start(x))
        return -1;
    double inc = -HUGE_VAL, tol = 0;
    double held = -HUGE_VAL; /* the bound of a node left half done */
    bool have = false, stopped = false, ok = true;
    bnode *open;
    t->tree_bound = HUGE_VAL;
    while (t->n_open > 0) {
        if ((seconds > 0 && glp_difftime(glp_time(), t0) > seconds) || t->work >= work) {
            stopped = true;
            break;
        }
        open = t->open;
        size_t bi = 0; /* the best bound first */
        for (size_t k = 1; k < t->n_open; k++)
            if (open[k].bound > open[bi].bound)
                bi = k;
        bnode n = open[bi];
        open[bi] = open[--t->n_open];
        if (have && n.bound <= inc + tol) {
            free_node(&n);
            continue;
        }
        t->nodes++;
        apply(x, &n);
        double bound = n.bound;
        bool converged;
        if (!node_bound(x, have ? inc + tol : -HUGE_VAL, &bound, &converged)) {
            held = bound;
            free_node(&n);
            ok = false;
            break;
        }
        if ((have && bound <= inc + tol) || (converged && cj_price_artificial(x))) {
            /* pruned, or no plan here (the master needs its artificial
             * columns once no plan prices out) */
            free_node(&n);
            continue;
        }
        int kind, split = 0, pair = branch_on(x, &kind, &split);
        if (pair < 0 && (!converged || cj_price_artificial(x))) {
            /* a whole master that may not be the node's best: nothing to
             * branch on, so the node cannot be closed */
            held = bound;
            free_node(&n);
            ok = false;
            break;
        }
        if (pair < 0) {
            double z = glp_get_obj_val(x->M);
            if (!have || z > inc) {
                if (!take_plan(x)) {
                    free_node(&n);
                    ok = false;
                    break;
                }
                inc = z;
                tol = 1e-6 * (1 + fabs(inc));
                have = true;
            }
            free_node(&n);
            continue;
        }
        bool pushed = push(x, &n, bound, pair, kind, 0, split) &&
                      push(x, &n, bound, pair, kind, 1, split);
        free_node(&n);
        if (!pushed) {
            held = bound;
            stopped = true;
            break;
        }
    }
    restore(x);
    t->seconds = glp_difftime(glp_time(), t0);
    open = t->open;
    for (size_t k = 0; k < t->n_open; k++) {
        if (open[k].bound > held)
            held = open[k].bound;
        free_node(&open[k]);
    }
    t->n_open = 0;
    if (!ok || stopped) {
        /* every plan lies in an open node, the one left half done or the
         * tree's plan: the best of these bounds them all (none of them:
         * nothing is known) */
        if (have && inc + tol > held)
            held = inc + tol;
        if (held > -HUGE_VAL)
            t->tree_bound = held;
    }
    if (!ok || stopped || !have)
        return 0;
    t->proven = true;
    t->value = inc;
    return 1;
}
