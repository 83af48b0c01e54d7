/*
 * The objective's lattice: the step g such that every plan worth more than
 * another is worth at least g more.  GLPK, told that only plans worth at
 * least the best one's value plus g matter (less a margin for rounding:
 * told_value() in solver/neighbourhoods.c), prunes nodes it would otherwise search
 * to prove that nothing between the two exists.
 */
#include "solver_internal.h"

#include <math.h>
#include <stdlib.h>

/* The largest denominator tried per coefficient, and for all of them. */
#define MAX_DENOMINATOR 100000LL
#define MAX_COMMON 1000000000LL

static long long gcd(long long a, long long b) {
    while (b) {
        long long t = a % b;
        a = b;
        b = t;
    }
    return a < 0 ? -a : a;
}

/* The least denominator q <= MAX_DENOMINATOR with |x| within 1e-9 (relative)
 * of p / q, by continued fractions (so p / q in lowest terms, p in *p); 0
 * when there is none. */
static long long denominator(double x, long long *p) {
    double tol = 1e-9 * (1 + fabs(x));
    double r = fabs(x);
    long long p0 = 0, q0 = 1, p1 = 1, q1 = 0; /* convergents p/q */
    for (int i = 0; i < 40; i++) {
        double a = floor(r);
        if (a > 1e12)
            return 0;
        long long p2 = (long long)a * p1 + p0, q2 = (long long)a * q1 + q0;
        if (q2 > MAX_DENOMINATOR)
            return 0;
        if (fabs(fabs(x) - (double)p2 / (double)q2) <= tol) {
            *p = p2;
            return q2;
        }
        p0 = p1, q0 = q1, p1 = p2, q1 = q2;
        double f = r - a;
        if (f < 1e-15)
            return 0;
        r = 1 / f;
    }
    return 0;
}

/* Whether every continuous column with a cost is a coverage slack, whose
 * value in a best plan can only be whole given the y (in [0, 1], Σ y + u ≥ 1
 * with y binary, and penalised, so never higher than the y leave it).
 * Counted rather than looked up, so that the check stays linear. */
static bool costs_settle_whole(const cj_lp *lp) {
    glp_prob *P = lp->P;
    size_t slacks = 0, costed = 0;
    for (size_t k = 0; k < lp->n_u; k++) {
        double c = glp_get_obj_coef(P, lp->ucol[k]);
        if (c > 0)
            return false;
        slacks += c != 0 && glp_get_col_kind(P, lp->ucol[k]) == GLP_CV;
    }
    for (int j = 1; j <= glp_get_num_cols(P); j++)
        costed += glp_get_obj_coef(P, j) != 0 && glp_get_col_kind(P, j) == GLP_CV;
    return costed == slacks;
}

double cj_lp_granule(const cj_lp *lp) {
    glp_prob *P = lp->P;
    if (!costs_settle_whole(lp))
        return 0;
    /* the largest step of fractions p/q in lowest terms is gcd(p) / lcm(q) */
    long long num = 0, den = 1;
    for (int j = 1; j <= glp_get_num_cols(P); j++) {
        double c = glp_get_obj_coef(P, j);
        if (c == 0)
            continue;
        long long p, q = denominator(c, &p);
        if (!q)
            return 0;
        num = gcd(num, p);
        den = den / gcd(den, q) * q;
        if (den > MAX_COMMON)
            return 0;
    }
    return num ? (double)num / (double)den : 0;
}
