/*
 * Valid rows that make the relaxation tighter without changing the plans:
 * per school, the most its own rules allow the objective to gain there.
 *
 * With FTE in steps, each school is a small integer knapsack under its
 * amount, and the relaxation fills the amount with fractions of a step at
 * every school; branch and bound then spends its time taking those
 * fractions back.  A school's best on its own (one to `max` providers, each
 * between the minimum FTE and its bound, whole steps, within the amount and
 * the school's FTE maximum) is found here by enumeration and stated as a
 * row: the school's part of the objective is at most that; and likewise its
 * FTE, in steps, is at most the most steps its amount buys.  Rules the
 * enumeration leaves out (cluster rows, capacities shared with other
 * schools, coverage, choices) only lower the true best, so the row never
 * cuts off a plan.
 */
#include "solver_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Enumeration stops past this many candidate providers at a school. */
#define MAX_CANDIDATES 40
/* ... and past this much work: candidates times steps, to the power of the
 * providers a school may have but one (the last is found at once).  A
 * round's FTE bounds may allow millions of steps a pair; the caps only
 * tighten the relaxation, so such a school goes without. */
#define MAX_WORK 1e7

typedef struct {
    double obj;  /* objective per step */
    double cost; /* cost per step */
    int lo, hi;  /* steps when present */
} cand;

/* The most steps c can take with `budget` and `room` steps still free, in
 * [c->lo, c->hi]; -1 when none fits.  The last provider of a choice takes
 * this many, since its objective per step is not negative: found at once,
 * rather than step by step from c->hi down, which made a round whose FTE
 * bounds allow millions of steps hang (found by trying extreme rounds). */
static double most_steps(const cand *c, double budget, int room) {
    double k = c->hi < room ? c->hi : room;
    if (c->cost > 0) {
        double b = floor((budget + 1e-6) / c->cost);
        b = b > k ? k : b < -1 ? -1 : b; /* whole numbers a step apart from here */
        /* the same test as a step at a time, whatever floor's rounding */
        while (b >= 0 && b * c->cost > budget + 1e-6)
            b--;
        while (b + 1 <= k && (b + 1) * c->cost <= budget + 1e-6)
            b++;
        k = b;
    } else if (budget < -1e-6) {
        return -1;
    }
    return k >= c->lo ? k : -1;
}

/* The best of choosing `left` more providers from c[from..n) but `skip`, with
 * `budget` and `room` steps of FTE still free; -INFINITY when none fits. */
static double best(const cand *c, int n, int from, int skip, int left, int at_least,
                   double budget, int room) {
    double z = at_least <= 0 ? 0 : -INFINITY;
    if (left == 0)
        return z;
    for (int i = from; i < n; i++) {
        if (i == skip)
            continue;
        if (left == 1) {
            double k = most_steps(&c[i], budget, room);
            double rest = at_least - 1 <= 0 ? 0 : -INFINITY;
            if (k >= 0 && rest > -INFINITY && k * c[i].obj + rest > z)
                z = k * c[i].obj + rest;
            continue;
        }
        for (int k = c[i].hi; k >= c[i].lo; k--) {
            if (k > room || k * c[i].cost > budget + 1e-6)
                continue;
            double rest = best(c, n, i + 1, skip, left - 1, at_least - 1,
                               budget - k * c[i].cost, room - k);
            if (rest > -INFINITY && k * c[i].obj + rest > z)
                z = k * c[i].obj + rest;
        }
    }
    return z;
}

/* A school's candidates and rules; false when it cannot be enumerated. */
typedef struct {
    cand c[MAX_CANDIDATES];
    int n, pmin, pmax, room;
    double budget;
} school;

static bool fill(const cj_lp *lp, const cj_round *r, const cj_selection *sel, size_t s,
                 school *x) {
    const cj_policy *pol = &r->policy;
    const cj_school *sc = &r->schools[s];
    size_t a = sel->first[s], b = sel->first[s + 1];
    x->n = (int)(b - a);
    x->pmin = sc->providers.set ? sc->providers.min : pol->pps_min;
    x->pmax = sc->providers.set ? sc->providers.max : pol->pps_max;
    if (b - a > MAX_CANDIDATES || (x->pmax > 2 && b - a > 12) || x->pmax > 3)
        return false; /* too many choices to enumerate quickly */
    double m = ceil(pol->min_fte / lp->q - 1e-9), most = 0;
    for (size_t i = a; i < b; i++) {
        double ub = glp_get_col_ub(lp->P, lp->fcol[i]);
        if (ub > most)
            most = ub;
    }
    if (!(pow((double)x->n * (most + 1), x->pmax - 1) * x->n <= MAX_WORK) ||
        !(most <= MAX_WORK) || !(m <= MAX_WORK))
        return false; /* (each also keeps the steps within an int) */
    for (size_t i = a; i < b; i++) {
        cand *c = &x->c[i - a];
        c->obj = glp_get_obj_coef(lp->P, lp->fcol[i]);
        c->cost = r->providers[sel->pairs[i].provider].cost_per_fte * lp->q;
        c->hi = (int)glp_get_col_ub(lp->P, lp->fcol[i]);
        c->lo = (int)m; /* with no minimum a provider may be there with no FTE */
        if (c->obj < 0)
            return false;
    }
    const cj_cluster *cl = &r->clusters[sc->cluster_idx];
    double fmax = sc->fte.set ? sc->fte.max : cl->fte.max;
    x->budget = sc->has_amount ? sc->annual_amount : INFINITY;
    if (cl->has_amount && cl->annual_amount < x->budget)
        x->budget = cl->annual_amount;
    /* more room than every candidate's steps together is no limit */
    double room = floor(fmax / lp->q + 1e-9);
    x->room = room < 4 * MAX_WORK ? (int)room : (int)(4 * MAX_WORK);
    return true;
}

