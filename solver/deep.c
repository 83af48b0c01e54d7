/*
 * A tighter bound for a gap limit, and for a search that a time or node
 * limit stops (docs/model.md, `--gap`; docs/performance-record.md, "A tighter
 * bound" and "At the time limit").
 *
 * solver/price.c prices each block (a cluster, or a school) over its own
 * rules alone.  The rules that join blocks, a provider's capacity and number
 * of schools above all, are left to the prices, so a block's best plan may
 * give one provider more within one cluster than its capacity allows in the
 * whole round.  Here each block also keeps every joining row restricted to
 * its own columns: the row's bounds less what the other columns can at most
 * or at least put into it.  Every plan of the round meets those restricted
 * rows, so a block's best over the plans that meet them still bounds its
 * part of any plan, and the Lagrangian bound stays valid; it is lower
 * because the blocks' best are.  The programme of solver/blocks.c cannot
 * hold a row across schools, so a block whose programme's best breaks a
 * restricted row is priced as a small GLPK MIP of its own columns and rows.
 * At the programme's best prices this rarely changes a block's best: the
 * master mixes plans that break the rows, so the prices have to move, which
 * column generation does, with those plans held at zero.
 *
 * The blocks' MIPs are built when the round is priced, from the model as
 * built; the column generation runs later, when the search asks for it
 * (solver/neighbourhoods.c: a plan within a little more than the gap limit
 * of the bound, or within 0.15% under a smaller limit; without a gap limit,
 * such a plan when the limit stops the search), since it takes time (1000 x
 * 1000: 9 to 22 s) that a plan proven within the gap by the programme's
 * bound does not need.  Only the bound is kept (x->deep): the priced rows
 * and the neighbourhoods stay at the programme's prices, as GLPK's search
 * got slower at these (measured, docs/performance-record.md, "Where to go from
 * here", item 2).
 */
#include "price_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rounds of prices at most; the rounds measured took 5 to 20. */
#define DEEP_ROUNDS 200
/* Rounds without the bound coming down by DEEP_STEP of itself after which
 * it is as good as it gets. */
#define DEEP_IDLE 8
#define DEEP_STEP 1e-6
/* Nodes of a block's MIP at most; past them the best open node's bound
 * stands for the block's best (still valid, less tight).  Counted in nodes
 * so that the same round gives the same bound. */
#define DEEP_NODES 2000

/* A joining row restricted to one block: its master row and range. */
typedef struct {
    int row;
    double lo, hi;
} restricted;

typedef struct {
    glp_prob *B;      /* the block's own MIP; NULL when no row is restricted */
    int *col, ncol;   /* B's columns as model columns */
    double *obj;      /* and their objective in the model */
    restricted *rows; /* its restricted joining rows, by master row */
    int nrow;
} deep_block;

struct cj_deep {
    ctx *x;
    deep_block *d;
    int *blk_of; /* per model column: its block, or -1 */
    int *stamp;  /* per model row: the listing (epoch) that last had it */
    int epoch;
    int *rows, n_rows;
    size_t mips, broken; /* MIPs solved; blocks whose best broke a row */
    long mip_nodes;
    double mip_seconds;
};
typedef struct cj_deep deep;

/* The least and most coefficient a times model column j can put into a
 * row, within the column's bounds. */
static void reach(glp_prob *P, int j, double a, double *least, double *most) {
    int t = glp_get_col_type(P, j);
    double lb =
        (t == GLP_LO || t == GLP_DB || t == GLP_FX) ? glp_get_col_lb(P, j) : -HUGE_VAL;
    double ub =
        (t == GLP_UP || t == GLP_DB || t == GLP_FX) ? glp_get_col_ub(P, j) : HUGE_VAL;
    double p = a * lb, q = a * ub;
    if (a == 0)
        p = q = 0;
    *least = p < q ? p : q;
    *most = p < q ? q : p;
}

