/*
 * Priced rows: how rounds with FTE in steps are solved (docs/model.md).  This
 * file reads the blocks and their rules from the model, finds the prices by
 * column generation and adds the priced rows; solver/blocks.c enumerates a
 * block's own plans, solver/reduce.c narrows the model to neighbourhoods.
 *
 * The relaxation of SPEC §3 spreads each school over many providers at
 * fractions of y, and fills each school's amount with fractions of FTE
 * steps.  Per school, the plans it can have on its own (one to three
 * providers, whole steps, within its amount and FTE range, covering what it
 * must or paying for it) are few enough to enumerate, and a cluster whose
 * FTE row sums its schools' steps can be priced as one *block* by a dynamic
 * programme over those sums.  The rules that join blocks (provider
 * capacities and school counts, cluster amounts, no-goods, the rest) are
 * what makes the round hard.  A column-generation master (one column per
 * block plan, the joining rows as they are) gives prices π for the joining
 * rows; with them, a block's objective minus what its plan uses of the
 * joining rows at price π is at most its best over its own plans:
 *
 *     Σ_i (c_i − π·a_i) x_i ≤ best_b(π)
 *
 * That row holds for every plan of the round whatever π is (its right-hand
 * side is a maximum over a superset of the block's plans), so it never cuts
 * off a plan.  Summed with the joining rows at their prices it bounds the
 * whole objective: the Lagrangian bound, at the best prices the
 * Dantzig-Wolfe bound.  The same prices say how far each block's plan in a
 * better plan of the round can be from the block's best, which is what
 * cj_price_reduce() (solver/reduce.c) uses to fix pairs out of a
 * neighbourhood.
 *
 * The blocks' own rules come from the model itself: C1 (how many
 * providers), C2 (the steps a provider gives), C4 (the school's FTE range),
 * C5 (its amount), fixed y (chosen, forced, required), rows on the y of one
 * school alone with at most one slack of their own (coverage, hard or
 * soft), and a cluster's C3.  Any other row is a joining row; any rule the
 * enumeration leaves out only raises a block's best, so the rows stay valid.
 */
#include "price_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rounds without the gap between the bound and the master closing after
 * which the prices are as good as they get. */
#define IDLE_ROUNDS 20
/* Weight of the best prices so far in the prices that seek new plans. */
#define SMOOTH 0.8
/* The blocks branch and price may price before the neighbourhoods: work,
 * not seconds, so that the same round always gives the same plan (measured,
 * docs/performance-record.md: the rounds it proves took 3,000 to 8,000; 12,000 is
 * 0.2-0.5 s on rounds of 30 to 100 schools). */
#define BRANCH_WORK 12000
/* The gap limit up to which branch and price gets all of BRANCH_WORK.  It is
 * there to prove the optimum, which a looser limit does not ask for, so its
 * work shrinks with the limit: 1,200 blocks at 1% (measured,
 * docs/performance-record.md, "More seeds": 49 rounds of 20 x 15 to 100 x 60 at 1%
 * in 29 s instead of 41 s, at 0.5% about even; at 0.1% 60 x 40 seed 5
 * stops within the gap in 8 s with all of it, and not in 60 s without). */
#define BRANCH_GAP 0.001

/* The gap limit up to which the tighter bound of solver/deep.c is sought
 * when the search nears it: above it the programme's bound is close enough
 * (measured, docs/performance-record.md, "A tighter bound": 100 x 60 at 1% 1.0 s
 * instead of 0.6 s, the bound it found no use there). */
#define DEEP_GAP 0.002

/* Whether the tighter bound of solver/deep.c is prepared for a search: under
 * a gap limit of DEEP_GAP or less, for when the search nears the limit;
 * without a gap limit, under a time or node limit when branch and price did
 * not prove the round, for when the limit stops the search (the bound then
 * reported: 1000 x 1000 at 120 s, docs/performance-record.md, "At the time
 * limit").  A round branch and price proves needs neither. */
static bool deep_wanted(const ctx *x, const cj_solve_options *opt) {
    if (opt->gap_limit > 0)
        return opt->gap_limit <= DEEP_GAP;
    return (opt->time_limit > 0 || opt->node_limit > 0) && !x->bp.proven;
}

/* The blocks branch and price may price under gap limit g (0: none). */
static long branch_work(double g) {
    return g > BRANCH_GAP ? (long)(BRANCH_WORK * BRANCH_GAP / g) : BRANCH_WORK;
}

/* The master's row for model row `r`, made on first use with its bounds. */
static int joining(ctx *x, int r) {
    if (!x->map[r]) {
        int k = glp_add_rows(x->M, 1);
        glp_set_row_bnds(x->M, k, glp_get_row_type(x->lp->P, r),
                         glp_get_row_lb(x->lp->P, r), glp_get_row_ub(x->lp->P, r));
        x->map[r] = k;
    }
    return x->map[r];
}

