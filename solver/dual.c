/*
 * Owns the tries' dual simplex: a bounded dual simplex on the LP of a node
 * of GLPK's search, started from that node's optimal basis with one column's
 * bounds narrowed.  It borrows the node's basis factorization from GLPK
 * (glp_ftran and glp_btran on the tree's problem, which it only reads) and
 * keeps its own pivots as eta columns, so a try neither copies the LP nor
 * factorizes its basis again: through glp_simplex those two were half of a
 * try's time (docs/performance-record.md, "Where reliability branching's
 * time goes").  The constraint matrix's regular rows are read once a
 * search; only the cuts GLPK holds at a node are read at that node.
 *
 * Variable k is row k's auxiliary variable (k <= m) or column k - m, as in
 * GLPK: the rows say x_R = A x_S, so the basis matrix B is made of columns
 * of (I | -A).  The objective is maximised.
 */
#include "solver_internal.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Primal feasibility as glp_smcp's tol_bnd.  The dual tolerance is much
 * tighter than GLPK's tol_dj: here it works on the unscaled LP, and at
 * 1e-7 a try's value fell below the side's optimum on a few tries in a
 * thousand (Harris' slack adding up over the pivots; docs/performance-record.md,
 * "Taken: the tries' own dual simplex"). */
#define TOL_PRIMAL 1e-7
#define TOL_DUAL 1e-9
#define TOL_PIVOT 1e-9
/* A pivot that the tableau's row and column give differently by more than
 * this is taken as lost accuracy: the try is given up, for glp_simplex. */
#define TOL_AGREE 1e-7

enum { AT_LOWER, AT_UPPER, FREE, FIXED, BASIC };

typedef struct {
    double t; /* the dual step at which the variable's reduced cost turns */
    int v;
} breakpoint;

struct cj_dual {
    glp_prob *P; /* the node's problem, whose factorization is borrowed */
    int m, n, m0;
    /* the node's LP and basis */
    double *lb, *ub, *cost, *x0, *d0, c0;
    int *stat0, *head0;
    /* the matrix: the regular rows (1..m0) by columns, read once; the
     * node's cuts (m0+1..m) by rows */
    int *cbeg, *cind, *rbeg, *rind;
    double *cval, *rval;
    /* one try */
    double *x, *d, *alpha, *rho, *col, *weight;
    int *stat, *head;
    breakpoint *bp;
    /* the try's pivots: eta column e has its pivot epiv[e] in row erow[e]
     * and its other entries at eind/eval[ebeg[e] .. ebeg[e + 1]) */
    int neta, *ebeg, *erow, *eind;
    double *epiv, *eval;
    /* capacities of the arrays above */
    int cap_m, cap_n, cap_cnz, cap_rnz, cap_eta;
    size_t cap_pool;
};

cj_dual *cj_dual_new(void) {
    return calloc(1, sizeof(cj_dual));
}

void cj_dual_free(cj_dual *D) {
    if (!D)
        return;
    void *all[] = {D->lb,   D->ub,    D->cost, D->x0,   D->d0,     D->stat0, D->head0,
                   D->cbeg, D->cind,  D->rbeg, D->rind, D->cval,   D->rval,  D->x,
                   D->d,    D->alpha, D->rho,  D->col,  D->weight, D->stat,  D->head,
                   D->bp,   D->ebeg,  D->erow, D->eind, D->epiv,   D->eval};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        free(all[i]);
    free(D);
}

/* Makes *p hold `count` items of `size` bytes; false, *p as it was, when
 * memory is short. */
static bool grow(void *p, size_t count, size_t size) {
    void *q = realloc(*(void **)p, count * size);
    if (!q)
        return false;
    *(void **)p = q;
    return true;
}

/* Room for m rows and n columns; false when memory is short. */
static bool room(cj_dual *D, int m, int n) {
    if (m <= D->cap_m && n <= D->cap_n)
        return true;
    if (m < D->cap_m)
        m = D->cap_m;
    if (n < D->cap_n)
        n = D->cap_n;
    size_t k = (size_t)m + n + 1, r = (size_t)m + 1;
    double **by_var[] = {&D->lb, &D->ub, &D->cost, &D->x0,
                         &D->d0, &D->x,  &D->d,    &D->alpha};
    for (size_t i = 0; i < sizeof by_var / sizeof *by_var; i++)
        if (!grow(by_var[i], k, sizeof(double)))
            return false;
    double **by_row[] = {&D->rho, &D->col, &D->weight};
    for (size_t i = 0; i < sizeof by_row / sizeof *by_row; i++)
        if (!grow(by_row[i], r, sizeof(double)))
            return false;
    if (!grow(&D->stat0, k, sizeof(int)) || !grow(&D->stat, k, sizeof(int)) ||
        !grow(&D->head0, r, sizeof(int)) || !grow(&D->head, r, sizeof(int)) ||
        !grow(&D->rbeg, r + 1, sizeof(int)) || !grow(&D->bp, k, sizeof(breakpoint)))
        return false;
    D->cap_m = m;
    D->cap_n = n;
    return true;
}

