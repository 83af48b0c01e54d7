/*
 * Owns the first plan block by block: a plan of the round put together from
 * the blocks' own plans (solver/blocks.c), one block after another, each
 * fitted into what the blocks before it left of the rows that join them (a
 * provider's capacity and number of schools, a cluster's amount), then each
 * block's plan replaced by its best given the others' while that pays.  No
 * GLPK search: on 1000 x 1000 it takes 0.07 s, and it finds a plan in 59
 * of the 60 rounds that a node limit of 1 leaves without one, among them
 * 80 x 50 seed 14, where GLPK's depth-first search for a first plan finds
 * none in 5,000 nodes (docs/performance-record.md, "Taken: a first plan block by
 * block").  Its plans are worse than that search's on 53 of the 56 rounds
 * where both find one, so the rescue keeps the better of the two.
 */
#include "price_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Pricings of one block, each with the penalties on the rows its plan
 * overran doubled, before the block counts as not fitting. */
#define FIRST_TRIES 24
/* Passes over the blocks, each with the block that did not fit in the last
 * one moved to the front, before no plan is found. */
#define FIRST_PASSES 60
/* Sweeps over the blocks replacing plans by better ones. */
#define FIRST_SWEEPS 20
/* A block whose plan the master's solution takes at least this share of
 * takes that plan when it fits. */
#define MASTER_SURE 0.999

typedef struct {
    ctx *x;
    double *lo, *hi;   /* per master row: its bounds in the model */
    double *act;       /* per master row: what the plans placed use */
    double *use, *pen; /* per master row: the block in hand's use, its penalty */
    cand *keep;        /* the candidates as priced */
    plan *chosen;      /* per school: the plan placed (m -1: none yet) */
    double *other;     /* per model column as priced: the other columns' values */
    size_t *order;     /* the blocks, in the order they are placed */
    double tol;
    bool raw; /* price by the objective itself, not the decomposition's prices */
} first;

/* Adds to `to` what plan p of school sc uses of the joining rows, times
 * `sign`. */
static void plan_use(const first *f, const school *sc, const plan *p, double *to,
                     double sign) {
    for (int m = 0; m < p->m; m++) {
        const cand *c = &f->x->c[sc->first + (size_t)p->i[m]];
        for (int k = 0; k < c->njy; k++)
            to[c->jy[k].row] += sign * c->jy[k].a;
        for (int k = 0; k < c->njf; k++)
            to[c->jf[k].row] += sign * c->jf[k].a * p->k[m];
    }
}

/* The objective of plan p of school sc. */
static double plan_value(const first *f, const school *sc, const plan *p) {
    double z = p->pay;
    for (int m = 0; m < p->m; m++) {
        const cand *c = &f->x->c[sc->first + (size_t)p->i[m]];
        z += c->cy + c->cf * p->k[m];
    }
    return z;
}

/* Whether f->act plus f->use is within every joining row's upper side. */
static bool fits(const first *f) {
    for (int k = 1; k <= f->x->n_mrows; k++)
        if (f->use[k] != 0 && f->act[k] + f->use[k] > f->hi[k] + f->tol)
            return false;
    return true;
}

/* Puts the candidates of block b back as priced. */
static void unnarrow(first *f, const block *b) {
    for (size_t j = 0; j < b->n; j++) {
        const school *sc = &f->x->sc[b->schools[j]];
        memcpy(&f->x->c[sc->first], &f->keep[sc->first], (size_t)sc->n * sizeof *f->keep);
    }
}

/* Prices school sc's candidates at the decomposition's prices (or the
 * objective's own when f->raw) less the penalties, each with the steps and
 * presence that fit what the plans placed left of the joining rows: false
 * when a candidate the school must take does not fit. */