/* Lists block k's columns and the model's rows as built on them (g->rows). */
static bool list_block(deep *g, size_t k) {
    ctx *x = g->x;
    glp_prob *P = x->lp->P;
    const block *b = &x->bl[k];
    deep_block *d = &g->d[k];
    int n = 0;
    for (size_t j = 0; j < b->n; j++) {
        const school *sc = &x->sc[b->schools[j]];
        n += 2 * sc->n + sc->yl.n;
    }
    d->col = malloc(((size_t)n + 1) * sizeof *d->col);
    d->obj = malloc(((size_t)n + 1) * sizeof *d->obj);
    if (!d->col || !d->obj)
        return false;
    d->ncol = 0;
    for (size_t j = 0; j < b->n; j++) {
        const school *sc = &x->sc[b->schools[j]];
        for (int i = 0; i < sc->n; i++) {
            const cand *c = &x->c[sc->first + (size_t)i];
            d->col[++d->ncol] = c->ycol;
            d->col[++d->ncol] = c->fcol;
        }
        for (int l = 0; l < sc->yl.n; l++)
            if (sc->yl.ucol[l])
                d->col[++d->ncol] = sc->yl.ucol[l];
    }
    for (int i = 1; i <= d->ncol; i++)
        d->obj[i] = glp_get_obj_coef(P, d->col[i]);
    g->n_rows = 0;
    g->epoch++;
    for (int i = 1; i <= d->ncol; i++) {
        int len = glp_get_mat_col(P, d->col[i], x->ind2, NULL);
        for (int m = 1; m <= len; m++) {
            int r = x->ind2[m];
            if ((size_t)r > x->n_model_rows)
                continue; /* the priced rows, added since */
            if (g->stamp[r] != g->epoch) {
                g->stamp[r] = g->epoch;
                g->rows[g->n_rows++] = r;
            }
        }
    }
    return true;
}

/* Orders restricted rows by master row, for breaks(). */
static int by_row(const void *a, const void *b) {
    int p = ((const restricted *)a)->row, q = ((const restricted *)b)->row;
    return (p > q) - (p < q);
}

/* Reads block k from the model as built: its columns, its restricted
 * joining rows and, when it has any, its MIP (every row on its columns,
 * restricted to them, that they can break).  False when out of memory. */
static bool read_block(deep *g, size_t k, int *pos) {
    ctx *x = g->x;
    glp_prob *P = x->lp->P;
    deep_block *d = &g->d[k];
    if (!list_block(g, k))
        return false;
    d->rows = malloc(((size_t)g->n_rows + 1) * sizeof *d->rows);
    if (!d->rows)
        return false;
    for (int i = 1; i <= d->ncol; i++) {
        g->blk_of[d->col[i]] = (int)k;
        pos[d->col[i]] = i;
    }
    glp_prob *B = glp_create_prob();
    glp_set_obj_dir(B, GLP_MAX);
    glp_add_cols(B, d->ncol);
    for (int i = 1; i <= d->ncol; i++) {
        int j = d->col[i];
        glp_set_col_kind(B, i, glp_get_col_kind(P, j));
        glp_set_col_bnds(B, i, glp_get_col_type(P, j), glp_get_col_lb(P, j),
                         glp_get_col_ub(P, j));
        glp_set_obj_coef(B, i, d->obj[i]);
    }
    d->nrow = 0;
    for (int m = 0; m < g->n_rows; m++) {
        int r = g->rows[m], len = glp_get_mat_row(P, r, x->ind, x->val), in = 0;
        double rlo, rhi;
        cj_price_row_range(P, r, &rlo, &rhi);
        double oleast = 0, omost = 0, ileast = 0, imost = 0, l, h;
        for (int e = 1; e <= len; e++) {
            reach(P, x->ind[e], x->val[e], &l, &h);
            if (g->blk_of[x->ind[e]] == (int)k) {
                ileast += l, imost += h;
                x->ind[++in] = pos[x->ind[e]]; /* in <= e: in place */
                x->val[in] = x->val[e];
            } else
                oleast += l, omost += h;
        }
        /* what the block alone may put into the row, whatever the rest does */
        double lo = rlo - omost, hi = rhi - oleast;
        double tol = 1e-9 * (1 + fabs(ileast) + fabs(imost));
        bool need_lo = isfinite(lo) && lo > ileast + tol;
        bool need_hi = isfinite(hi) && hi < imost - tol;
        if (!need_lo && !need_hi)
            continue; /* its columns' bounds keep it */
        if (x->kind[r] == 1 && x->map[r])
            d->rows[d->nrow++] = (restricted){x->map[r], need_lo ? lo : -HUGE_VAL,
                                              need_hi ? hi : HUGE_VAL};
        int q = glp_add_rows(B, 1);
        int type = need_lo && need_hi ? (lo == hi ? GLP_FX : GLP_DB)
                   : need_lo          ? GLP_LO
                                      : GLP_UP;
        glp_set_row_bnds(B, q, type, need_lo ? lo : 0, need_hi ? hi : 0);
        glp_set_mat_row(B, q, in, x->ind, x->val);
    }
    for (int i = 1; i <= d->ncol; i++)
        g->blk_of[d->col[i]] = -1;
    qsort(d->rows, (size_t)d->nrow, sizeof *d->rows, by_row);
    if (d->nrow > 0)
        d->B = B;
    else
        glp_delete_prob(B); /* the programme's best meets every row it has */
    return true;
}

