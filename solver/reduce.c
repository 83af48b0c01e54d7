/*
 * Neighbourhoods of a priced model (docs/model.md): which steps of which
 * pairs some block plan within delta of the block's best at the prices uses,
 * and the model's bounds and C2 coefficients narrowed to those, undone by
 * cj_price_restore().
 */
#include "price_internal.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The model's numbers that cj_price_reduce() changes, per pair: y's bounds,
 * f's bounds, and the steps of C2min and C2max (the coefficients of y). */
enum { O_YLO, O_YHI, O_FLO, O_FHI, O_MIN, O_MAX, O_N };

static void set_pair(glp_prob *P, const cj_lp *lp, size_t i, const double *o) {
    int y = lp->ycol[i], f = lp->fcol[i];
    glp_set_col_bnds(P, y, o[O_YLO] == o[O_YHI] ? GLP_FX : GLP_DB, o[O_YLO], o[O_YHI]);
    glp_set_col_bnds(P, f, o[O_FLO] == o[O_FHI] ? GLP_FX : GLP_DB, o[O_FLO], o[O_FHI]);
    int ind[3] = {0, f, y};
    double val[3] = {0, 1, 0};
    if (lp->c2min[i]) {
        val[2] = -o[O_MIN];
        glp_set_mat_row(P, lp->c2min[i], 2, ind, val);
    }
    val[2] = -o[O_MAX];
    glp_set_mat_row(P, lp->c2max[i], 2, ind, val);
}

void cj_price_restore(cj_price *x) {
    if (!x || !x->orig)
        return;
    x->have_cur = false;
    for (size_t i = 0; i < x->n_pairs; i++)
        set_pair(x->lp->P, x->lp, i, &x->orig[i * O_N]);
}

int cj_price_meets_as_built(cj_price *x, const double *v) {
    cj_lp *lp = x->lp;
    bool narrowed = x->orig && x->have_cur;
    for (size_t i = 0; narrowed && i < x->n_pairs; i++)
        set_pair(lp->P, lp, i, &x->orig[i * O_N]);
    int ok = cj_lp_meets(lp->P, v, 1e-9);
    for (size_t i = 0; narrowed && i < x->n_pairs; i++)
        set_pair(lp->P, lp, i, &x->cur[i * O_N]);
    return ok;
}

/* For cj_price_reduce(): per candidate of one school and steps, the best
 * its block can do with that school's plan using it (with), and the best
 * with a plan not using it (without). */
typedef struct {
    const school *sc;
    const double *rest; /* per total of the school: the best of the others */
    double *with;       /* n x width */
    double *without;    /* n */
    int width;
} near_arg;

static void near_visit(void *arg, const plan *p, int total) {
    near_arg *a = arg;
    double v = p->v + a->rest[total];
    if (v == -INFINITY)
        return;
    unsigned long long in = 0;
    for (int m = 0; m < p->m; m++) {
        double *w = &a->with[(size_t)p->i[m] * (size_t)a->width + (size_t)p->k[m]];
        if (v > *w)
            *w = v;
        in |= 1ULL << p->i[m];
    }
    for (int i = 0; i < a->sc->n; i++)
        if (!(in & (1ULL << i)) && v > a->without[i])
            a->without[i] = v;
}

/* Fills with/without for school j of sum block b; false when out of memory. */
static bool near_sum(ctx *x, const block *b, size_t j, double *with, double *without,
                     int width) {
    int T = b->thi;
    double *d = x->dp, *e = x->dp2;
    for (int t = 0; t <= T; t++)
        d[t] = t == 0 ? 0 : -INFINITY;
    for (size_t o = 0; o < b->n; o++) {
        if (o == j)
            continue;
        cj_block_convolve(d, &x->sc[b->schools[o]], T, e, NULL);
        double *s = d;
        d = e;
        e = s;
    }
    /* rest[t]: the others' best when this school has t steps */
    double *rest = malloc(((size_t)T + 1) * sizeof *rest);
    if (!rest)
        return false;
    for (int t = 0; t <= T; t++) {
        rest[t] = -INFINITY;
        for (int u = b->tlo - t > 0 ? b->tlo - t : 0; u + t <= T; u++)
            if (d[u] > rest[t])
                rest[t] = d[u];
    }
    const school *sc = &x->sc[b->schools[j]];
    near_arg a = {sc, rest, with, without, width};
    cj_block_each_plan(sc, x->c, T, near_visit, &a);
    free(rest);
    return true;
}

/* The same for a block of one school, by pricing it with each choice fixed. */
static void near_one(ctx *x, school *sc, double *with, double *without, int width) {
    plan keep = sc->best;
    for (int j = 0; j < sc->n; j++) {
        cand *c = &x->c[sc->first + (size_t)j];
        cand cj = *c;
        for (int k = cj.lo; !cj.none && k <= cj.hi; k++) {
            c->lo = c->hi = k;
            c->must = true;
            cj_block_price_school(sc, x->c);
            if (sc->best.m >= 0)
                with[(size_t)j * (size_t)width + (size_t)k] = sc->best.v;
        }
        *c = cj;
        if (!c->must) {
            c->none = true;
            cj_block_price_school(sc, x->c);
            if (sc->best.m >= 0)
                without[j] = sc->best.v;
            *c = cj;
        }
    }
    sc->best = keep;
}