/* The regular rows' part of the matrix, by columns, from P. */
static bool read_columns(cj_dual *D, glp_prob *P, int m0, int n) {
    int nz = glp_get_num_nz(P);
    if (!grow(&D->cbeg, (size_t)n + 2, sizeof(int)) ||
        (nz > D->cap_cnz && (!grow(&D->cind, (size_t)nz + 1, sizeof(int)) ||
                             !grow(&D->cval, (size_t)nz + 1, sizeof(double)))))
        return false;
    if (nz > D->cap_cnz)
        D->cap_cnz = nz;
    int at = 0;
    for (int j = 1; j <= n; j++) {
        D->cbeg[j] = at;
        /* glp_get_mat_col writes from index 1 of the arrays it is given */
        int len = glp_get_mat_col(P, j, D->cind + at, D->cval + at);
        for (int t = D->cbeg[j] + 1; t <= D->cbeg[j] + len; t++)
            if (D->cind[t] <= m0) {
                at++; /* at < t: the kept entries move down in place */
                D->cind[at] = D->cind[t];
                D->cval[at] = D->cval[t];
            }
    }
    D->cbeg[n + 1] = at;
    D->m0 = m0;
    D->n = n;
    return true;
}

/* The node's cuts, rows m0+1..m, by rows. */
static bool read_cuts(cj_dual *D, glp_prob *P, int m) {
    int at = 0, cuts = m - D->m0;
    for (int i = D->m0 + 1; i <= m; i++)
        at += glp_get_mat_row(P, i, NULL, NULL);
    if (at > D->cap_rnz) {
        if (!grow(&D->rind, (size_t)at + 1, sizeof(int)) ||
            !grow(&D->rval, (size_t)at + 1, sizeof(double)))
            return false;
        D->cap_rnz = at;
    }
    at = 0;
    for (int c = 0; c < cuts; c++) {
        D->rbeg[c] = at;
        at += glp_get_mat_row(P, D->m0 + 1 + c, D->rind + at, D->rval + at);
    }
    D->rbeg[cuts] = at;
    return true;
}

static void bounds(int type, double lo, double hi, double *lb, double *ub) {
    *lb = type == GLP_LO || type == GLP_DB || type == GLP_FX ? lo : -DBL_MAX;
    *ub = type == GLP_UP || type == GLP_DB || type == GLP_FX ? hi : DBL_MAX;
}

static int status(int glp_stat, double lb, double ub) {
    if (glp_stat == GLP_BS)
        return BASIC;
    if (glp_stat == GLP_NS || lb == ub)
        return FIXED;
    return glp_stat == GLP_NU ? AT_UPPER : glp_stat == GLP_NF ? FREE : AT_LOWER;
}

/* a_j . y over the regular rows (y by rows) for structural column j; the
 * cuts' part is add_cut_rows'. */
static double column_dot(const cj_dual *D, int j, const double *y) {
    double s = 0;
    for (int t = D->cbeg[j] + 1; t <= D->cbeg[j + 1]; t++)
        s += D->cval[t] * y[D->cind[t]];
    return s;
}

/* y[m + j] += f * (the sum over the cuts i of a_ij w[i]) for every column
 * j: the cuts' part of f * A^T w, by rows, as the cuts are kept. */
static void add_cut_rows(const cj_dual *D, const double *w, double f, double *y) {
    for (int c = 0; c < D->m - D->m0; c++) {
        double wi = w[D->m0 + 1 + c];
        if (wi == 0)
            continue;
        for (int t = D->rbeg[c] + 1; t <= D->rbeg[c + 1]; t++)
            y[D->m + D->rind[t]] += f * D->rval[t] * wi;
    }
}