/* Whether model row r lies on the y of school sc's candidates alone, each
 * with coefficient 1, and at most one slack of its own (a column on no other
 * row, coefficient 1, from 0, costing in the objective); sets *members to
 * the candidates and *slack to the slack's column (0: none). */
static bool on_own_y(const ctx *x, const school *sc, int r, int *ind, double *val,
                     unsigned long long *members, int *slack) {
    glp_prob *P = x->lp->P;
    int len = glp_get_mat_row(P, r, ind, val);
    *members = 0;
    *slack = 0;
    for (int k = 1; k <= len; k++) {
        int j = ind[k], i = x->pair_of[j];
        if (i < 0 && !*slack && val[k] == 1 && glp_get_col_lb(P, j) == 0 &&
            glp_get_col_type(P, j) == GLP_DB && glp_get_obj_coef(P, j) <= 0 &&
            glp_get_mat_col(P, j, NULL, NULL) == 1) {
            *slack = j;
            continue;
        }
        if (i < 0 || !x->is_y[j] || val[k] != 1 || (size_t)i < sc->first ||
            (size_t)i >= sc->first + (size_t)sc->n)
            return false;
        *members |= 1ULL << ((size_t)i - sc->first);
    }
    return true;
}

/* Appends (row, a) to a growing list; false when out of memory. */
static bool push(coef **l, int *n, int row, double a) {
    coef *v = realloc(*l, (size_t)(*n + 1) * sizeof *v);
    if (!v)
        return false;
    v[*n] = (coef){row, a};
    *l = v;
    (*n)++;
    return true;
}

void cj_price_row_range(glp_prob *P, int r, double *lo, double *hi) {
    int t = glp_get_row_type(P, r);
    *lo = (t == GLP_LO || t == GLP_DB || t == GLP_FX) ? glp_get_row_lb(P, r) : -HUGE_VAL;
    *hi = (t == GLP_UP || t == GLP_DB || t == GLP_FX) ? glp_get_row_ub(P, r) : HUGE_VAL;
}

/* Files row r of a candidate's column under its school's own rows or the
 * joining ones; false when out of memory. */
static bool file_row(ctx *x, school *sc, cand *c, bool f, int r, double a) {
    if (x->kind[r] == 0) {
        unsigned long long mem;
        int u;
        if (!f && sc->yl.n < MAX_LOCAL && on_own_y(x, sc, r, x->ind, x->val, &mem, &u)) {
            glp_prob *P = x->lp->P;
            int n = sc->yl.n++;
            sc->yl.members[n] = mem;
            cj_price_row_range(P, r, &sc->yl.lo[n], &sc->yl.hi[n]);
            sc->yl.ucol[n] = u;
            sc->yl.ucost[n] = u ? glp_get_obj_coef(P, u) : 0;
            sc->yl.uub[n] = u ? glp_get_col_ub(P, u) : 0;
            if (u)
                x->own_col[u] = true;
            x->kind[r] = 2;
        } else
            x->kind[r] = 1;
    }
    if (x->kind[r] >= 2)
        return true; /* the school's own, or its block's FTE row */
    return f ? push(&c->jf, &c->njf, joining(x, r), a)
             : push(&c->jy, &c->njy, joining(x, r), a);
}

/* Reads school s's candidates and rules from the model; sets sc->n to -1
 * when it cannot be enumerated.  False when out of memory. */
static bool read_school(ctx *x, const cj_selection *sel, size_t s) {
    cj_lp *lp = x->lp;
    glp_prob *P = lp->P;
    school *sc = &x->sc[s];
    int *ind = x->ind2;
    double *val = x->val2;
    double lo;
    sc->flo = -HUGE_VAL;
    sc->fhi = sc->budget = HUGE_VAL;
    if (lp->c4[s])
        cj_price_row_range(P, lp->c4[s], &sc->flo, &sc->fhi);
    if (lp->c5[s])
        cj_price_row_range(P, lp->c5[s], &lo, &sc->budget);
    for (size_t i = sel->first[s]; i < sel->first[s + 1]; i++) {
        cand *c = &x->c[i];
        c->ycol = lp->ycol[i];
        c->fcol = lp->fcol[i];
        c->must = glp_get_col_lb(P, c->ycol) > 0.5;
        c->none = glp_get_col_ub(P, c->ycol) < 0.5;
        c->lo = 0;
        double ub = glp_get_col_ub(P, c->fcol);
        if (!(ub <= MAX_STEPS)) {
            /* the programmes go through a pair's steps one by one (and
             * keep them as ints): a round whose FTE bounds allow millions
             * hung (found by trying extreme rounds) */
            sc->n = -1;
            return true;
        }
        c->hi = (int)floor(ub + 1e-9);
        c->cy = glp_get_obj_coef(P, c->ycol);
        c->cf = glp_get_obj_coef(P, c->fcol);
        c->w = c->cost = 0;
        for (int f = 0; f < 2; f++) {
            int len = glp_get_mat_col(P, f ? c->fcol : c->ycol, ind, val);
            for (int k = 1; k <= len; k++) {
                int r = ind[k];
                if (r == lp->c2min[i]) {
                    if (!f) /* a minimum above its steps is as good as one more */
                        c->lo = -val[k] > c->hi ? c->hi + 1 : (int)ceil(-val[k] - 1e-9);
                } else if (r == lp->c2max[i]) {
                    if (!f && -val[k] < c->hi)
                        c->hi = (int)floor(-val[k] + 1e-9);
                } else if (r == lp->c1[s] || r == lp->cap[s] || r == lp->capfte[s]) {
                    continue; /* C1 is the subset size; caps hold for every plan */
                } else if (f && lp->c4[s] && r == lp->c4[s]) {
                    c->w = val[k];
                } else if (f && lp->c5[s] && r == lp->c5[s]) {
                    c->cost = val[k];
                } else if (!file_row(x, sc, c, f, r, val[k]))
                    return false;
            }
        }
        if (c->w < 0 || c->cost < 0 || c->lo < 0) {
            sc->n = -1; /* not the model of SPEC §3 as built */
            return true;
        }
    }
    return true;
}

