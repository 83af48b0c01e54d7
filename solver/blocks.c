/*
 * A block's own plans (solver/price_internal.h): per school every subset of
 * one to three candidates that its own rules allow, with its steps, and per
 * block of a cluster the best over its schools' totals of steps.  Everything
 * here is pure arithmetic on the prices; GLPK is not called.
 */
#include "price_internal.h"

#include <math.h>
#include <string.h>

/* Reads the school's own rows on y alone: the slacks' price is their
 * objective, so a plan's `pay`. */
double cj_block_y_rows(const school *x, unsigned long long set) {
    double z = 0;
    for (int k = 0; k < x->yl.n; k++) {
        /* coefficients are 1 (checked when the row was read) */
        double v = 0;
        for (unsigned long long m = x->yl.members[k] & set; m; m &= m - 1)
            v++;
        if (v > x->yl.hi[k] + 1e-9)
            return -INFINITY;
        if (v < x->yl.lo[k] - 1e-9) {
            double need = x->yl.lo[k] - v;
            if (!x->yl.ucol[k] || need > x->yl.uub[k] + 1e-9)
                return -INFINITY;
            z += need * x->yl.ucost[k];
        }
    }
    return z;
}

/* The best steps for candidates idx[at..m) given the FTE `w` and cost
 * `cost` used so far; writes them to k and returns their priced value, or
 * -INFINITY when none fit. */
static double steps(const school *x, const cand *c, const int *idx, int m, int at,
                    double w, double cost, int *k) {
    if (at < 0 || at > 2)
        return -INFINITY; /* never: at most three providers */
    const cand *d = &c[x->first + (size_t)idx[at]];
    if (at == m - 1) {
        /* the last one: an interval of steps, its best end by the sign */
        double lo = d->lo, hi = d->hi;
        if (d->w > 0) {
            double a = (x->flo - w) / d->w, b = (x->fhi - w) / d->w;
            if (ceil(a - 1e-9) > lo)
                lo = ceil(a - 1e-9);
            if (floor(b + 1e-9) < hi)
                hi = floor(b + 1e-9);
        } else if (w < x->flo - 1e-9 || w > x->fhi + 1e-9)
            return -INFINITY;
        if (d->cost > 0) {
            double b = (x->budget - cost) / d->cost;
            if (floor(b + 1e-9) < hi)
                hi = floor(b + 1e-9);
        } else if (cost > x->budget + 1e-6)
            return -INFINITY;
        if (lo > hi)
            return -INFINITY;
        k[at] = (int)(d->vf >= 0 ? hi : lo);
        return d->vf * k[at];
    }
    double z = -INFINITY;
    int kk[3];
    for (int s = d->lo; s <= d->hi; s++) {
        if (cost + s * d->cost > x->budget + 1e-6 || w + s * d->w > x->fhi + 1e-9)
            break;
        memcpy(kk, k, sizeof kk);
        double v = steps(x, c, idx, m, at + 1, w + s * d->w, cost + s * d->cost, kk);
        if (v > -INFINITY && v + d->vf * s > z) {
            z = v + d->vf * s;
            memcpy(k, kk, sizeof kk);
            k[at] = s;
        }
    }
    return z;
}

/* Calls `visit` for every subset of school x's candidates that may form a
 * plan (C1, fixed y, its own rows on y), with what the subset's y and slacks
 * give; stops early when `visit` returns false. */
typedef bool (*subset_fn)(void *arg, const int *idx, int m, double fixed);
static void each_subset(const school *x, const cand *c, subset_fn visit, void *arg) {
    const cand *cc = &c[x->first];
    unsigned long long must = 0;
    for (int i = 0; i < x->n; i++)
        if (cc[i].must)
            must |= 1ULL << i;
    int idx[3] = {0, 0, 0};
    /* subsets in increasing size, members in increasing order */
    for (int m = x->pmin; m <= x->pmax && m <= 3 && m <= x->n; m++) {
        for (int i = 0; i < m; i++)
            idx[i] = i;
        for (;;) {
            unsigned long long set = 0;
            bool ok = true;
            double fixed = 0;
            for (int i = 0; i < m; i++) {
                set |= 1ULL << idx[i];
                ok = ok && !cc[idx[i]].none && cc[idx[i]].lo <= cc[idx[i]].hi;
                fixed += cc[idx[i]].vy;
            }
            double pay = ok && (set & must) == must ? cj_block_y_rows(x, set) : -INFINITY;
            if (pay > -INFINITY && !visit(arg, idx, m, fixed + pay))
                return;
            int i = m - 1;
            while (i >= 0 && idx[i] == x->n - m + i)
                i--;
            if (i < 0)
                break;
            idx[i]++;
            for (int j = i + 1; j < m; j++)
                idx[j] = idx[j - 1] + 1;
        }
    }
}

typedef struct {
    school *x;
    const cand *c;
} best_arg;

static bool best_visit(void *arg, const int *idx, int m, double fixed) {
    best_arg *a = arg;
    school *x = a->x;
    int k[3] = {0, 0, 0};
    double v = m ? steps(x, a->c, idx, m, 0, 0, 0, k) : (x->flo <= 1e-9 ? 0 : -INFINITY);
    if (v > -INFINITY && v + fixed > x->best.v + 1e-12) {
        x->best = (plan){.m = m, .v = v + fixed};
        for (int i = 0; i < m; i++) {
            x->best.i[i] = idx[i];
            x->best.k[i] = k[i];
        }
        x->best.pay = fixed;
        for (int i = 0; i < m; i++)
            x->best.pay -= a->c[x->first + (size_t)idx[i]].vy;
    }
    return true;
}

