/*
 * Owns the windows of a plan: window c is cluster c together with every
 * cluster where a provider that works at one of c's schools in the plan
 * may work (has a pair there).  Holding a window fixes every pair outside
 * it at its values in the plan, so that GLPK searches only the window's
 * pairs (within the bounds the model has) for a better plan: a provider's
 * capacity and number of schools, which join clusters, can be traded and
 * moved within the window.
 * Used where GLPK's search of a whole neighbourhood stalls (solver/neighbourhoods.c,
 * docs/model.md): on 1000 x 1000 it gives up the neighbourhood of 1,151
 * free pairs at 6878.95, and its search of the next one (2,991 free pairs)
 * finds nothing better in 99 s; the windows take that plan to 6882.08 in
 * 600 small searches and 19 s (docs/performance-record.md, "Taken: windows").
 */
#include "solver_internal.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct cj_window {
    const cj_round *r;
    const cj_selection *sel;
    double *lo, *hi; /* per pair, y then FTE column: the bounds before holding */
    int *type;
    bool *in;    /* cluster -> in the window held */
    bool *works; /* provider -> works at the window's cluster in the plan */
    bool held;
};

/* `bytes` rounded up so that what follows is aligned for any type. */
static size_t aligned(size_t bytes) {
    size_t a = _Alignof(max_align_t);
    return (bytes + a - 1) / a * a;
}

/* One block of lp's scratch memory, so that a GLPK error, which jumps past
 * cj_window_free(), leaves nothing behind that lp does not free. */
cj_window *cj_window_new(cj_lp *lp, const cj_round *r, const cj_selection *sel) {
    size_t np = 2 * sel->n_pairs + 1;
    size_t head = aligned(sizeof(cj_window)), bounds = aligned(np * sizeof(double));
    size_t types = aligned(np * sizeof(int)), in = aligned(r->n_clusters + 1);
    char *m = cj_lp_scratch(lp, head + 2 * bounds + types + in + r->n_providers + 1);
    if (!m)
        return NULL;
    cj_window *w = (cj_window *)m;
    *w = (cj_window){.r = r, .sel = sel};
    w->lo = (double *)(m + head);
    w->hi = (double *)(m + head + bounds);
    w->type = (int *)(m + head + 2 * bounds);
    w->in = (bool *)(m + head + 2 * bounds + types);
    w->works = (bool *)(m + head + 2 * bounds + types + in);
    return w;
}

void cj_window_free(cj_window *w, cj_lp *lp) {
    cj_lp_unscratch(lp, w);
}

/* The cluster of pair i's school. */
static size_t cluster_of(const cj_window *w, size_t i) {
    return (size_t)w->r->schools[w->sel->pairs[i].school].cluster_idx;
}

size_t cj_window_hold(cj_window *w, cj_lp *lp, size_t c, const double *v) {
    const cj_selection *sel = w->sel;
    glp_prob *P = lp->P;
    memset(w->in, 0, w->r->n_clusters * sizeof *w->in);
    memset(w->works, 0, w->r->n_providers * sizeof *w->works);
    w->in[c] = true;
    for (size_t i = 0; i < sel->n_pairs; i++)
        if (cluster_of(w, i) == c && v[lp->ycol[i]] > 0.5)
            w->works[sel->pairs[i].provider] = true;
    for (size_t i = 0; i < sel->n_pairs; i++)
        if (w->works[sel->pairs[i].provider])
            w->in[cluster_of(w, i)] = true;
    size_t free_y = 0;
    for (size_t i = 0; i < sel->n_pairs; i++) {
        int col[2] = {lp->ycol[i], lp->fcol[i]};
        bool inside = w->in[cluster_of(w, i)];
        if (inside && glp_get_col_type(P, col[0]) != GLP_FX)
            free_y++;
        for (int k = 0; k < 2; k++) {
            size_t at = 2 * i + (size_t)k;
            w->type[at] = glp_get_col_type(P, col[k]);
            w->lo[at] = glp_get_col_lb(P, col[k]);
            w->hi[at] = glp_get_col_ub(P, col[k]);
            if (inside)
                continue;
            /* integer columns as read_plan() reads them */
            double x =
                glp_get_col_kind(P, col[k]) == GLP_CV ? v[col[k]] : round(v[col[k]]);
            glp_set_col_bnds(P, col[k], GLP_FX, x, x);
        }
    }
    w->held = true;
    return free_y;
}

void cj_window_release(cj_window *w, cj_lp *lp) {
    if (!w->held)
        return;
    for (size_t i = 0; i < w->sel->n_pairs; i++) {
        int col[2] = {lp->ycol[i], lp->fcol[i]};
        for (int k = 0; k < 2; k++) {
            size_t at = 2 * i + (size_t)k;
            glp_set_col_bnds(lp->P, col[k], w->type[at], w->lo[at], w->hi[at]);
        }
    }
    w->held = false;
}