/* A school's size and C1 from the model; n -1 when it cannot be enumerated. */
static void size_school(ctx *x, const cj_selection *sel, size_t s) {
    school *sc = &x->sc[s];
    double lo, hi;
    sc->first = sel->first[s];
    sc->n = (int)(sel->first[s + 1] - sel->first[s]);
    cj_price_row_range(x->lp->P, x->lp->c1[s], &lo, &hi);
    sc->pmin = lo > 0 ? (int)lround(lo) : 0;
    sc->pmax = hi < sc->n ? (int)lround(hi) : sc->n;
    if (sc->n > MAX_CANDIDATES || sc->pmax > 3 || (sc->pmax == 3 && sc->n > 12))
        sc->n = -1;
}

/* Whether cluster row `r` is on the steps of exactly the given schools'
 * pairs, all with one coefficient; sets *tlo, *thi to its range in steps. */
static bool sum_row(ctx *x, int r, const size_t *schools, size_t n, int *tlo, int *thi) {
    glp_prob *P = x->lp->P;
    int len = glp_get_mat_row(P, r, x->ind, x->val);
    size_t want = 0;
    for (size_t j = 0; j < n; j++)
        want += (size_t)x->sc[schools[j]].n;
    if (len <= 0 || (size_t)len != want)
        return false;
    double w = x->val[1];
    for (int k = 1; k <= len; k++) {
        int i = x->pair_of[x->ind[k]];
        if (i < 0 || x->is_y[x->ind[k]] || x->val[k] != w || !(w > 0))
            return false;
    }
    double lo, hi;
    cj_price_row_range(P, r, &lo, &hi);
    if (!(hi / w <= MAX_STEPS))
        return false;
    *thi = (int)floor(hi / w + 1e-9);
    *tlo = lo > 0 ? (int)ceil(lo / w - 1e-9) : 0;
    return *tlo <= *thi;
}

/* Groups the schools into blocks: a cluster whose schools all have at most
 * two providers and whose FTE row fits prices its schools together, any
 * other school is a block of its own.  False when out of memory. */
static bool make_blocks(ctx *x, const cj_round *r) {
    x->bl = calloc(r->n_schools, sizeof *x->bl);
    x->bl_schools = calloc(r->n_schools, sizeof *x->bl_schools);
    if (!x->bl || !x->bl_schools)
        return false;
    size_t used = 0, largest = 1;
    bool *done = calloc(r->n_schools, sizeof *done);
    if (!done)
        return false;
    for (size_t s = 0; s < r->n_schools; s++) {
        if (done[s] || x->sc[s].n <= 0)
            continue;
        int cl = r->schools[s].cluster_idx;
        block *b = &x->bl[x->n_blocks++];
        b->schools = &x->bl_schools[used];
        bool pairs_of_two = true;
        for (size_t t = s; t < r->n_schools; t++)
            if (!done[t] && x->sc[t].n > 0 && r->schools[t].cluster_idx == cl)
                pairs_of_two = pairs_of_two && x->sc[t].pmax <= 2;
        int row = x->lp->c3[cl];
        size_t n = 0;
        if (pairs_of_two && row) {
            for (size_t t = s; t < r->n_schools; t++)
                if (!done[t] && x->sc[t].n > 0 && r->schools[t].cluster_idx == cl)
                    b->schools[n++] = t;
            b->sum = sum_row(x, row, b->schools, n, &b->tlo, &b->thi);
        }
        if (b->sum) {
            x->kind[row] = 3;
            for (size_t j = 0; j < n; j++)
                done[b->schools[j]] = true;
            b->n = n;
        } else {
            b->schools[0] = s;
            b->n = 1;
            done[s] = true;
        }
        for (size_t j = 0; j < b->n; j++)
            x->sc[b->schools[j]].block = (int)(b - x->bl);
        used += b->n;
        if (b->n > largest)
            largest = b->n;
    }
    free(done);
    x->dp = malloc(2 * (MAX_STEPS + 1) * sizeof *x->dp);
    x->arg = malloc(largest * (MAX_STEPS + 1) * sizeof *x->arg);
    if (!x->dp || !x->arg)
        return false;
    x->dp2 = x->dp + MAX_STEPS + 1;
    for (size_t k = 0; k < x->n_blocks; k++) {
        block *b = &x->bl[k];
        for (size_t j = 0; b->sum && j < b->n; j++) {
            school *sc = &x->sc[b->schools[j]];
            sc->g = malloc(((size_t)b->thi + 1) * sizeof *sc->g);
            sc->gp = malloc(((size_t)b->thi + 1) * sizeof *sc->gp);
            if (!sc->g || !sc->gp)
                return false;
        }
    }
    return true;
}