bool cj_dual_node(cj_dual *D, glp_prob *P, int m0) {
    D->P = NULL;
    if (!glp_bf_exists(P) || glp_get_status(P) != GLP_OPT)
        return false;
    int m = glp_get_num_rows(P), n = glp_get_num_cols(P);
    if (m0 > m || !room(D, m, n))
        return false;
    if ((D->m0 != m0 || D->n != n || !D->cbeg) && !read_columns(D, P, m0, n))
        return false;
    D->m = m;
    if (!read_cuts(D, P, m))
        return false;
    D->c0 = glp_get_obj_coef(P, 0);
    for (int i = 1; i <= m; i++) {
        bounds(glp_get_row_type(P, i), glp_get_row_lb(P, i), glp_get_row_ub(P, i),
               &D->lb[i], &D->ub[i]);
        D->cost[i] = 0;
        D->x0[i] = glp_get_row_prim(P, i);
        D->stat0[i] = status(glp_get_row_stat(P, i), D->lb[i], D->ub[i]);
    }
    for (int j = 1; j <= n; j++) {
        int k = m + j;
        bounds(glp_get_col_type(P, j), glp_get_col_lb(P, j), glp_get_col_ub(P, j),
               &D->lb[k], &D->ub[k]);
        D->cost[k] = glp_get_obj_coef(P, j);
        D->x0[k] = glp_get_col_prim(P, j);
        D->stat0[k] = status(glp_get_col_stat(P, j), D->lb[k], D->ub[k]);
    }
    /* the reduced costs, from the node's prices: B^T pi = c_B */
    for (int r = 1; r <= m; r++) {
        D->head0[r] = glp_get_bhead(P, r);
        D->rho[r] = D->cost[D->head0[r]];
    }
    glp_btran(P, D->rho);
    for (int j = 1; j <= n; j++)
        D->d0[m + j] = D->cost[m + j] + column_dot(D, j, D->rho);
    add_cut_rows(D, D->rho, 1, D->d0);
    for (int k = 1; k <= m + n; k++)
        if (k <= m)
            D->d0[k] = -D->rho[k];
    for (int r = 1; r <= m; r++)
        D->d0[D->head0[r]] = 0;
    D->P = P;
    return true;
}

/* B^-1 b into b: by rows on entry, by the basis' positions on exit. */
static void ftran(cj_dual *D, double *b) {
    glp_ftran(D->P, b);
    for (int e = 0; e < D->neta; e++) {
        int r = D->erow[e];
        double y = b[r] / D->epiv[e];
        b[r] = y;
        if (y != 0)
            for (int t = D->ebeg[e]; t < D->ebeg[e + 1]; t++)
                b[D->eind[t]] -= D->eval[t] * y;
    }
}

/* B^-T b into b: by positions on entry, by rows on exit. */
static void btran(cj_dual *D, double *b) {
    for (int e = D->neta - 1; e >= 0; e--) {
        int r = D->erow[e];
        double s = b[r];
        for (int t = D->ebeg[e]; t < D->ebeg[e + 1]; t++)
            s -= D->eval[t] * b[D->eind[t]];
        b[r] = s / D->epiv[e];
    }
    glp_btran(D->P, b);
}

/* Keeps B^-1 a_q (by positions), pivoted in row r, as the next eta; false
 * when memory is short. */
static bool keep_eta(cj_dual *D, const double *col, int r) {
    int m = D->m, at = D->neta ? D->ebeg[D->neta] : 0;
    if (D->neta + 2 > D->cap_eta) {
        int cap = D->cap_eta ? 2 * D->cap_eta : 64;
        if (!grow(&D->ebeg, (size_t)cap, sizeof(int)) ||
            !grow(&D->erow, (size_t)cap, sizeof(int)) ||
            !grow(&D->epiv, (size_t)cap, sizeof(double)))
            return false;
        D->cap_eta = cap;
    }
    size_t need = (size_t)at + m;
    if (need > D->cap_pool) {
        if (!grow(&D->eind, 2 * need, sizeof(int)) ||
            !grow(&D->eval, 2 * need, sizeof(double)))
            return false;
        D->cap_pool = 2 * need;
    }
    D->ebeg[D->neta] = at;
    for (int i = 1; i <= m; i++)
        if (i != r && col[i] != 0) {
            D->eind[at] = i;
            D->eval[at++] = col[i];
        }
    D->erow[D->neta] = r;
    D->epiv[D->neta] = col[r];
    D->neta++;
    D->ebeg[D->neta] = at;
    return true;
}

/* Adds f times variable v's column of (I | -A) to y (by rows). */
static void add_column(const cj_dual *D, int v, double f, double *y) {
    if (v <= D->m) {
        y[v] += f;
        return;
    }
    int j = v - D->m;
    for (int t = D->cbeg[j] + 1; t <= D->cbeg[j + 1]; t++)
        y[D->cind[t]] -= f * D->cval[t];
    for (int c = 0; c < D->m - D->m0; c++)
        for (int t = D->rbeg[c] + 1; t <= D->rbeg[c + 1]; t++)
            if (D->rind[t] == j)
                y[D->m0 + 1 + c] -= f * D->rval[t];
}