/* Whether a block's plan that puts `a` into master row k breaks the
 * block's restricted row there. */
static bool breaks(const deep_block *d, int k, double a) {
    if (d->nrow == 0)
        return false;
    const restricted key = {.row = k};
    const restricted *r = bsearch(&key, d->rows, (size_t)d->nrow, sizeof key, by_row);
    double tol = 1e-7 * (1 + fabs(a));
    return r && (a > r->hi + tol || a < r->lo - tol);
}

typedef struct {
    int nodes;
    double bound; /* the best bound of an open node when last seen */
} mip_stop;

/* Stops a block's MIP past DEEP_NODES, keeping the best open bound. */
static void on_mip(glp_tree *T, void *info) {
    mip_stop *m = info;
    int active, current;
    glp_ios_tree_size(T, &active, &current, &m->nodes);
    if (glp_ios_reason(T) != GLP_ISELECT)
        return;
    int best = glp_ios_best_node(T);
    m->bound = best ? glp_ios_node_bound(T, best) : -HUGE_VAL;
    if (m->nodes >= DEEP_NODES)
        glp_ios_terminate(T);
}

/* Block k's best over the plans that meet its restricted rows, at the
 * candidates' current prices, from its MIP: an upper bound on it (the
 * value itself unless the node limit stopped the MIP), or NAN when GLPK
 * did not solve it; *plan says whether B holds a plan. */
static double solve_block(deep *g, size_t k, bool *plan) {
    ctx *x = g->x;
    deep_block *d = &g->d[k];
    for (int i = 1; i <= d->ncol; i++) {
        int p = x->pair_of[d->col[i]];
        if (p >= 0) /* the others (own slacks) are on no joining row */
            glp_set_obj_coef(d->B, i, x->is_y[d->col[i]] ? x->c[p].vy : x->c[p].vf);
    }
    glp_iocp io;
    glp_init_iocp(&io);
    io.msg_lev = GLP_MSG_OFF;
    io.presolve = GLP_ON;
    /* measured on 100 x 60: 1,243 nodes in all instead of 4,783.  Not the
     * cover cuts: GLPK 5.0's fail on some small models (glp_cov_init, on
     * tests/data/glpk-cover-cuts.json's block), and they changed neither
     * nodes nor bound (100 x 60 seed 1: 759 nodes; 1000 x 1000 seed 2:
     * 38,345 nodes, 6818.912758, 9.1 s instead of 10.5 s) */
    io.mir_cuts = GLP_ON;
    io.gmi_cuts = GLP_ON;
    io.clq_cuts = GLP_ON;
    mip_stop m = {.bound = HUGE_VAL};
    io.cb_func = on_mip;
    io.cb_info = &m;
    double t0 = glp_time();
    int ret = glp_intopt(d->B, &io);
    g->mips++;
    g->mip_seconds += glp_difftime(glp_time(), t0);
    g->mip_nodes += m.nodes;
    int st = glp_mip_status(d->B);
    *plan = st == GLP_OPT || st == GLP_FEAS;
    if (ret == 0 && st == GLP_OPT)
        return glp_mip_obj_val(d->B);
    if (ret == GLP_ESTOP && m.bound < HUGE_VAL) {
        double z = *plan ? glp_mip_obj_val(d->B) : -HUGE_VAL;
        return m.bound > z ? m.bound : z;
    }
    return NAN;
}

