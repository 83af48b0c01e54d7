/* Changing one number of a round by a path such as "clusters.c4.fte.max", for
 * what-if runs.  The round is changed in memory; the caller validates it
 * again before it solves. */
#include "model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The field named by `rest` of an entity; NULL when there is no such number. */
static double *cluster_field(cj_cluster *c, const char *rest, bool **flag) {
    if (strcmp(rest, "fte.min") == 0)
        return &c->fte.min;
    if (strcmp(rest, "fte.max") == 0)
        return &c->fte.max;
    if (strcmp(rest, "annual_amount") == 0) {
        *flag = &c->has_amount;
        return &c->annual_amount;
    }
    return NULL;
}

static double *school_field(cj_school *s, const char *rest, bool **flag) {
    if (strcmp(rest, "annual_amount") == 0) {
        *flag = &s->has_amount;
        return &s->annual_amount;
    }
    if (strcmp(rest, "fte.min") == 0 && s->fte.set)
        return &s->fte.min;
    if (strcmp(rest, "fte.max") == 0 && s->fte.set)
        return &s->fte.max;
    return NULL;
}

static double *provider_field(cj_provider *p, const char *rest) {
    if (strcmp(rest, "fte_capacity") == 0)
        return &p->fte_capacity;
    if (strcmp(rest, "cost_per_fte") == 0)
        return &p->cost_per_fte;
    return NULL;
}

static double *policy_field(cj_policy *p, const char *rest) {
    if (strcmp(rest, "min_fte_per_assignment") == 0)
        return &p->min_fte;
    if (strcmp(rest, "interview_weight") == 0)
        return &p->interview_weight;
    if (strcmp(rest, "continuity_bonus") == 0)
        return &p->continuity_bonus;
    if (strcmp(rest, "coverage_penalty") == 0)
        return &p->coverage_penalty;
    return NULL;
}

/* Whole-number fields: set from a double that must be whole. */
static int *int_field(cj_round *r, const char *coll, size_t i, const char *rest,
                      bool **flag, bool write) {
    if (strcmp(coll, "schools") == 0 && strncmp(rest, "providers.", 10) == 0) {
        cj_school *s = &r->schools[i];
        bool min = strcmp(rest + 10, "min") == 0, max = strcmp(rest + 10, "max") == 0;
        if (!min && !max)
            return NULL;
        if (!s->providers.set && !write) /* only asked: the policy's field will do */
            return min ? &r->policy.pps_min : &r->policy.pps_max;
        if (!s->providers.set) /* the school takes the policy's range as its own */
            s->providers = (cj_irange){true, r->policy.pps_min, r->policy.pps_max};
        return min ? &s->providers.min : &s->providers.max;
    }
    if (strcmp(coll, "providers") == 0 && strcmp(rest, "max_schools") == 0) {
        *flag = &r->providers[i].has_max_schools;
        return &r->providers[i].max_schools;
    }
    return NULL;
}

/* The entity of `coll` whose id is a prefix of `p` followed by '.', longest
 * first (ids may contain dots); its index, and *rest past the dot. */
static int find(const cj_round *r, const char *coll, const char *p, const char **rest) {
    size_t n = strcmp(coll, "clusters") == 0    ? r->n_clusters
               : strcmp(coll, "schools") == 0   ? r->n_schools
               : strcmp(coll, "providers") == 0 ? r->n_providers
                                                : 0;
    int best = -1;
    size_t best_len = 0;
    for (size_t i = 0; i < n; i++) {
        const char *id = strcmp(coll, "clusters") == 0  ? r->clusters[i].id
                         : strcmp(coll, "schools") == 0 ? r->schools[i].id
                                                        : r->providers[i].id;
        size_t k = strlen(id);
        if (k > best_len && strncmp(p, id, k) == 0 && p[k] == '.') {
            best = (int)i;
            best_len = k;
        }
    }
    if (best >= 0)
        *rest = p + best_len + 1;
    return best;
}

bool cj_round_set(cj_round *r, const char *path, double v, bool check_only) {
    const char *dot = strchr(path, '.');
    if (!dot)
        return false;
    char coll[32];
    size_t k = (size_t)(dot - path);
    if (k >= sizeof coll)
        return false;
    memcpy(coll, path, k);
    coll[k] = '\0';
    const char *rest = dot + 1;
    double *d = NULL;
    int *iv = NULL;
    bool *flag = NULL;
    if (strcmp(coll, "policy") == 0) {
        if (strcmp(rest, "providers_per_school.min") == 0)
            iv = &r->policy.pps_min;
        else if (strcmp(rest, "providers_per_school.max") == 0)
            iv = &r->policy.pps_max;
        else if (strcmp(rest, "fte_step") == 0) {
            d = &r->policy.fte_step;
            flag = &r->policy.has_fte_step;
        } else
            d = policy_field(&r->policy, rest);
    } else {
        int i = find(r, coll, rest, &rest);
        if (i < 0)
            return false;
        if (strcmp(coll, "clusters") == 0)
            d = cluster_field(&r->clusters[i], rest, &flag);
        else if (strcmp(coll, "schools") == 0)
            d = school_field(&r->schools[i], rest, &flag);
        else
            d = provider_field(&r->providers[i], rest);
        if (!d)
            iv = int_field(r, coll, (size_t)i, rest, &flag, !check_only);
    }
    if (!d && !iv)
        return false;
    if (iv && v != floor(v))
        return false;
    if (check_only)
        return true;
    if (flag)
        *flag = true;
    if (d)
        *d = v;
    else
        *iv = (int)v;
    return true;
}

static bool ends_with(const char *s, const char *tail) {
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && strcmp(s + a - b, tail) == 0;
}

int cj_round_tightens(const char *path) {
    /* minima (fte.min, providers.min, providers_per_school.min) and rates
     * raise the left side or the floor of a row; maxima, amounts and
     * capacities raise a ceiling (and U(p,s) with it) */
    const char *up[] = {".min", "min_fte_per_assignment", ".cost_per_fte"};
    const char *down[] = {".max", ".annual_amount", ".fte_capacity", ".max_schools"};
    for (size_t i = 0; i < sizeof up / sizeof *up; i++)
        if (ends_with(path, up[i]))
            return 1;
    for (size_t i = 0; i < sizeof down / sizeof *down; i++)
        if (ends_with(path, down[i]))
            return -1;
    return 0;
}