int cj_price_usage(ctx *x, const block *b, double *obj) {
    int n = 0;
    *obj = 0;
    x->touched[++n] = b->conv;
    x->acc[b->conv] = 1;
    for (size_t j = 0; j < b->n; j++) {
        const school *sc = &x->sc[b->schools[j]];
        const plan *p = cj_block_chosen(b, sc);
        *obj += p->pay;
        for (int m = 0; m < p->m; m++) {
            const cand *c = &x->c[sc->first + (size_t)p->i[m]];
            double k = p->k[m];
            *obj += c->cy + c->cf * k;
            for (int pass = 0; pass < 2; pass++) {
                const coef *l = pass ? c->jf : c->jy;
                double times = pass ? k : 1;
                for (int j2 = 0; j2 < (pass ? c->njf : c->njy); j2++) {
                    if (x->acc[l[j2].row] == 0)
                        x->touched[++n] = l[j2].row;
                    x->acc[l[j2].row] += l[j2].a * times;
                    if (x->acc[l[j2].row] == 0)
                        x->acc[l[j2].row] = 1e-300; /* keep it listed once */
                }
            }
        }
    }
    return n;
}

int cj_price_add_column(ctx *x, int n, double obj) {
    int col = glp_add_cols(x->M, 1);
    /* no upper bound of 1 (the convexity row gives it): a column resting on
     * its own bound may keep a positive reduced cost at the master's
     * prices, and the pricing would offer its plan again */
    glp_set_col_bnds(x->M, col, GLP_LO, 0, 0);
    glp_set_obj_coef(x->M, col, obj);
    for (int k = 1; k <= n; k++) {
        x->val[k] = x->acc[x->touched[k]];
        if (fabs(x->val[k]) < 1e-200)
            x->val[k] = 0;
        x->acc[x->touched[k]] = 0;
    }
    glp_set_mat_col(x->M, col, n, x->touched, x->val);
    return col;
}

bool cj_price_add_plan(ctx *x, const block *b) {
    double obj;
    int n = cj_price_usage(x, b, &obj);
    return cj_branch_record(x, b, cj_price_add_column(x, n, obj));
}

/* Reads the master's duals as prices, each given the sign its row's bound
 * allows (a price on a side with no bound would make the bound invalid). */
void cj_price_read_prices(ctx *x) {
    for (int k = 1; k <= x->n_mrows; k++) {
        double pi = glp_get_row_dual(x->M, k);
        int t = glp_get_row_type(x->M, k);
        bool lo = t == GLP_LO || t == GLP_DB || t == GLP_FX;
        bool hi = t == GLP_UP || t == GLP_DB || t == GLP_FX;
        if ((pi > 0 && !hi) || (pi < 0 && !lo))
            pi = 0;
        x->pi[k] = pi;
    }
}

void cj_price_own_slacks(const ctx *x, double *v) {
    const cj_lp *lp = x->lp;
    for (size_t s = 0; s < x->n_schools; s++) {
        const school *sc = &x->sc[s];
        for (int l = 0; l < sc->yl.n; l++) {
            if (!sc->yl.ucol[l])
                continue;
            double have = 0;
            for (int i = 0; i < sc->n; i++)
                if (sc->yl.members[l] & (1ULL << i))
                    have += v[lp->ycol[sc->first + (size_t)i]];
            v[sc->yl.ucol[l]] = have < sc->yl.lo[l] ? sc->yl.lo[l] - have : 0;
        }
    }
}

void cj_price_candidates(ctx *x, const double *pi) {
    for (size_t i = 0; i < x->n_pairs; i++) {
        cand *c = &x->c[i];
        c->vy = c->cy;
        c->vf = c->cf;
        for (int j = 0; j < c->njy; j++)
            c->vy -= pi[c->jy[j].row] * c->jy[j].a;
        for (int j = 0; j < c->njf; j++)
            c->vf -= pi[c->jf[j].row] * c->jf[j].a;
    }
}

