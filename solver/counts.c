/*
 * Owns the count columns of the neighbourhoods: per provider and cluster
 * where the provider has pairs at two or more schools, an integer column
 * equal to the number of those schools it works at (t = sum of y), so that
 * GLPK's branch and bound can branch on "how many schools of this cluster"
 * as well as on single pairs; and per school with two or more pairs, an
 * integer column equal to its steps of FTE in all (the step columns).
 * They change no plan: each column is fixed by its row to a sum of integer
 * columns.  Measured (docs/performance-record.md, "Judging a change to the
 * search"): the count columns took 48 seeded rounds of 50 to 80 schools in
 * 913 s instead of 995 s, 39 proven instead of 36; the step columns take
 * the 27 such rounds that both builds prove within 15,000 nodes (and not
 * by branch and price) through 52,679 nodes instead of 75,023, and
 * 100 x 60 through 4,491 instead of 6,139.
 */
#include "solver_internal.h"

#include <stdlib.h>

typedef struct {
    const cj_round *r;
    const cj_selection *sel;
} order_ctx;

/* qsort has no context argument: the round and selection being sorted */
static _Thread_local order_ctx order;

/* provider, then cluster, then round order: the order measured (GLPK's
 * path, and so its time, depends on the order of columns) */
static int by_provider_cluster(const void *a, const void *b) {
    size_t ka = *(const size_t *)a, kb = *(const size_t *)b;
    const cj_pair *pa = &order.sel->pairs[ka], *pb = &order.sel->pairs[kb];
    if (pa->provider != pb->provider)
        return pa->provider < pb->provider ? -1 : 1;
    int ca = order.r->schools[pa->school].cluster_idx;
    int cb = order.r->schools[pb->school].cluster_idx;
    if (ca != cb)
        return ca < cb ? -1 : 1;
    return ka < kb ? -1 : ka > kb;
}

/* Adds an integer column named `name` (none for a nameless model) and a row
 * of the same name fixing it to the sum that ind/val (1-based, len entries,
 * each -1, with room for one more) hold: the column gets coefficient 1. */
static void add_sum(cj_lp *lp, const char *name, int *ind, double *val, int len) {
    glp_prob *P = lp->P;
    int col = glp_add_cols(P, 1);
    if (*name)
        glp_set_col_name(P, col, name);
    glp_set_col_kind(P, col, GLP_IV);
    /* no upper bound: the row gives it */
    glp_set_col_bnds(P, col, GLP_LO, 0, 0);
    ind[++len] = col;
    val[len] = 1;
    int row = cj_lp_row(P, name, 0, 0);
    glp_set_mat_row(P, row, len, ind, val);
    lp->n_counts++;
}

/*
 * Adds the count columns, then the step columns, and their rows after all
 * others.  Returns the number added (0 when no provider has two schools in
 * one cluster and no school two pairs), or -1
 * when out of memory, which leaves the model as it was.  They stay until
 * cj_lp_drop_counts(), which must come before any other rows or columns are
 * deleted (deleting earlier rows renumbers them).
 */
int cj_lp_add_counts(cj_lp *lp, const cj_round *r, const cj_selection *sel) {
    size_t n = sel->n_pairs;
    if (n < 2)
        return 0;
    /* one block, owned by the model until freed below, so that a GLPK
     * error in between leaves nothing behind */
    double *val =
        cj_lp_scratch(lp, (n + 2) * (sizeof(double) + sizeof(size_t) + sizeof(int)));
    if (!val)
        return -1;
    size_t *idx = (size_t *)(val + n + 2);
    int *ind = (int *)(idx + n + 2);
    for (size_t k = 0; k < n; k++)
        idx[k] = k;
    order = (order_ctx){r, sel};
    qsort(idx, n, sizeof *idx, by_provider_cluster);
    glp_prob *P = lp->P;
    lp->count_row = glp_get_num_rows(P) + 1;
    lp->count_col = glp_get_num_cols(P) + 1;
    lp->n_counts = lp->n_steps = 0;
    char name[64];
    for (size_t a = 0, b; a < n; a = b) {
        const cj_pair *first = &sel->pairs[idx[a]];
        int c = r->schools[first->school].cluster_idx;
        for (b = a + 1; b < n; b++) {
            const cj_pair *pb = &sel->pairs[idx[b]];
            if (pb->provider != first->provider ||
                r->schools[pb->school].cluster_idx != c)
                break;
        }
        if (b - a < 2)
            continue;
        int len = 0;
        for (size_t k = a; k < b; k++) {
            ind[++len] = lp->ycol[idx[k]];
            val[len] = -1;
        }
        cj_lp_name(lp, name, sizeof name, "count_c%d_p%d", c + 1, first->provider + 1);
        add_sum(lp, name, ind, val, len);
    }
    /* per school with two or more pairs, its steps of FTE in all (t = sum of
     * its pairs' steps), so that GLPK can also branch on "how much FTE at
     * this school in all", which no single pair's steps give it */
    for (size_t s = 0; lp->q > 0 && s < r->n_schools; s++) {
        size_t a = sel->first[s], b = sel->first[s + 1];
        if (b - a < 2)
            continue;
        int len = 0;
        for (size_t k = a; k < b; k++) {
            ind[++len] = lp->fcol[k];
            val[len] = -1;
        }
        cj_lp_name(lp, name, sizeof name, "steps_s%zu", s + 1);
        add_sum(lp, name, ind, val, len);
        lp->n_steps++;
    }
    cj_lp_unscratch(lp, val);
    return (int)lp->n_counts;
}

/* Deletes the columns and rows of cj_lp_add_counts(), if any: from the last,
 * in batches (as cj_lp_unprice() does), so that no index still to come is
 * renumbered and nothing is allocated. */
void cj_lp_drop_counts(cj_lp *lp) {
    int del[1 + 64]; /* GLPK counts from 1 */
    for (size_t left = lp->n_counts; left > 0;) {
        int n = left < 64 ? (int)left : 64;
        left -= (size_t)n;
        for (int k = 1; k <= n; k++)
            del[k] = lp->count_row + (int)left + k - 1;
        glp_del_rows(lp->P, n, del);
        for (int k = 1; k <= n; k++)
            del[k] = lp->count_col + (int)left + k - 1;
        glp_del_cols(lp->P, n, del);
    }
    lp->n_counts = lp->n_steps = 0;
}

bool cj_lp_count_values(const cj_lp *lp, double *v) {
    int n = glp_get_num_cols(lp->P);
    int *ind = malloc(((size_t)n + 1) * sizeof *ind);
    double *val = malloc(((size_t)n + 1) * sizeof *val);
    for (size_t k = 0; ind && val && k < lp->n_counts; k++) {
        int col = lp->count_col + (int)k,
            len = glp_get_mat_row(lp->P, lp->count_row + (int)k, ind, val);
        double sum = 0;
        for (int e = 1; e <= len; e++)
            if (ind[e] != col)
                sum -= val[e] * v[ind[e]]; /* the column's own coefficient is 1 */
        v[col] = sum;
    }
    bool ok = ind && val;
    free(ind);
    free(val);
    return ok;
}