static double slack(double bound) {
    return TOL_PRIMAL * (1 + fabs(bound));
}

static double objective(const cj_dual *D) {
    double z = D->c0;
    for (int j = 1; j <= D->n; j++)
        z += D->cost[D->m + j] * D->x[D->m + j];
    return z;
}

/* The position of the basic variable to leave, by dual Devex: the largest
 * infeasibility for its weight; 0 when all lie within their bounds. */
static int leaving(const cj_dual *D) {
    int r = 0;
    double worst = 0;
    for (int i = 1; i <= D->m; i++) {
        int v = D->head[i];
        double x = D->x[v], out = x < D->lb[v] - slack(D->lb[v])   ? D->lb[v] - x
                                  : x > D->ub[v] + slack(D->ub[v]) ? x - D->ub[v]
                                                                   : 0;
        if (out > 0 && out * out > worst * D->weight[i]) {
            worst = out * out / D->weight[i];
            r = i;
        }
    }
    return r;
}

/* Row r of B^-1 (I | -A) into alpha, over the variables free to enter. */
static void tableau_row(cj_dual *D, int r) {
    int m = D->m, K = m + D->n;
    memset(D->rho + 1, 0, (size_t)m * sizeof(double));
    D->rho[r] = 1;
    btran(D, D->rho);
    for (int i = 1; i <= m; i++)
        D->alpha[i] = D->rho[i];
    for (int j = 1; j <= D->n; j++) {
        int st = D->stat[m + j];
        D->alpha[m + j] = st == BASIC || st == FIXED ? 0 : -column_dot(D, j, D->rho);
    }
    add_cut_rows(D, D->rho, -1, D->alpha);
    for (int v = 1; v <= K; v++)
        if (D->stat[v] == BASIC || D->stat[v] == FIXED)
            D->alpha[v] = 0;
}

/* The long-step ratio test for a leaving row `out` outside its bound, sgn
 * +1 when it must rise.  Along the dual step a boxed variable whose reduced
 * cost would turn goes to its other bound instead, while the row stays
 * outside; those are bp[0 .. *flips).  Then Harris' slack picks the
 * largest pivot among the near ties.  Returns the entering variable (its
 * step in *step), or 0 when no step brings the row within its bounds. */
static int entering(cj_dual *D, double sgn, double out, double target, int *flips,
                    double *step) {
    int K = D->m + D->n, nb = 0;
    for (int v = 1; v <= K; v++) {
        double g = sgn * D->alpha[v];
        if (fabs(g) < TOL_PIVOT)
            continue;
        if (D->stat[v] == AT_LOWER && g < 0)
            D->bp[nb++] = (breakpoint){fmax(-D->d[v], 0) / -g, v};
        else if (D->stat[v] == AT_UPPER && g > 0)
            D->bp[nb++] = (breakpoint){fmax(D->d[v], 0) / g, v};
        else if (D->stat[v] == FREE)
            D->bp[nb++] = (breakpoint){0, v};
    }
    /* the breakpoints in order, each found when needed: few are passed */
    int stop = 0;
    for (;; stop++) {
        if (stop == nb)
            return 0;
        int least = stop;
        for (int a = stop + 1; a < nb; a++)
            if (D->bp[a].t < D->bp[least].t)
                least = a;
        breakpoint b = D->bp[least];
        D->bp[least] = D->bp[stop];
        D->bp[stop] = b;
        int v = b.v;
        if (D->stat[v] == FREE || D->lb[v] == -DBL_MAX || D->ub[v] == DBL_MAX)
            break;
        double left = out - fabs(D->alpha[v]) * (D->ub[v] - D->lb[v]);
        if (left <= slack(target))
            break;
        out = left;
    }
    /* Harris: the slack counts from the side a reduced cost is on, so one
     * already on the wrong side gets no further than TOL_DUAL */
    double bound = DBL_MAX;
    for (int a = stop; a < nb; a++) {
        int v = D->bp[a].v;
        double gap = D->stat[v] == AT_LOWER   ? -D->d[v]
                     : D->stat[v] == AT_UPPER ? D->d[v]
                                              : -fabs(D->d[v]);
        bound = fmin(bound, (gap + TOL_DUAL) / fabs(D->alpha[v]));
    }
    bound = fmax(bound, D->bp[stop].t);
    int q = 0;
    double best = 0;
    for (int a = stop; a < nb; a++) {
        double g = fabs(D->alpha[D->bp[a].v]);
        if (D->bp[a].t <= bound && g > best) {
            best = g;
            q = D->bp[a].v;
            *step = D->bp[a].t;
        }
    }
    *flips = stop;
    return q;
}