double cj_price_rest(const ctx *x, double L) {
    for (int k = 1; k <= x->n_mrows; k++) {
        if (x->pi[k] == 0 || x->is_conv[k])
            continue;
        L +=
            x->pi[k] * (x->pi[k] > 0 ? glp_get_row_ub(x->M, k) : glp_get_row_lb(x->M, k));
    }
    /* the model's other columns, each at its best bound for these prices */
    for (int j = x->other_first; j < x->other_end; j++) {
        int len = glp_get_mat_col(x->M, j, x->ind2, x->val2);
        double rc = glp_get_obj_coef(x->M, j);
        for (int k = 1; k <= len; k++)
            rc -= x->pi[x->ind2[k]] * x->val2[k];
        int t = glp_get_col_type(x->M, j);
        if (rc > 0)
            L += t == GLP_DB || t == GLP_UP || t == GLP_FX ? rc * glp_get_col_ub(x->M, j)
                                                           : HUGE_VAL;
        else if (rc < 0)
            L += t == GLP_DB || t == GLP_LO || t == GLP_FX ? rc * glp_get_col_lb(x->M, j)
                                                           : HUGE_VAL;
    }
    return L;
}

/* Prices every candidate at x->pi and every block; returns how many blocks
 * have a plan better than the master pays for (adding them as columns when
 * `add`), and sets *bound to the Lagrangian bound at these prices: no plan
 * of the round is better. */
int cj_price_all(ctx *x, bool add, double *bound) {
    cj_price_candidates(x, x->pi);
    int better = 0;
    double L = 0;
    for (size_t k = 0; k < x->n_blocks; k++) {
        block *b = &x->bl[k];
        cj_block_price(x, b);
        L += b->best; /* -INFINITY: a block with no plan, no plan at all */
        if (b->best == -INFINITY)
            continue;
        if (b->best - x->pi[b->conv] > 1e-7 * (1 + fabs(b->best))) {
            better++;
            if (add && !cj_price_add_plan(x, b))
                return -1;
        }
    }
    *bound = cj_price_rest(x, L);
    return better;
}

void cj_price_free(cj_price *x) {
    if (!x)
        return;
    cj_branch_free(&x->bp);
    cj_price_deep_free(x, true);
    if (x->M)
        glp_delete_prob(x->M);
    for (size_t i = 0; x->c && i < x->n_pairs; i++) {
        free(x->c[i].jy);
        free(x->c[i].jf);
    }
    for (size_t s = 0; x->sc && s < x->n_schools; s++) {
        free(x->sc[s].g);
        free(x->sc[s].gp);
        free(x->sc[s].near);
    }
    void *all[] = {x->c,       x->sc,   x->bl,      x->bl_schools, x->pair_of, x->is_y,
                   x->own_col, x->kind, x->map,     x->ind,        x->ind2,    x->val,
                   x->val2,    x->acc,  x->touched, x->pi,         x->best_pi, x->is_conv,
                   x->pi_out,  x->orig, x->cur,     x->dp,         x->arg,     x->rows,
                   x->lp_k,    x->lp_w};
    for (size_t k = 0; k < sizeof all / sizeof *all; k++)
        free(all[k]);
    free(x);
}

/* Objective penalty of the master's artificial columns, far above any plan. */
static double big_of(const ctx *x) {
    double z = 1;
    for (size_t i = 0; i < x->n_pairs; i++)
        z += fabs(x->c[i].cy) + fabs(x->c[i].cf) * (x->c[i].hi > 0 ? x->c[i].hi : 0);
    return 1e3 * z;
}

/* Builds the master: blocks' convexity rows, their first plans (at zero
 * prices), the joining rows, the model's other columns on them, and
 * artificial columns so that it always has a solution.  False when out of
 * memory; sets *usable false when some school cannot be enumerated. */