/* School x's best plan at the current prices, in x->best (m -1: none). */
void cj_block_price_school(school *x, const cand *c) {
    x->best = (plan){.m = -1, .v = -INFINITY};
    best_arg a = {x, c};
    each_subset(x, c, best_visit, &a);
}

/* Calls `visit` for every plan of school x (every subset and every steps
 * within the school's rules), with its total of steps at most `tmax`. */
typedef struct {
    const school *x;
    const cand *c;
    plan_fn visit;
    void *arg;
    int tmax;
} each_arg;

static void each_steps(each_arg *a, plan *p, int at, int total, double w, double cost) {
    const school *x = a->x;
    if (at == p->m) {
        if (w >= x->flo - 1e-9)
            a->visit(a->arg, p, total);
        return;
    }
    if (at > 2)
        return; /* never: at most three providers */
    const cand *d = &a->c[x->first + (size_t)p->i[at]];
    double v0 = p->v;
    for (int s = d->lo; s <= d->hi && total + s <= a->tmax; s++) {
        if (cost + s * d->cost > x->budget + 1e-6 || w + s * d->w > x->fhi + 1e-9)
            break;
        p->k[at] = s;
        p->v = v0 + d->vf * s;
        each_steps(a, p, at + 1, total + s, w + s * d->w, cost + s * d->cost);
    }
    p->v = v0;
}

static bool each_visit(void *arg, const int *idx, int m, double fixed) {
    each_arg *a = arg;
    plan p = {.m = m, .v = fixed, .pay = fixed};
    for (int i = 0; i < m; i++) {
        p.i[i] = idx[i];
        p.pay -= a->c[a->x->first + (size_t)idx[i]].vy;
    }
    each_steps(a, &p, 0, 0, 0, 0);
    return true;
}

void cj_block_each_plan(const school *x, const cand *c, int tmax, plan_fn visit,
                        void *arg) {
    each_arg a = {x, c, visit, arg, tmax};
    each_subset(x, c, each_visit, &a);
}

/* Keeps per total of steps the best plan (x->g, x->gp). */
static void g_visit(void *arg, const plan *p, int total) {
    school *x = arg;
    if (p->v > x->g[total] + 1e-12) {
        x->g[total] = p->v;
        x->gp[total] = *p;
    }
}

/* Max-plus convolution of `a` (0..n) with school x's g, into `out`, keeping
 * in `arg` (when not NULL) the school's part of each total. */
void cj_block_convolve(const double *a, const school *x, int n, double *out, int *arg) {
    /* only where both are finite: most totals are out of a school's reach
     * (the same order of u as over all of them, so the same ties) */
    int glo = n + 1, ghi = -1, alo = n + 1, ahi = -1;
    for (int u = 0; u <= n; u++) {
        if (x->g[u] != -INFINITY) {
            glo = glo > n ? u : glo;
            ghi = u;
        }
        if (a[u] != -INFINITY) {
            alo = alo > n ? u : alo;
            ahi = u;
        }
    }
    for (int t = 0; t <= n; t++) {
        out[t] = -INFINITY;
        if (arg)
            arg[t] = -1;
        int from = t - ahi > glo ? t - ahi : glo, to = t - alo < ghi ? t - alo : ghi;
        for (int u = from; u <= to; u++) {
            if (a[t - u] == -INFINITY || x->g[u] == -INFINITY)
                continue;
            double v = a[t - u] + x->g[u];
            if (v > out[t]) {
                out[t] = v;
                if (arg)
                    arg[t] = u;
            }
        }
    }
}

/* Block b's best at the current prices (b->best; each school's plan in
 * its best or, in a block with an FTE row, gp[pick]); -INFINITY: none. */
void cj_block_price(ctx *x, block *b) {
    if (!b->sum) {
        school *sc = &x->sc[b->schools[0]];
        cj_block_price_school(sc, x->c);
        b->best = sc->best.m >= 0 ? sc->best.v : -INFINITY;
        return;
    }
    int T = b->thi;
    double *d = x->dp, *e = x->dp2;
    for (int t = 0; t <= T; t++)
        d[t] = t == 0 ? 0 : -INFINITY;
    for (size_t j = 0; j < b->n; j++) {
        school *sc = &x->sc[b->schools[j]];
        for (int t = 0; t <= T; t++)
            sc->g[t] = -INFINITY;
        cj_block_each_plan(sc, x->c, T, g_visit, sc);
        cj_block_convolve(d, sc, T, e, &x->arg[j * (size_t)(MAX_STEPS + 1)]);
        double *s = d;
        d = e;
        e = s;
    }
    b->best = -INFINITY;
    int at = -1;
    for (int t = b->tlo > 0 ? b->tlo : 0; t <= T; t++)
        if (d[t] > b->best) {
            b->best = d[t];
            at = t;
        }
    for (size_t j = b->n; at >= 0 && j-- > 0;) {
        school *sc = &x->sc[b->schools[j]];
        sc->pick = x->arg[j * (size_t)(MAX_STEPS + 1) + (size_t)at];
        at -= sc->pick;
    }
}

/* The plan a school has in its block's best. */
const plan *cj_block_chosen(const block *b, const school *sc) {
    return b->sum ? &sc->gp[sc->pick] : &sc->best;
}