static bool narrow_school(first *f, const school *sc) {
    ctx *x = f->x;
    for (int i = 0; i < sc->n; i++) {
        size_t at = sc->first + (size_t)i;
        cand *c = &x->c[at];
        *c = f->keep[at];
        if (f->raw) {
            c->vy = c->cy;
            c->vf = c->cf;
        }
        bool room = true;
        for (int k = 0; k < c->njy; k++) {
            const coef *e = &c->jy[k];
            c->vy -= f->pen[e->row] * e->a;
            if (e->a > 0 && f->hi[e->row] - f->act[e->row] < e->a - f->tol)
                room = false;
        }
        for (int k = 0; k < c->njf; k++) {
            const coef *e = &c->jf[k];
            c->vf -= f->pen[e->row] * e->a;
            if (e->a > 0 && isfinite(f->hi[e->row])) {
                double most = floor((f->hi[e->row] - f->act[e->row]) / e->a + 1e-9);
                if (most < c->hi)
                    c->hi = most < 0 ? -1 : (int)most;
            }
        }
        if (!room || c->hi < c->lo) {
            if (c->must)
                return false;
            c->none = true;
        }
    }
    return true;
}

/* Keeps school x's best plan per total of steps (x->g, x->gp). */
static void by_total(void *arg, const plan *p, int total) {
    school *x = arg;
    if (p->v > x->g[total] + 1e-12) {
        x->g[total] = p->v;
        x->gp[total] = *p;
    }
}

/* Block b with an FTE row, school by school: each school's best plan among
 * those that fit what the plans placed and the schools before it left, and
 * that leave the schools after it a total within the block's range.  A
 * provider has one pair per school, so every provider's rows fit; the
 * block's other joining rows are checked.  True with the plans as the
 * block's (cj_block_chosen) and their use in f->use; f->act and the
 * candidates as they were either way. */
static bool fit_in_turn(first *f, block *b) {
    ctx *x = f->x;
    int T = b->thi, sofar = 0;
    double *rest = x->dp, *next = x->dp2;
    memset(f->use, 0, ((size_t)x->n_mrows + 1) * sizeof *f->use);
    size_t j = 0;
    for (; j < b->n; j++) {
        bool ok = true;
        for (size_t i = j; i < b->n && ok; i++) {
            school *sc = &x->sc[b->schools[i]];
            for (int t = 0; t <= T; t++)
                sc->g[t] = -INFINITY;
            ok = narrow_school(f, sc);
            if (ok)
                cj_block_each_plan(sc, x->c, T - sofar, by_total, sc);
        }
        if (!ok)
            break;
        /* the best of the schools after this one, per total */
        for (int t = 0; t <= T; t++)
            rest[t] = t == 0 ? 0 : -INFINITY;
        for (size_t i = j + 1; i < b->n; i++) {
            cj_block_convolve(rest, &x->sc[b->schools[i]], T, next, NULL);
            double *s = rest;
            rest = next;
            next = s;
        }
        school *sc = &x->sc[b->schools[j]];
        double best = -INFINITY;
        int pick = -1;
        for (int t = 0; t + sofar <= T; t++) {
            if (sc->g[t] == -INFINITY)
                continue;
            for (int u = 0; u + t + sofar <= T; u++)
                if (rest[u] > -INFINITY && u + t + sofar >= b->tlo &&
                    sc->g[t] + rest[u] > best) {
                    best = sc->g[t] + rest[u];
                    pick = t;
                }
        }
        if (pick < 0)
            break;
        sc->pick = pick;
        sofar += pick;
        plan_use(f, sc, &sc->gp[pick], f->act, 1);
        plan_use(f, sc, &sc->gp[pick], f->use, 1);
    }
    for (size_t i = 0; i < j; i++) {
        const school *sc = &x->sc[b->schools[i]];
        plan_use(f, sc, &sc->gp[sc->pick], f->act, -1);
    }
    unnarrow(f, b);
    return j == b->n && fits(f);
}

/* Block b's best plan at the prices that fits every joining row's upper
 * side: school by school for a block with an FTE row, else (or when that
 * finds none) the block's best with the penalty on each row its best
 * overran doubled until one fits.  True with the plan as the block's
 * (cj_block_chosen) and its use in f->use; the candidates as priced. */