static bool master(ctx *x, const cj_round *r, const cj_selection *sel, bool *usable) {
    cj_lp *lp = x->lp;
    glp_prob *P = lp->P;
    int nc = glp_get_num_cols(P);
    *usable = true;
    for (int j = 1; j <= nc; j++)
        x->pair_of[j] = -1;
    for (size_t i = 0; i < sel->n_pairs; i++) {
        x->pair_of[lp->ycol[i]] = x->pair_of[lp->fcol[i]] = (int)i;
        x->is_y[lp->ycol[i]] = true;
    }
    for (size_t s = 0; s < r->n_schools; s++) {
        if (sel->first[s] == sel->first[s + 1])
            continue;
        size_school(x, sel, s);
        if (x->sc[s].n < 0) {
            *usable = false;
            return true;
        }
    }
    if (!make_blocks(x, r))
        return false;
    for (size_t s = 0; s < r->n_schools; s++) {
        if (x->sc[s].n <= 0)
            continue;
        if (!read_school(x, sel, s))
            return false;
        if (x->sc[s].n < 0) {
            *usable = false;
            return true;
        }
    }
    for (size_t k = 0; k < x->n_blocks; k++) {
        x->bl[k].conv = glp_add_rows(x->M, 1);
        glp_set_row_bnds(x->M, x->bl[k].conv, GLP_FX, 1, 1);
    }
    /* the model's other columns (soft-coverage slacks) on the joining rows */
    x->other_first = glp_get_num_cols(x->M) + 1;
    for (int j = 1; j <= nc; j++) {
        if (x->pair_of[j] >= 0 || x->own_col[j])
            continue;
        int len = glp_get_mat_col(P, j, x->ind2, x->val2), n = 0;
        for (int k = 1; k <= len; k++) {
            x->touched[++n] = joining(x, x->ind2[k]);
            x->val[n] = x->val2[k];
        }
        int col = glp_add_cols(x->M, 1);
        glp_set_col_bnds(x->M, col, glp_get_col_type(P, j), glp_get_col_lb(P, j),
                         glp_get_col_ub(P, j));
        glp_set_obj_coef(x->M, col, glp_get_obj_coef(P, j));
        glp_set_mat_col(x->M, col, n, x->touched, x->val);
    }
    x->other_end = x->art_first = glp_get_num_cols(x->M) + 1;
    double big = big_of(x);
    int one[2] = {0, 0};
    double v[2] = {0, 1};
    int mr = glp_get_num_rows(x->M);
    for (int k = 1; k <= mr; k++) {
        int t = glp_get_row_type(x->M, k);
        double lo = (t == GLP_LO || t == GLP_DB || t == GLP_FX) ? glp_get_row_lb(x->M, k)
                                                                : -HUGE_VAL;
        double hi = (t == GLP_UP || t == GLP_DB || t == GLP_FX) ? glp_get_row_ub(x->M, k)
                                                                : HUGE_VAL;
        for (int sign = -1; sign <= 1; sign += 2) {
            if ((sign > 0 && lo > 0) || (sign < 0 && hi < 0)) {
                int col = glp_add_cols(x->M, 1);
                glp_set_col_bnds(x->M, col, GLP_LO, 0, 0);
                glp_set_obj_coef(x->M, col, -big);
                one[1] = k;
                v[1] = sign;
                glp_set_mat_col(x->M, col, 1, one, v);
            }
        }
    }
    x->art_end = glp_get_num_cols(x->M) + 1;
    x->n_mrows = mr;
    x->pi = calloc((size_t)mr + 1, sizeof *x->pi);
    x->best_pi = calloc((size_t)mr + 1, sizeof *x->best_pi);
    x->is_conv = calloc((size_t)mr + 1, sizeof *x->is_conv);
    x->pi_out = calloc((size_t)mr + 1, sizeof *x->pi_out);
    if (!x->pi || !x->best_pi || !x->is_conv || !x->pi_out)
        return false;
    for (size_t k = 0; k < x->n_blocks; k++)
        x->is_conv[x->bl[k].conv] = true;
    /* every block's best plan at zero prices */
    double L;
    return cj_price_all(x, true, &L) >= 0;
}

/* Appends coefficient v of column j, rounded to a multiple of 1e-9 (noise
 * from the duals makes GLPK's simplex unstable); the rounding, at most
 * `most` times for a column that is at most `most`, goes into *slack so the
 * row stays valid.  Returns the new count. */
static int snap(ctx *x, int n, int j, double v, double most, double *slack) {
    double r = round(v * 1e9) / 1e9;
    *slack += fabs(r - v) * most;
    if (r == 0)
        return n;
    x->ind[++n] = j;
    x->val[n] = r;
    return n;
}

/* Adds per block the row Σ (c − π a) x ≤ best(π) at the prices of the
 * candidates (vy, vf) and blocks (best). */
static void add_rows(ctx *x) {
    char name[64];
    for (size_t k = 0; k < x->n_blocks; k++) {
        const block *b = &x->bl[k];
        if (b->best == -INFINITY)
            continue;
        int n = 0;
        double slack = 1e-7 * (1 + fabs(b->best));
        for (size_t j = 0; j < b->n; j++) {
            const school *sc = &x->sc[b->schools[j]];
            for (int i = 0; i < sc->n; i++) {
                const cand *c = &x->c[sc->first + (size_t)i];
                n = snap(x, n, c->ycol, c->vy, 1, &slack);
                n = snap(x, n, c->fcol, c->vf, c->hi > 0 ? c->hi : 0, &slack);
            }
            for (int l = 0; l < sc->yl.n; l++)
                if (sc->yl.ucol[l])
                    n = snap(x, n, sc->yl.ucol[l], sc->yl.ucost[l], sc->yl.uub[l],
                             &slack);
        }
        if (n == 0)
            continue;
        snprintf(name, sizeof name, "price_b%zu", k + 1);
        int row = cj_lp_row(x->lp->P, name, -HUGE_VAL, b->best + slack);
        glp_set_mat_row(x->lp->P, row, n, x->ind, x->val);
        x->rows[k] = row;
    }
}

