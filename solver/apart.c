/*
 * A model that falls apart, solved a block at a time.  Once the plan of a
 * staffed round is fixed, no row joins the staff of two providers: the
 * staffing is one small model per provider side by side.  Searched apart,
 * each block's search is exact on its own, and a block that has no
 * solution names the provider whose staff cannot carry its share of the
 * plan, which the search for a plan they can carry starts from
 * (solver/solve.c, docs/rota.md, "How cjos makes sure the rota exists").
 * Here the columns that the bounds leave free are joined by the rows they
 * share, each block is copied into a problem of its own with every other
 * column at its value, and searched alone.
 */
#include "solver_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* What cj_apart_solve() holds while GLPK searches a block. */
typedef struct {
    int *up;    /* per column: union-find parent, 0 for a fixed column */
    int *order; /* the free columns, block after block */
    int *map;   /* per column: its column in the block's problem, or 0 */
    int *seen;  /* per row: the block that took it, 0 for none yet */
    int *rows;  /* a column's rows */
    int *ind;   /* a row's or column's entries */
    double *val;
    int *start; /* block k is order[start[k]..start[k + 1]) */
    cj_triplets t;
    glp_prob *Q; /* the block's problem */
} apart;

static void apart_free(apart *a) {
    if (a->Q)
        glp_delete_prob(a->Q);
    free(a->up);
    free(a->order);
    free(a->map);
    free(a->seen);
    free(a->rows);
    free(a->start);
    free(a->ind);
    free(a->val);
    free(a->t.ia);
    free(a->t.ja);
    free(a->t.ar);
    free(a);
}

static void let_go(void *a) {
    ((apart *)a)->Q = NULL; /* GLPK's environment takes it */
    apart_free(a);
}

static bool fixed(glp_prob *P, int j) {
    int t = glp_get_col_type(P, j);
    return t == GLP_FX || (t == GLP_DB && glp_get_col_lb(P, j) == glp_get_col_ub(P, j));
}

/* GLPK's bounds of type t, lo and hi less `shift`. */
static void shifted(glp_prob *Q, int i, int t, double lo, double hi, double shift) {
    glp_set_row_bnds(Q, i, t, t == GLP_UP || t == GLP_FR ? 0 : lo - shift,
                     t == GLP_LO || t == GLP_FR ? 0 : hi - shift);
}

/*
 * The problem of block b: the columns order[from..to), with their kinds,
 * bounds and objective, and every row of P that holds one of them, its
 * bounds less what the columns outside the block (at v) give it.  In a->Q;
 * false when out of memory.
 */
static bool copy_block(apart *a, glp_prob *P, int from, int to, int b, const double *v) {
    glp_prob *Q = a->Q = glp_create_prob();
    glp_set_obj_dir(Q, glp_get_obj_dir(P));
    int n = to - from;
    glp_add_cols(Q, n);
    for (int k = 0; k < n; k++) {
        int j = a->order[from + k];
        a->map[j] = k + 1;
        glp_set_col_kind(Q, k + 1, glp_get_col_kind(P, j));
        glp_set_col_bnds(Q, k + 1, glp_get_col_type(P, j), glp_get_col_lb(P, j),
                         glp_get_col_ub(P, j));
        glp_set_obj_coef(Q, k + 1, glp_get_obj_coef(P, j));
    }
    a->t.n = 0;
    bool ok = true;
    for (int k = 0; ok && k < n; k++) {
        int len = glp_get_mat_col(P, a->order[from + k], a->rows, a->val);
        for (int e = 1; ok && e <= len; e++) {
            int i = a->rows[e], t = glp_get_row_type(P, i);
            if (a->seen[i] == b || t == GLP_FR)
                continue;
            a->seen[i] = b;
            int row = glp_add_rows(Q, 1), m = glp_get_mat_row(P, i, a->ind, a->val);
            double shift = 0;
            for (int c = 1; ok && c <= m; c++)
                if (a->map[a->ind[c]])
                    ok = cj_trip_add(&a->t, row, a->map[a->ind[c]], a->val[c]);
                else
                    shift += a->val[c] * v[a->ind[c]];
            shifted(Q, row, t, glp_get_row_lb(P, i), glp_get_row_ub(P, i), shift);
        }
    }
    if (ok && a->t.n)
        glp_load_matrix(Q, (int)a->t.n, a->t.ia, a->t.ja, a->t.ar);
    for (int k = 0; k < n; k++)
        a->map[a->order[from + k]] = 0;
    return ok;
}

/* Joins the free columns of P that share a row: their blocks, in a->order,
 * each block's columns in order and the blocks by their first column
 * (a->start).  The number of blocks, or -1 when out of memory. */
