/*
 * Owns branching in haste: GLPK's pseudo-cost branching under a time limit
 * it cannot keep.  The first time GLPK branches on a column it starts that
 * column's pseudo-costs by solving the node's LP twice more, each on a
 * fresh copy of the whole problem, and it does so for every fractional
 * column at once, without looking at the clock: on 1000 x 1000 that is
 * 6.6 s at the first neighbourhood's root, so that `-t 5` ended after
 * 11 s.  When what GLPK would spend on the pseudo-costs it has not started
 * is more than HASTE_SHARE of the time the search has left, cjos branches
 * itself, as the rescue does (the first fractional column, towards its
 * nearer whole value), and GLPK dives to a plan within its limit.  A search
 * with time enough is never touched (100 x 60 at 120 s and 24 rounds of
 * 50 to 80 schools at 60 s: the same nodes), so a run that a node limit or
 * the proof ends still gives the same plan on every run.  Reliability
 * branching (solver/strong.c), which makes the pseudo-costs reliable by
 * its own tries, comes after haste for the same reason: without it, its
 * tries kept 1000 x 1000 at `-t 5` from any plan of its own (7.3 s, the
 * rescue's plan 6830.26; with haste first, 5.25 s and 6851.28), and so
 * are its tries at the cuts, which come before the branching: they ask
 * cj_haste_hurries() first.
 */
#include "solver_internal.h"

#include <math.h>
#include <string.h>

/* The share of the time left that GLPK's start of its pseudo-costs may
 * take (measured on 1000 x 1000, two seeds, and 600 x 400 at -t 10 to 30,
 * docs/performance-record.md: a share of 1 gave the worse plan on 4 of 6 runs
 * and the better on 1; a quarter, while GLPK has no plan, the better on 3
 * of 8 and the worse on 4: noise, so one share). */
#define HASTE_SHARE 0.5

/* Starts measured to tell how long one takes (start_time). */
#define PROBES 5

/* The simplex iterations GLPK gives each start of a pseudo-cost. */
#define HASTE_ITERATIONS 30

void cj_haste_start(cj_haste *h, unsigned char *seen, int n) {
    *h = (cj_haste){.eval = -1, .seen = seen, .n = n};
    if (seen)
        memset(seen, 0, (size_t)n + 1);
}

/* The seconds one start of a pseudo-cost takes on P, measured as GLPK
 * makes it: a copy of P, column j fixed at the whole value below, a few
 * dual simplex iterations. */
static double one_start(glp_prob *P, int j) {
    double t0 = glp_time();
    glp_prob *Q = glp_create_prob();
    glp_copy_prob(Q, P, GLP_OFF);
    double beta = glp_get_col_prim(P, j);
    glp_set_col_bnds(Q, j, GLP_FX, floor(beta), floor(beta));
    glp_smcp sm;
    glp_init_smcp(&sm);
    sm.msg_lev = GLP_MSG_OFF;
    sm.meth = GLP_DUAL;
    sm.it_lim = HASTE_ITERATIONS;
    glp_simplex(Q, &sm);
    glp_delete_prob(Q);
    return glp_difftime(glp_time(), t0);
}

/* The seconds one start of a pseudo-cost takes at this node: the median of
 * PROBES starts on the first columns GLPK can branch on, after one on
 * cold caches that is not counted (1000 x 1000: 9.6 ms cold, then 3.3-3.9
 * ms; GLPK's own 1,153 columns took 7.7 s, 3.3 ms each).  The first column
 * alone, taken twice, overestimated that 1.6-fold. */
static double start_time(glp_tree *T, glp_prob *P, int n, int first) {
    double t[PROBES];
    int k = 0;
    one_start(P, first);
    for (int j = first; j <= n && k < PROBES; j++)
        if (glp_ios_can_branch(T, j))
            t[k++] = one_start(P, j);
    for (int a = 1; a < k; a++) /* k is small: insertion */
        for (int b = a; b > 0 && t[b] < t[b - 1]; b--) {
            double x = t[b];
            t[b] = t[b - 1];
            t[b - 1] = x;
        }
    return t[k / 2];
}

/* Whether the pseudo-costs not yet started at this node would take more
 * than HASTE_SHARE of the `left` seconds, with in *first the first column
 * GLPK can branch on (0: none, and false) and in *start what starting
 * them would take.  Measures one start the first time it is asked
 * (h->eval); touches nothing else. */
static bool hurries(cj_haste *h, glp_tree *T, double left, int *first, double *start) {
    *first = 0;
    *start = 0;
    if (!h->seen)
        return false;
    glp_prob *P = glp_ios_get_prob(T);
    int n = glp_get_num_cols(P); /* presolve leaves no more than h->n */
    int fresh = 0;
    for (int j = 1; j <= n && j <= h->n; j++) {
        if (!glp_ios_can_branch(T, j))
            continue;
        if (!*first)
            *first = j;
        fresh += !h->seen[j];
    }
    if (!fresh)
        return false;
    if (h->eval < 0)
        h->eval = start_time(T, P, n, *first);
    *start = 2 * fresh * h->eval;
    return *start > HASTE_SHARE * left;
}

bool cj_haste_hurries(cj_haste *h, glp_tree *T, double left) {
    int first;
    double start;
    return hurries(h, T, left, &first, &start);
}

bool cj_haste_branch(cj_haste *h, glp_tree *T, double left) {
    int first;
    double start;
    if (hurries(h, T, left, &first, &start)) {
        if (!h->hurried) {
            h->start = start;
            h->left = left;
        }
        glp_prob *P = glp_ios_get_prob(T);
        double beta = glp_get_col_prim(P, first);
        glp_ios_branch_upon(T, first,
                            beta - floor(beta) < ceil(beta) - beta ? GLP_DN_BRNCH
                                                                   : GLP_UP_BRNCH);
        h->hurried++;
        return true;
    }
    if (!first)
        return false;
    /* their pseudo-costs are started now, by reliability branching or by
     * GLPK */
    int n = glp_get_num_cols(glp_ios_get_prob(T));
    for (int j = 1; j <= n && j <= h->n; j++)
        if (glp_ios_can_branch(T, j))
            h->seen[j] = 1;
    return false;
}