static bool best_fit(first *f, block *b) {
    ctx *x = f->x;
    int rows = x->n_mrows;
    memset(f->pen, 0, ((size_t)rows + 1) * sizeof *f->pen);
    if (b->sum && fit_in_turn(f, b))
        return true;
    bool ok = false;
    for (int t = 0; t < FIRST_TRIES && !ok; t++) {
        bool can = true;
        for (size_t j = 0; j < b->n && can; j++)
            can = narrow_school(f, &x->sc[b->schools[j]]);
        if (!can)
            break;
        cj_block_price(x, b);
        if (b->best == -INFINITY)
            break;
        memset(f->use, 0, ((size_t)rows + 1) * sizeof *f->use);
        for (size_t j = 0; j < b->n; j++) {
            const school *sc = &x->sc[b->schools[j]];
            plan_use(f, sc, cj_block_chosen(b, sc), f->use, 1);
        }
        ok = true;
        for (int k = 1; k <= rows; k++) {
            if (f->use[k] == 0 || f->act[k] + f->use[k] <= f->hi[k] + f->tol)
                continue;
            ok = false;
            /* worth as much as the whole block's best, then doubling */
            double base = 1 + fabs(b->best) / f->use[k];
            f->pen[k] = f->pen[k] > 0 ? 2 * f->pen[k] : base;
        }
    }
    unnarrow(f, b);
    return ok;
}

/* Takes block b's plan (cj_block_chosen) as its schools' plans, adding its
 * use (f->use) to f->act. */
static void commit(first *f, const block *b) {
    ctx *x = f->x;
    for (int k = 1; k <= x->n_mrows; k++)
        f->act[k] += f->use[k];
    for (size_t j = 0; j < b->n; j++)
        f->chosen[b->schools[j]] = *cj_block_chosen(b, &x->sc[b->schools[j]]);
}

/* Places for block b the plan the master's solution is sure of, when there
 * is one and it fits what the plans placed left of every joining row; true
 * when placed. */
static bool master_plan(first *f, const block *b) {
    ctx *x = f->x;
    if (!x->lp_k || x->lp_w[b - x->bl] < MASTER_SURE)
        return false;
    memset(f->use, 0, ((size_t)x->n_mrows + 1) * sizeof *f->use);
    for (size_t j = 0; j < b->n; j++) {
        const school *sc = &x->sc[b->schools[j]];
        plan p = {.m = 0};
        unsigned long long set = 0;
        for (int i = 0; i < sc->n; i++) {
            int k = x->lp_k[sc->first + (size_t)i];
            if (k < 0)
                continue;
            if (p.m == 3)
                return false;
            p.i[p.m] = i;
            p.k[p.m++] = k;
            set |= 1ULL << i;
        }
        p.pay = cj_block_y_rows(sc, set);
        if (p.pay == -INFINITY)
            return false;
        plan_use(f, sc, &p, f->use, 1);
        f->chosen[b->schools[j]] = p;
    }
    if (!fits(f))
        return false;
    for (int k = 1; k <= x->n_mrows; k++)
        f->act[k] += f->use[k];
    return true;
}

/* Sets the model's other columns (soft-coverage slacks on rows that join
 * blocks, or on rows no pair is on) in f->other: each at its lower bound,
 * raised as far as a joining row whose lower side the plans left unmet
 * needs, within its upper bound; what they add goes into f->act. */
static void others(first *f) {
    ctx *x = f->x;
    glp_prob *P = x->lp->P;
    for (size_t j = 1; j <= x->n_model_cols; j++) {
        f->other[j] = 0;
        if (x->pair_of[j] >= 0 || x->own_col[j])
            continue;
        int t = glp_get_col_type(P, (int)j);
        double lb =
            t == GLP_LO || t == GLP_DB || t == GLP_FX ? glp_get_col_lb(P, (int)j) : 0;
        double ub = t == GLP_UP || t == GLP_DB || t == GLP_FX ? glp_get_col_ub(P, (int)j)
                                                              : HUGE_VAL;
        double v = lb;
        int len = glp_get_mat_col(P, (int)j, x->ind, x->val);
        for (int e = 1; e <= len; e++) {
            int k = (size_t)x->ind[e] <= x->n_model_rows ? x->map[x->ind[e]] : 0;
            if (k && x->val[e] > 0 && f->act[k] + x->val[e] * v < f->lo[k] - f->tol) {
                double need = (f->lo[k] - f->act[k]) / x->val[e];
                v = need < ub ? need : ub;
            }
        }
        f->other[j] = v;
        for (int e = 1; e <= len; e++) {
            int k = (size_t)x->ind[e] <= x->n_model_rows ? x->map[x->ind[e]] : 0;
            if (k)
                f->act[k] += x->val[e] * v;
        }
    }
}