static int blocks(apart *a, glp_prob *P) {
    int nr = glp_get_num_rows(P), nc = glp_get_num_cols(P);
    for (int j = 1; j <= nc; j++)
        a->up[j] = fixed(P, j) ? 0 : j;
    for (int i = 1; i <= nr; i++) {
        if (glp_get_row_type(P, i) == GLP_FR)
            continue;
        int len = glp_get_mat_row(P, i, a->ind, a->val), first = 0;
        for (int c = 1; c <= len; c++) {
            int j = a->ind[c];
            if (a->up[j] && first)
                cj_uf_join(a->up, first, j);
            else if (a->up[j])
                first = j;
        }
    }
    /* count per root, then place (a counting sort on the root) */
    int *count = calloc((size_t)nc + 2, sizeof *count);
    if (!count)
        return -1;
    int nb = 0;
    for (int j = 1; j <= nc; j++)
        if (a->up[j]) {
            int r = cj_uf_root(a->up, j);
            nb += r == j;
            count[r + 1]++;
        }
    for (int j = 1; j <= nc; j++)
        count[j + 1] += count[j];
    int *start = a->start = malloc(((size_t)nb + 1) * sizeof *start);
    if (!start) {
        free(count);
        return -1;
    }
    for (int j = 1, k = 0; j <= nc; j++)
        if (a->up[j] && cj_uf_root(a->up, j) == j)
            start[k++] = count[j];
    start[nb] = count[nc + 1];
    for (int j = 1; j <= nc; j++)
        if (a->up[j])
            a->order[count[cj_uf_root(a->up, j)]++] = j;
    free(count);
    return nb;
}

cj_plan_status cj_apart_solve(glp_prob *P, const cj_solve_options *opt, double seconds,
                              double *v, unsigned char *short_of,
                              cj_apart_counts *counts) {
    double began = glp_time();
    memset(counts, 0, sizeof *counts);
    counts->nomem = true;
    int nr = glp_get_num_rows(P), nc = glp_get_num_cols(P);
    size_t most = (size_t)(nr > nc ? nr : nc) + 1;
    apart *a = calloc(1, sizeof *a);
    if (!a || !cj_guard_hold(let_go, a)) {
        free(a);
        return CJ_PLAN_UNKNOWN;
    }
    counts->nomem = false;
    a->up = calloc((size_t)nc + 1, sizeof *a->up);
    a->order = calloc((size_t)nc + 1, sizeof *a->order);
    a->map = calloc((size_t)nc + 1, sizeof *a->map);
    a->seen = calloc((size_t)nr + 1, sizeof *a->seen);
    a->rows = malloc(((size_t)nr + 1) * sizeof *a->rows);
    a->ind = malloc(most * sizeof *a->ind);
    a->val = malloc(most * sizeof *a->val);
    int nb = a->up && a->order && a->map && a->seen && a->rows && a->ind && a->val
                 ? blocks(a, P)
                 : -1;
    const int *start = a->start;
    cj_plan_status status = nb < 0 ? CJ_PLAN_UNKNOWN : CJ_PLAN_OPTIMAL;
    counts->nomem = nb < 0;
    for (int j = 1; j <= nc; j++)
        if (nb >= 0 && !a->up[j])
            v[j] = glp_get_col_lb(P, j);
    counts->blocks = nb > 0 ? nb : 0;
    for (int b = 0; b < nb; b++) {
        double left = seconds - glp_difftime(glp_time(), began);
        if (seconds > 0 && left <= 0) {
            status = status == CJ_PLAN_INFEASIBLE ? status : CJ_PLAN_UNKNOWN;
            break;
        }
        if (!copy_block(a, P, start[b], start[b + 1], b + 1, v)) {
            counts->nomem = true;
            status = CJ_PLAN_UNKNOWN;
            break;
        }
        bool gave_up = false;
        long nodes = 0;
        int ret =
            cj_intopt_from(a->Q, NULL, opt, seconds > 0 ? left : 0, &gave_up, &nodes);
        counts->nodes += nodes;
        /* a relaxation without a solution: GLP_ENOPFS, whatever its status */
        int st = ret != GLP_ENOPFS                    ? glp_mip_status(a->Q)
                 : glp_get_status(a->Q) == GLP_NOFEAS ? GLP_NOFEAS
                                                      : GLP_UNDEF;
        for (int k = start[b]; (st == GLP_OPT || st == GLP_FEAS) && k < start[b + 1];
             k++) {
            int j = a->order[k];
            double x = glp_mip_col_val(a->Q, k - start[b] + 1);
            v[j] = glp_get_col_kind(P, j) == GLP_CV ? x : round(x);
        }
        glp_delete_prob(a->Q);
        a->Q = NULL;
        if (st == GLP_OPT || st == GLP_FEAS) {
            if (ret == 0 && st == GLP_OPT)
                counts->proven++;
            else {
                counts->gave_up += gave_up;
                status = status == CJ_PLAN_OPTIMAL ? CJ_PLAN_FEASIBLE : status;
            }
        } else if (st == GLP_NOFEAS) {
            counts->short_of++;
            status = CJ_PLAN_INFEASIBLE;
            for (int k = start[b]; short_of && k < start[b + 1]; k++)
                short_of[a->order[k]] = 1;
            if (!short_of)
                break;
        } else {
            status = status == CJ_PLAN_INFEASIBLE ? status : CJ_PLAN_UNKNOWN;
            break;
        }
    }
    cj_guard_release(a);
    apart_free(a);
    return status;
}