/* Adds the plan B holds for block k as a master column. */
static void add_mip_plan(deep *g, size_t k) {
    ctx *x = g->x;
    glp_prob *P = x->lp->P;
    deep_block *d = &g->d[k];
    int n = 0;
    double obj = 0;
    x->touched[++n] = x->bl[k].conv;
    x->acc[x->bl[k].conv] = 1;
    for (int i = 1; i <= d->ncol; i++) {
        double v = glp_mip_col_val(d->B, i);
        if (glp_get_col_kind(d->B, i) != GLP_CV)
            v = round(v);
        if (v == 0)
            continue;
        obj += d->obj[i] * v;
        /* the model may have gained rows since (the priced rows): only its
         * rows as built are in the master */
        int len = glp_get_mat_col(P, d->col[i], x->ind2, x->val2);
        for (int m = 1; m <= len; m++) {
            int r = x->ind2[m];
            if ((size_t)r > x->n_model_rows || x->kind[r] != 1 || !x->map[r])
                continue;
            int row = x->map[r];
            if (x->acc[row] == 0)
                x->touched[++n] = row;
            x->acc[row] += x->val2[m] * v;
            if (x->acc[row] == 0)
                x->acc[row] = 1e-300; /* keep it listed once */
        }
    }
    cj_price_add_column(x, n, obj);
}

/* Holds at zero the master's plans that break a restricted row of their
 * block (fix[j] set for each), so that its prices move off them. */
static void hold_broken(deep *g, char *fix) {
    ctx *x = g->x;
    int nc = glp_get_num_cols(x->M);
    for (int j = 1; j <= nc; j++) {
        if (fix[j] || (j >= x->other_first && j < x->art_end))
            continue;
        int k = j < x->bp.col_cap ? x->bp.col_block[j] : -1;
        if (k < 0 || g->d[k].nrow == 0)
            continue;
        int len = glp_get_mat_col(x->M, j, x->ind2, x->val2);
        for (int m = 1; m <= len; m++)
            if (breaks(&g->d[k], x->ind2[m], x->val2[m])) {
                glp_set_col_bnds(x->M, j, GLP_FX, 0, 0);
                fix[j] = 1;
                break;
            }
    }
}

/* One round: every block priced at x->pi, the programme's best where it
 * meets the restricted rows and the MIP's where not; adds the better plans
 * as columns.  Returns how many, -1 when out of memory; *bound is the
 * bound at these prices. */
static int price_round(deep *g, double *bound) {
    ctx *x = g->x;
    cj_price_candidates(x, x->pi);
    double L = 0;
    int added = 0;
    for (size_t k = 0; k < x->n_blocks; k++) {
        block *b = &x->bl[k];
        deep_block *d = &g->d[k];
        cj_block_price(x, b);
        if (b->best == -INFINITY) {
            L = -INFINITY;
            continue;
        }
        double obj;
        int n = cj_price_usage(x, b, &obj);
        bool broke = false;
        for (int m = 1; m <= n && !broke; m++)
            broke = breaks(d, x->touched[m], x->acc[x->touched[m]]);
        double v = b->best, eps = 1e-7 * (1 + fabs(v));
        if (!broke && v > x->pi[b->conv] + eps) {
            if (!cj_branch_record(x, b, cj_price_add_column(x, n, obj)))
                return -1;
            added++;
        } else
            for (int m = 1; m <= n; m++)
                x->acc[x->touched[m]] = 0;
        if (broke) {
            g->broken++;
            bool plan;
            double w = solve_block(g, k, &plan);
            /* no more than the programme's best, which has fewer rules */
            if (!isnan(w) && w < v)
                v = w;
            if (plan && glp_mip_obj_val(d->B) > x->pi[b->conv] + eps) {
                add_mip_plan(g, k);
                added++;
            }
        }
        L += v;
    }
    *bound = cj_price_rest(x, L);
    return added;
}

/* Frees g and what it holds; its MIPs too when GLPK still has them. */
static void deep_free(deep *g, bool glpk) {
    if (!g)
        return;
    for (size_t k = 0; g->d && k < g->x->n_blocks; k++) {
        deep_block *d = &g->d[k];
        if (glpk && d->B)
            glp_delete_prob(d->B);
        free(d->col), free(d->obj), free(d->rows);
    }
    free(g->d), free(g->blk_of), free(g->stamp), free(g->rows);
    free(g);
}

bool cj_price_deep_prepare(ctx *x) {
    glp_prob *P = x->lp->P;
    size_t nr = (size_t)glp_get_num_rows(P), nc = (size_t)glp_get_num_cols(P);
    deep *g = x->dstate = calloc(1, sizeof *g);
    if (!g)
        return false;
    g->x = x;
    g->d = calloc(x->n_blocks, sizeof *g->d);
    g->blk_of = malloc((nc + 1) * sizeof *g->blk_of);
    g->stamp = calloc(nr + 1, sizeof *g->stamp);
    g->rows = malloc((nr + 1) * sizeof *g->rows);
    int *pos = malloc((nc + 1) * sizeof *pos);
    if (!g->d || !g->blk_of || !g->stamp || !g->rows || !pos) {
        free(pos);
        return false;
    }
    for (size_t j = 0; j <= nc; j++)
        g->blk_of[j] = -1;
    bool ok = true;
    for (size_t k = 0; ok && k < x->n_blocks; k++)
        ok = read_block(g, k, pos);
    free(pos);
    return ok;
}