/* Whether the master's solution still uses an artificial column: its
 * prices are then of the order of their penalty, no use for a bound and bad
 * for the numbers. */
bool cj_price_artificial(const ctx *x) {
    for (int j = x->art_first; j < x->art_end; j++)
        if (glp_get_col_prim(x->M, j) > 1e-9)
            return true;
    return false;
}

bool cj_lp_price_caps(cj_lp *lp, const cj_round *r, const cj_selection *sel,
                      const cj_solve_options *opt, double seconds) {
    if (lp->q <= 0 || lp->elastic || lp->n_sk > 0 || sel->n_pairs == 0)
        return true; /* see cuts.c: only stepped FTE; staff rows are not priced */
    glp_prob *P = lp->P;
    size_t nr = (size_t)glp_get_num_rows(P), nc = (size_t)glp_get_num_cols(P);
    size_t big = (nr > nc ? nr : nc) + 2;
    /* owned by the model from here on, so that a GLPK error frees it too */
    ctx *x = lp->price = calloc(1, sizeof *x);
    if (!x)
        return false;
    x->lp = lp;
    x->bp.tree_bound = HUGE_VAL;
    x->deep = HUGE_VAL;
    x->n_pairs = sel->n_pairs;
    x->n_schools = r->n_schools;
    x->n_model_rows = nr;
    x->n_model_cols = nc;
    x->c = calloc(sel->n_pairs, sizeof *x->c);
    x->sc = calloc(r->n_schools, sizeof *x->sc);
    x->pair_of = calloc(nc + 1, sizeof *x->pair_of);
    x->is_y = calloc(nc + 1, sizeof *x->is_y);
    x->own_col = calloc(nc + 1, sizeof *x->own_col);
    x->kind = calloc(nr + 1, 1);
    x->map = calloc(nr + 1, sizeof *x->map);
    x->ind = calloc(big, sizeof *x->ind);
    x->ind2 = calloc(big, sizeof *x->ind2);
    x->val = calloc(big, sizeof *x->val);
    x->val2 = calloc(big, sizeof *x->val2);
    x->acc = calloc(nr + r->n_schools + 2, sizeof *x->acc);
    x->touched = calloc(nr + r->n_schools + 2, sizeof *x->touched);
    if (!x->c || !x->sc || !x->pair_of || !x->is_y || !x->own_col || !x->kind ||
        !x->map || !x->ind || !x->ind2 || !x->val || !x->val2 || !x->acc || !x->touched)
        return false;
    x->M = glp_create_prob();
    glp_set_obj_dir(x->M, GLP_MAX);
    bool usable;
    if (!master(x, r, sel, &usable))
        return false;
    if (usable) {
        glp_smcp sm;
        glp_init_smcp(&sm);
        sm.msg_lev = GLP_MSG_OFF;
        double t0 = glp_time(), lower = -HUGE_VAL, last = -HUGE_VAL, L;
        x->bound = HUGE_VAL;
        int iters = 0, better = 1, idle = 0;
        double last_gap = HUGE_VAL;
        while (better > 0 && iters < 2000) {
            iters++;
            if (glp_simplex(x->M, &sm) != 0 || glp_get_status(x->M) != GLP_OPT)
                break;
            lower = glp_get_obj_val(x->M); /* the master: a plan of the DW bound */
            cj_price_read_prices(x);
            bool late = seconds > 0 && glp_difftime(glp_time(), t0) > seconds;
            /* while the master needs artificial columns its prices only
             * seek plans: a bound there, or smoothing towards it, would
             * start from prices of the order of the penalty (the bundled
             * round: 38 rounds instead of 82) */
            bool art = cj_price_artificial(x);
            /* prices smoothed towards the best found so far (Wentges): far
             * fewer rounds than the master's own prices, which jump; when
             * they find nothing, the master's own prices decide.  When the
             * master stood still the smoothed prices are only closing in on
             * its own, which say at once whether it is the best (the bundled
             * round: 5 rounds instead of 38) */
            bool stalled = lower <= last + 1e-9 * (1 + fabs(lower));
            last = lower;
            int first = x->priced && !stalled ? 0 : 1;
            for (int pass = first; pass < 2; pass++) {
                if (pass == 0) {
                    memcpy(x->pi_out, x->pi, ((size_t)x->n_mrows + 1) * sizeof *x->pi);
                    for (int k = 1; k <= x->n_mrows; k++)
                        x->pi[k] = SMOOTH * x->best_pi[k] + (1 - SMOOTH) * x->pi[k];
                } else if (first == 0)
                    memcpy(x->pi, x->pi_out, ((size_t)x->n_mrows + 1) * sizeof *x->pi);
                better = cj_price_all(x, !late, &L);
                if (better < 0)
                    return false;
                if (!art && L < x->bound) {
                    x->bound = L;
                    x->priced = true;
                    memcpy(x->best_pi, x->pi, ((size_t)x->n_mrows + 1) * sizeof *x->pi);
                }
                if (better > 0)
                    break;
            }
            /* within 1e-6 of the master the rest is tailing off; so it is
             * when the gap did not close for a while (a degenerate master:
             * 1000 x 1000 took plans for 1,400 rounds without either
             * moving) */
            double gap = x->bound - lower;
            idle = gap < last_gap - 1e-9 * (1 + fabs(x->bound)) ? 0 : idle + 1;
            if (idle == 0)
                last_gap = gap;
            if (late || idle >= IDLE_ROUNDS ||
                (x->priced && gap <= 1e-6 * (1 + fabs(x->bound))))
                break;
        }
        x->seconds = glp_difftime(glp_time(), t0);
        if (opt->verbose)
            fprintf(stderr,
                    "priced rows: %zu blocks, %d rounds, %d plans, master %.6f, "
                    "bound %.6f, %.3f s\n",
                    x->n_blocks, iters, glp_get_num_cols(x->M), lower, x->bound,
                    glp_difftime(glp_time(), t0));
        bool art = cj_price_artificial(x);
        if (x->priced && isfinite(x->bound) && !art && !lp->sweep && !opt->no_branch) {
            /* a short branch and price first (solver/branch.c) */
            double budget = seconds > 0 ? seconds - x->seconds : 0;
            if (seconds <= 0 || budget > 0) {
                if (cj_branch_search(x, budget, branch_work(opt->gap_limit)) < 0)
                    return false;
                x->seconds += x->bp.seconds;
                if (opt->verbose)
                    fprintf(stderr,
                            "branch and price: %ld nodes, %s, %.3f s, %ld blocks priced, "
                            "bound %.6f\n",
                            x->bp.nodes, x->bp.proven ? "proven" : "not finished",
                            x->bp.seconds, x->bp.work, cj_price_tree_bound(x));
            }
        }
        x->rows = calloc(x->n_blocks + 1, sizeof *x->rows);
        if (!x->rows)
            return false;
        if (x->priced && isfinite(x->bound) && !art) {
            /* the rows, and everything later, at the best prices found */
            memcpy(x->pi, x->best_pi, ((size_t)x->n_mrows + 1) * sizeof *x->pi);
            cj_price_all(x, false, &L);
            add_rows(x);
        } else
            x->priced = false;
        /* (not for sweeps: a scenario's time is mostly its pricing) */
        if (x->priced && !lp->sweep && !cj_branch_keep_sure(x, &sm))
            return false;
        if (x->priced && !lp->sweep && deep_wanted(x, opt)) {
            /* the tighter bound's blocks, from the model as built; the
             * master stays for it (solver/deep.c) */
            double t1 = glp_time();
            bool ok = cj_price_deep_prepare(x);
            double took = glp_difftime(glp_time(), t1);
            x->seconds += took;
            if (opt->verbose)
                fprintf(stderr, "tighter bound prepared: %.3f s\n", took);
            return ok;
        }
    }
    glp_delete_prob(x->M);
    x->M = NULL;
    return true;
}