/* A bound for a school whose best is not known (too many choices, or no
 * plan at all): far above anything, finite for exported models. */
#define NO_CAP 1e15

/* School s's caps on its objective and on its steps of FTE, or NO_CAP. */
static void caps_of(const cj_lp *lp, const cj_round *r, const cj_selection *sel, size_t s,
                    school *x, double *z, double *steps) {
    *z = *steps = NO_CAP;
    if (sel->first[s] == sel->first[s + 1] || !fill(lp, r, sel, s, x))
        return;
    double v = best(x->c, x->n, 0, -1, x->pmax, x->pmin, x->budget, x->room);
    if (!(v > -INFINITY))
        return; /* no plan for this school: the diagnosis says why */
    *z = v + 1e-9 * (1 + fabs(v));
    for (int i = 0; i < x->n; i++)
        x->c[i].obj = 1;
    *steps = best(x->c, x->n, 0, -1, x->pmax, x->pmin, x->budget, x->room) + 1e-9;
}

bool cj_lp_school_caps(cj_lp *lp, const cj_round *r, const cj_selection *sel,
                       cj_triplets *t) {
    if (lp->q <= 0 || lp->elastic)
        return true; /* continuous FTE has no fractions of steps to take back */
    school *x = malloc(sizeof *x);
    if (!x)
        return false;
    char name[64];
    bool ok = true;
    for (size_t s = 0; ok && s < r->n_schools; s++) {
        size_t a = sel->first[s], b = sel->first[s + 1];
        double z, steps;
        caps_of(lp, r, sel, s, x, &z, &steps);
        if (a == b || (z >= NO_CAP && !lp->sweep))
            continue; /* a sweep keeps the rows: the next scenario may cap */
        cj_lp_name(lp, name, sizeof name, "cap_s%zu", s + 1);
        int row = cj_lp_row(lp->P, name, -HUGE_VAL, z);
        cj_lp_name(lp, name, sizeof name, "capfte_s%zu", s + 1);
        int fte = cj_lp_row(lp->P, name, -HUGE_VAL, steps);
        lp->cap[s] = row;
        lp->capfte[s] = fte;
        for (size_t i = a; ok && i < b; i++)
            ok = cj_trip_add(t, row, lp->fcol[i], glp_get_obj_coef(lp->P, lp->fcol[i])) &&
                 cj_trip_add(t, fte, lp->fcol[i], 1);
    }
    free(x);
    return ok;
}

void cj_lp_update_caps(cj_lp *lp, const cj_round *r, const cj_selection *sel) {
    school *x = malloc(sizeof *x);
    int *ind = malloc((MAX_CANDIDATES + 1) * sizeof *ind);
    double *val = malloc((MAX_CANDIDATES + 1) * sizeof *val);
    for (size_t s = 0; x && ind && val && s < r->n_schools; s++) {
        size_t a = sel->first[s], b = sel->first[s + 1];
        if (!lp->cap[s])
            continue;
        double z, steps;
        caps_of(lp, r, sel, s, x, &z, &steps);
        glp_set_row_bnds(lp->P, lp->cap[s], GLP_UP, 0, z);
        glp_set_row_bnds(lp->P, lp->capfte[s], GLP_UP, 0, steps);
        if (b - a > MAX_CANDIDATES) {
            glp_set_row_bnds(lp->P, lp->cap[s], GLP_UP, 0, NO_CAP);
            continue; /* (its coefficients stay: the bound says nothing) */
        }
        for (size_t i = a; i < b; i++) {
            ind[i - a + 1] = lp->fcol[i];
            val[i - a + 1] = glp_get_obj_coef(lp->P, lp->fcol[i]);
        }
        glp_set_mat_row(lp->P, lp->cap[s], (int)(b - a), ind, val);
    }
    free(x);
    free(ind);
    free(val);
}