void cj_price_deep_free(ctx *x, bool glpk) {
    deep_free(x->dstate, glpk);
    x->dstate = NULL;
}

bool cj_price_deep_pending(const cj_price *x) {
    return x && x->dstate && x->M;
}

double cj_price_deepen(cj_price *x, double seconds, bool verbose, bool *nomem) {
    *nomem = false;
    if (!cj_price_deep_pending(x))
        return x ? x->deep : HUGE_VAL;
    deep *g = x->dstate;
    char *fix = NULL;
    double *at = malloc(((size_t)x->n_mrows + 1) * sizeof *at);
    if (!at)
        goto nomem;
    /* the prices of the best bound so far: at first the programme's */
    memcpy(at, x->best_pi, ((size_t)x->n_mrows + 1) * sizeof *at);
    double t0 = glp_time(), lower = -HUGE_VAL, last = HUGE_VAL;
    glp_smcp sm;
    glp_init_smcp(&sm);
    sm.msg_lev = GLP_MSG_OFF;
    int rounds = 0, idle = 0, held = 0;
    for (; rounds < DEEP_ROUNDS; rounds++) {
        /* the plans added since may break rows too: held each round */
        int nc = glp_get_num_cols(x->M);
        char *f = realloc(fix, (size_t)nc + 1);
        if (!f)
            goto nomem;
        memset(f + held, 0, (size_t)nc + 1 - (size_t)held);
        fix = f;
        hold_broken(g, fix);
        held = nc + 1;
        bool art = false;
        if (rounds == 0) {
            /* at the programme's prices first: the master with its broken
             * plans held needs artificial columns, whose prices are of the
             * order of their penalty (1000 x 1000 seed 3: 2 rounds in 134 s,
             * the blocks' MIPs slow at such prices) */
            memcpy(x->pi, at, ((size_t)x->n_mrows + 1) * sizeof *x->pi);
        } else {
            if (glp_simplex(x->M, &sm) != 0 || glp_get_status(x->M) != GLP_OPT)
                break;
            lower = glp_get_obj_val(x->M);
            cj_price_read_prices(x);
            art = cj_price_artificial(x);
        }
        /* (the master's own prices: smoothed towards the best, as
         * solver/price.c does, they took 11 to 26 rounds on 100 x 60
         * instead of 6, for a bound no better) */
        double L;
        int added = price_round(g, &L);
        if (added < 0)
            goto nomem;
        if (!art && L < x->deep) {
            x->deep = L;
            memcpy(at, x->pi, ((size_t)x->n_mrows + 1) * sizeof *at);
        }
        bool down = isfinite(last) ? x->deep < last - DEEP_STEP * (1 + fabs(last))
                                   : x->deep < last;
        /* while the master needs artificial columns it only seeks plans */
        idle = art || down ? 0 : idle + 1;
        if (idle == 0)
            last = x->deep;
        if (rounds > 0 && (added == 0 || idle >= DEEP_IDLE ||
                           (!art && x->deep - lower <= 1e-6 * (1 + fabs(x->deep))) ||
                           (seconds > 0 && glp_difftime(glp_time(), t0) > seconds)))
            break;
    }
    if (verbose)
        fprintf(stderr,
                "tighter bound: %d rounds, %zu MIPs (%zu blocks broke a row, %ld nodes, "
                "%.3f s), master %.6f, bound %.6f, %.3f s\n",
                rounds, g->mips, g->broken, g->mip_nodes, g->mip_seconds, lower, x->deep,
                glp_difftime(glp_time(), t0));
    goto out;
nomem:
    *nomem = true;
out:
    /* the prices, candidates and blocks as the neighbourhoods need them */
    memcpy(x->pi, x->best_pi, ((size_t)x->n_mrows + 1) * sizeof *x->pi);
    double L;
    cj_price_all(x, false, &L);
    free(fix), free(at);
    cj_price_deep_free(x, true);
    glp_delete_prob(x->M);
    x->M = NULL;
    return x->deep;
}