/* Whether every joining row's lower side holds. */
static bool lower_sides(const first *f) {
    for (int k = 1; k <= f->x->n_mrows; k++)
        if (f->act[k] < f->lo[k] - f->tol)
            return false;
    return true;
}

/* One pass over the blocks in f->order: the index in f->order of the block
 * that did not fit, or n_blocks when every one did and every joining row's
 * lower side holds too (n_blocks + 1 when one does not). */
static size_t pass(first *f) {
    ctx *x = f->x;
    memset(f->act, 0, ((size_t)x->n_mrows + 1) * sizeof *f->act);
    for (size_t s = 0; s < x->n_schools; s++)
        f->chosen[s].m = -1;
    for (size_t k = 0; k < x->n_blocks; k++) {
        block *b = &x->bl[f->order[k]];
        if (master_plan(f, b))
            continue;
        if (!best_fit(f, b))
            return k;
        commit(f, b);
    }
    others(f);
    return lower_sides(f) ? x->n_blocks : x->n_blocks + 1;
}

/* Block b's best plan by the objective itself, given every other block's,
 * in place of the one it has when it is worth more and every joining row
 * still holds.  True when it was replaced. */
static bool better(first *f, block *b) {
    ctx *x = f->x;
    double was = 0;
    for (size_t j = 0; j < b->n; j++) {
        const school *sc = &x->sc[b->schools[j]];
        was += plan_value(f, sc, &f->chosen[b->schools[j]]);
        plan_use(f, sc, &f->chosen[b->schools[j]], f->act, -1);
    }
    bool taken = false;
    if (best_fit(f, b)) {
        double z = 0;
        for (size_t j = 0; j < b->n; j++) {
            const school *sc = &x->sc[b->schools[j]];
            z += plan_value(f, sc, cj_block_chosen(b, sc));
        }
        for (int k = 1; k <= x->n_mrows; k++)
            f->act[k] += f->use[k];
        taken = z > was + 1e-9 * (1 + fabs(was)) && lower_sides(f);
        for (int k = 1; k <= x->n_mrows; k++)
            f->act[k] -= f->use[k];
        if (taken)
            commit(f, b);
    }
    if (!taken)
        for (size_t j = 0; j < b->n; j++) {
            const school *sc = &x->sc[b->schools[j]];
            plan_use(f, sc, &f->chosen[b->schools[j]], f->act, 1);
        }
    return taken;
}

/* Writes the plan of f->chosen as model column values into v (1-based, every
 * column of the model): y and steps of each pair, the slacks of the schools'
 * own rows, the other columns, and the count columns' sums
 * (solver/counts.c); false when out of memory. */
static bool write_plan(const first *f, double *v, int n) {
    ctx *x = f->x;
    for (int j = 0; j <= n; j++)
        v[j] = 0;
    for (size_t j = 1; j <= x->n_model_cols; j++)
        v[j] = f->other[j];
    for (size_t s = 0; s < x->n_schools; s++) {
        const school *sc = &x->sc[s];
        const plan *p = &f->chosen[s];
        for (int m = 0; sc->n > 0 && m < p->m; m++) {
            const cand *c = &x->c[sc->first + (size_t)p->i[m]];
            v[c->ycol] = 1;
            v[c->fcol] = p->k[m];
        }
    }
    cj_price_own_slacks(x, v);
    return cj_lp_count_values(x->lp, v);
}

