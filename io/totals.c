/* Per-school, per-cluster and per-provider sums of a plan. */
#include "io_internal.h"

#include <stdlib.h>

bool cj_totals_compute(const cj_round *r, const cj_plan *p, cj_totals *t) {
    *t = (cj_totals){0};
    size_t ns = r->n_schools + 1, nc = r->n_clusters + 1, np = r->n_providers + 1;
    t->school_fte = calloc(ns, sizeof(double));
    t->school_cost = calloc(ns, sizeof(double));
    t->cluster_fte = calloc(nc, sizeof(double));
    t->cluster_cost = calloc(nc, sizeof(double));
    t->prov_fte = calloc(np, sizeof(double));
    t->prov_cost = calloc(np, sizeof(double));
    t->prov_schools = calloc(np, sizeof(int));
    if (!t->school_fte || !t->school_cost || !t->cluster_fte || !t->cluster_cost ||
        !t->prov_fte || !t->prov_cost || !t->prov_schools) {
        cj_totals_free(t);
        return false;
    }
    for (size_t s = 0; s < p->n_schools; s++) {
        int c = r->schools[s].cluster_idx;
        for (size_t k = 0; k < p->schools[s].n; k++) {
            const cj_assignment *a = &p->schools[s].a[k];
            double cost = a->fte * r->providers[a->provider].cost_per_fte;
            t->school_fte[s] += a->fte;
            t->school_cost[s] += cost;
            t->cluster_fte[c] += a->fte;
            t->cluster_cost[c] += cost;
            t->prov_fte[a->provider] += a->fte;
            t->prov_cost[a->provider] += cost;
            t->prov_schools[a->provider]++;
            t->fte += a->fte;
            t->cost += cost;
            t->assignments++;
        }
    }
    return true;
}

void cj_totals_free(cj_totals *t) {
    free(t->school_fte);
    free(t->school_cost);
    free(t->cluster_fte);
    free(t->cluster_cost);
    free(t->prov_fte);
    free(t->prov_cost);
    free(t->prov_schools);
    *t = (cj_totals){0};
}