double cj_price_seconds(const cj_price *x) {
    return x ? x->seconds : 0;
}

bool cj_price_proven(const cj_price *x, const double **plan, double *value) {
    if (!x || !x->priced || !x->bp.proven || !x->bp.plan)
        return false;
    *plan = x->bp.plan;
    *value = x->bp.value;
    return true;
}

double cj_price_bound(const cj_price *x) {
    return x && x->priced ? x->bound : HUGE_VAL;
}

double cj_price_tree_bound(const cj_price *x) {
    double b = cj_price_bound(x);
    if (x && x->priced && x->bp.tree_bound < b)
        b = x->bp.tree_bound;
    return x && x->priced && x->deep < b ? x->deep : b;
}

void cj_lp_unprice(cj_lp *lp) {
    cj_price *x = lp->price;
    if (!x)
        return;
    cj_price_restore(x);
    /* the last rows first: deleting rows renumbers those after them, and the
     * rows of later blocks were added later */
    int del[1 + 64], n = 0; /* GLPK counts from 1 */
    for (size_t k = x->rows ? x->n_blocks : 0; k-- > 0;) {
        if (!x->rows[k])
            continue;
        del[++n] = x->rows[k];
        if (n == 64) {
            glp_del_rows(lp->P, n, del);
            n = 0;
        }
    }
    if (n)
        glp_del_rows(lp->P, n, del);
    cj_price_free(x);
    lp->price = NULL;
}

void cj_price_forget_glpk(cj_price *x) {
    if (x) {
        x->M = NULL;
        cj_price_deep_free(x, false);
    }
}