/* Reads the joining rows' bounds from the model into f->lo, f->hi, and sets
 * f->tol by their size. */
static void read_rows(first *f) {
    ctx *x = f->x;
    glp_prob *P = x->lp->P;
    double scale = 1;
    for (int k = 0; k <= x->n_mrows; k++) {
        f->lo[k] = -HUGE_VAL; /* a block's convexity row: no model row */
        f->hi[k] = HUGE_VAL;
    }
    for (size_t r = 1; r <= x->n_model_rows; r++) {
        int k = x->map[r], t = glp_get_row_type(P, (int)r);
        if (!k)
            continue;
        if (t == GLP_LO || t == GLP_DB || t == GLP_FX)
            f->lo[k] = glp_get_row_lb(P, (int)r);
        if (t == GLP_UP || t == GLP_DB || t == GLP_FX)
            f->hi[k] = glp_get_row_ub(P, (int)r);
        if (isfinite(f->hi[k]) && fabs(f->hi[k]) > scale)
            scale = fabs(f->hi[k]);
    }
    f->tol = 1e-9 * scale;
}

int cj_price_first_plan(cj_price *x, double *v) {
    if (!x || !x->priced || x->n_blocks == 0)
        return 0;
    size_t rows = (size_t)x->n_mrows + 1;
    first f = {.x = x};
    double *num = malloc(5 * rows * sizeof *num);
    f.keep = malloc(x->n_pairs * sizeof *f.keep);
    f.chosen = malloc(x->n_schools * sizeof *f.chosen);
    f.order = malloc(x->n_blocks * sizeof *f.order);
    f.other = malloc((x->n_model_cols + 1) * sizeof *f.other);
    int found = -1;
    if (!num || !f.keep || !f.chosen || !f.order || !f.other)
        goto done;
    f.lo = num;
    f.hi = num + rows;
    f.act = num + 2 * rows;
    f.use = num + 3 * rows;
    f.pen = num + 4 * rows;
    read_rows(&f);
    /* the candidates at the decomposition's best prices, as in the priced
     * rows: what a block takes of a joining row is charged at its price */
    cj_price_candidates(x, x->best_pi);
    memcpy(f.keep, x->c, x->n_pairs * sizeof *f.keep);
    /* the blocks the master is surest of first (stable: by index on ties) */
    for (size_t k = 0; k < x->n_blocks; k++) {
        size_t j = k;
        for (; x->lp_w && j > 0 && x->lp_w[f.order[j - 1]] < x->lp_w[k]; j--)
            f.order[j] = f.order[j - 1];
        f.order[j] = k;
    }
    found = 0;
    for (int p = 0; p < FIRST_PASSES && !found; p++) {
        size_t at = pass(&f);
        if (at == x->n_blocks)
            found = 1;
        else if (at > x->n_blocks)
            break; /* a lower side unmet, which no order of blocks knows */
        else {
            /* the block that did not fit goes first */
            size_t b = f.order[at];
            memmove(&f.order[1], &f.order[0], at * sizeof *f.order);
            f.order[0] = b;
        }
    }
    if (found) {
        /* measured: the sweeps take the plans of 58 of 62 rounds higher
         * (1000 x 1000 from 6571.58 to 6645.18), none lower */
        f.raw = true;
        int moved = 1;
        for (int s = 0; s < FIRST_SWEEPS && moved; s++) {
            moved = 0;
            for (size_t k = 0; k < x->n_blocks; k++)
                moved += better(&f, &x->bl[f.order[k]]);
        }
        if (!write_plan(&f, v, glp_get_num_cols(x->lp->P)))
            found = -1;
    }
    /* each block's best at the prices again, as the neighbourhoods read it */
    memcpy(x->c, f.keep, x->n_pairs * sizeof *x->c);
    for (size_t k = 0; k < x->n_blocks; k++)
        cj_block_price(x, &x->bl[k]);
done:
    free(num);
    free(f.keep);
    free(f.chosen);
    free(f.order);
    free(f.other);
    return found;
}