/* Moves the variables bp[0 .. flips) to their other bounds, and the basic
 * values with them: x_B -= B^-1 (sum of their columns times their moves). */
static void flip(cj_dual *D, int flips) {
    memset(D->col + 1, 0, (size_t)D->m * sizeof(double));
    for (int a = 0; a < flips; a++) {
        int v = D->bp[a].v;
        double dx = D->stat[v] == AT_LOWER ? D->ub[v] - D->lb[v] : D->lb[v] - D->ub[v];
        D->x[v] += dx;
        D->stat[v] = D->stat[v] == AT_LOWER ? AT_UPPER : AT_LOWER;
        add_column(D, v, dx, D->col);
    }
    ftran(D, D->col);
    for (int i = 1; i <= D->m; i++)
        D->x[D->head[i]] -= D->col[i];
}

double cj_dual_try(cj_dual *D, int j, double lo, double hi, int limit, long *iterations) {
    int m = D->m, K = m + D->n, k = m + j;
    if (!D->P || j < 1 || j > D->n || D->stat0[k] != BASIC)
        return NAN; /* a column at a bound is not fractional */
    double keep_lb = D->lb[k], keep_ub = D->ub[k], z = NAN;
    D->lb[k] = lo;
    D->ub[k] = hi;
    memcpy(D->x + 1, D->x0 + 1, (size_t)K * sizeof(double));
    memcpy(D->d + 1, D->d0 + 1, (size_t)K * sizeof(double));
    memcpy(D->stat + 1, D->stat0 + 1, (size_t)K * sizeof(int));
    memcpy(D->head + 1, D->head0 + 1, (size_t)m * sizeof(int));
    for (int r = 1; r <= m; r++)
        D->weight[r] = 1;
    D->neta = 0;
    int it = 0;
    for (;; it++) {
        int r = leaving(D);
        if (!r || it == limit) {
            /* optimal; or a dual feasible basis, whose value bounds the
             * side's LP from above */
            z = objective(D);
            break;
        }
        int p = D->head[r];
        bool rise = D->x[p] < D->lb[p];
        double target = rise ? D->lb[p] : D->ub[p], sgn = rise ? 1 : -1, t = 0;
        tableau_row(D, r);
        int flips = 0, q = entering(D, sgn, fabs(D->x[p] - target), target, &flips, &t);
        if (!q) {
            z = -HUGE_VAL; /* the dual is unbounded: this side has no plan */
            break;
        }
        if (flips)
            flip(D, flips);
        memset(D->col + 1, 0, (size_t)m * sizeof(double));
        add_column(D, q, 1, D->col);
        ftran(D, D->col);
        double piv = D->col[r];
        if (fabs(piv - D->alpha[q]) > TOL_AGREE * (1 + fabs(piv)) ||
            fabs(piv) < TOL_PIVOT || !keep_eta(D, D->col, r))
            break; /* z stays NAN */
        /* the reduced costs: q's goes to zero, p's takes the step; the
         * step of q's breakpoint, not d_q / piv, so that a reduced cost on
         * the wrong side within the tolerance cannot turn it around */
        double theta = sgn * t;
        for (int v = 1; v <= K; v++)
            if (D->alpha[v] != 0)
                D->d[v] -= theta * D->alpha[v];
        D->d[q] = 0;
        D->d[p] = -theta;
        /* the values: p lands on its bound */
        double move = (D->x[p] - target) / piv;
        for (int i = 1; i <= m; i++)
            if (D->col[i] != 0)
                D->x[D->head[i]] -= D->col[i] * move;
        D->x[q] += move;
        D->x[p] = target;
        /* dual Devex: the weights of the rows the pivot moves */
        double wr = D->weight[r];
        for (int i = 1; i <= m; i++)
            if (D->col[i] != 0 && i != r) {
                double a = D->col[i] / piv;
                D->weight[i] = fmax(D->weight[i], a * a * wr);
            }
        D->weight[r] = fmax(wr / (piv * piv), 1);
        D->stat[p] = D->lb[p] == D->ub[p] ? FIXED : rise ? AT_LOWER : AT_UPPER;
        D->stat[q] = BASIC;
        D->head[r] = q;
    }
    *iterations += it;
    D->lb[k] = keep_lb;
    D->ub[k] = keep_ub;
    return z;
}