/* Finds sc->near for school j of block b (the same at every delta, so once
 * per model); false when out of memory. */
static bool near_of(ctx *x, const block *b, size_t j) {
    school *sc = &x->sc[b->schools[j]];
    int width = 1;
    for (int i = 0; i < sc->n; i++)
        if (x->c[sc->first + (size_t)i].hi + 1 > width)
            width = x->c[sc->first + (size_t)i].hi + 1;
    size_t cells = (size_t)sc->n * (size_t)width;
    double *with = malloc((cells + (size_t)sc->n) * sizeof *with);
    if (!with)
        return false;
    double *without = with + cells;
    for (size_t c = 0; c < cells + (size_t)sc->n; c++)
        with[c] = -INFINITY;
    if (b->sum) {
        if (!near_sum(x, b, j, with, without, width)) {
            free(with);
            return false;
        }
    } else
        near_one(x, sc, with, without, width);
    sc->near = with;
    sc->near_width = width;
    return true;
}

/* cj_price_reduce(), or only counting the y it would leave free when not
 * `apply` (the model and x->cur untouched). */
static size_t reduce(cj_price *x, double delta, bool apply, bool *same) {
    cj_lp *lp = x->lp;
    glp_prob *P = lp->P;
    *same = false;
    if (!x->orig) {
        x->orig = malloc(x->n_pairs * O_N * sizeof *x->orig);
        x->cur = calloc(x->n_pairs * O_N, sizeof *x->cur);
        if (!x->orig || !x->cur) {
            free(x->orig);
            free(x->cur);
            x->orig = x->cur = NULL;
            return x->n_pairs; /* nothing reduced */
        }
        for (size_t i = 0; i < x->n_pairs; i++) {
            double *o = &x->orig[i * O_N];
            o[O_YLO] = glp_get_col_lb(P, lp->ycol[i]);
            o[O_YHI] = glp_get_col_ub(P, lp->ycol[i]);
            o[O_FLO] = glp_get_col_lb(P, lp->fcol[i]);
            o[O_FHI] = glp_get_col_ub(P, lp->fcol[i]);
            o[O_MIN] = x->c[i].lo;
            o[O_MAX] = glp_get_col_ub(P, lp->fcol[i]);
            int len = glp_get_mat_row(P, lp->c2max[i], x->ind, x->val);
            for (int k = 1; k <= len; k++)
                if (x->ind[k] == lp->ycol[i])
                    o[O_MAX] = -x->val[k];
        }
    }
    size_t free_y = 0;
    bool was = x->have_cur, differ = false;
    if (apply)
        x->have_cur = false; /* until every pair is set below */
    for (size_t k = 0; k < x->n_blocks; k++) {
        const block *b = &x->bl[k];
        double floor_v = b->best - delta - 1e-9 * (1 + fabs(b->best));
        for (size_t j = 0; j < b->n; j++) {
            school *sc = &x->sc[b->schools[j]];
            if (!sc->near && !near_of(x, b, j))
                return x->n_pairs; /* this school and the rest: unreduced */
            int width = sc->near_width;
            const double *with = sc->near,
                         *without = with + (size_t)sc->n * (size_t)width;
            for (int i = 0; i < sc->n; i++) {
                size_t at = sc->first + (size_t)i;
                double o[O_N];
                memcpy(o, &x->orig[at * O_N], sizeof o);
                int lo = INT_MAX, hi = -1;
                for (int s = 0; s < width; s++)
                    if (with[(size_t)i * (size_t)width + (size_t)s] >= floor_v) {
                        if (s < lo)
                            lo = s;
                        hi = s;
                    }
                if (hi < 0) {
                    o[O_YLO] = o[O_YHI] = 0; /* no plan near the best uses it */
                    o[O_FLO] = o[O_FHI] = 0;
                } else {
                    if (without[i] < floor_v)
                        o[O_YLO] = 1; /* every plan near the best uses it */
                    o[O_MIN] = lo;
                    o[O_MAX] = hi;
                    if (hi < o[O_FHI])
                        o[O_FHI] = hi;
                    if (o[O_YLO] > 0.5)
                        o[O_FLO] = lo;
                    free_y += o[O_YLO] != o[O_YHI];
                }
                if (!lp->c2min[at] && o[O_MIN] > 0 && o[O_YLO] < 0.5)
                    o[O_MIN] = 0; /* no row to carry it (the bound stays valid) */
                if (!apply)
                    continue;
                differ = differ || memcmp(o, &x->cur[at * O_N], sizeof o) != 0;
                memcpy(&x->cur[at * O_N], o, sizeof o);
                set_pair(P, lp, at, o);
            }
        }
    }
    if (apply) {
        x->have_cur = true;
        *same = was && !differ;
    }
    return free_y;
}

size_t cj_price_reduce(cj_price *x, double delta, bool *same) {
    return reduce(x, delta, true, same);
}

size_t cj_price_free_at(cj_price *x, double delta) {
    bool same;
    return reduce(x, delta, false, &same);
}
