/*
 * Semantic validation of a round (SPEC §1): everything a JSON reader cannot
 * see.  Reports every problem it finds, not only the first, because people fix
 * these files by hand and want the whole list at once.
 */
#include "model.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    cj_round *r;
    cj_errors *e;
} V;

/* Reports an input error at `base` + optional key (`key` may be NULL). */
static void fail(V *v, const char *base, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void fail(V *v, const char *base, const char *key, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char *path = key ? cj_path_key(base, key) : NULL;
    cj_errors_add(v->e, CJ_ERR_INPUT, false, path ? path : base, "%s", msg);
    free(path);
}

static void check_id(V *v, const char *base, const char *key, const char *id) {
    if (!id)
        return;
    if (!cj_id_valid(id)) {
        if (strlen(id) > CJ_ID_MAX)
            fail(v, base, key, "id is longer than %d characters", CJ_ID_MAX);
        else
            fail(v, base, key, "malformed id '%s': use 1-64 of A-Z a-z 0-9 . _ -", id);
    }
}

/* Builds an id -> index map for one collection, reporting duplicates. */
static cj_index *index_ids(V *v, const char *coll, size_t n, size_t stride,
                           const void *base) {
    cj_index *ix = cj_index_new(n);
    if (!ix)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const char *id = *(char *const *)((const char *)base + i * stride);
        char at[96];
        snprintf(at, sizeof at, "$.%s[%zu]", coll, i);
        check_id(v, at, "id", id);
        if (!id)
            continue;
        int prev = cj_index_put(ix, id, (int)i);
        if (prev >= 0)
            fail(v, at, "id", "duplicate id '%s' (first at $.%s[%d])", id, coll, prev);
    }
    return ix;
}

/* Resolves a list of references, reporting unknown and repeated ones. */
static void resolve(V *v, const char *base, const char *key, cj_refs *x,
                    const cj_index *ix, const char *what) {
    free(x->idx); /* validating again (what-if runs) resolves again */
    x->idx = NULL;
    if (x->n == 0)
        return;
    x->idx = malloc(x->n * sizeof *x->idx);
    char *lp = cj_path_key(base, key);
    if (!x->idx || !lp) {
        free(lp);
        cj_errors_add(v->e, CJ_ERR_NOMEM, false, NULL, "out of memory");
        return;
    }
    for (size_t i = 0; i < x->n; i++) {
        char at[1100];
        snprintf(at, sizeof at, "%s[%zu]", lp, i);
        x->idx[i] = cj_index_get(ix, x->id[i]);
        if (x->idx[i] < 0) {
            if (!cj_id_valid(x->id[i]))
                check_id(v, at, NULL, x->id[i]);
            else
                fail(v, at, NULL, "unknown %s '%s'", what, x->id[i]);
            continue;
        }
        for (size_t j = 0; j < i; j++) {
            if (x->idx[j] == x->idx[i]) {
                fail(v, at, NULL, "%s '%s' is listed twice", what, x->id[i]);
                break;
            }
        }
    }
    free(lp);
}

static void range(V *v, const char *base, const char *key, double x, double lo, double hi,
                  bool lo_open) {
    if (!isfinite(x)) {
        fail(v, base, key, "number must be finite");
    } else if (lo_open ? !(x > lo) : x < lo) {
        if (isinf(hi))
            fail(v, base, key, "%g is out of range: must be %s %g", x,
                 lo_open ? ">" : ">=", lo);
        else
            fail(v, base, key, "%g is out of range %g..%g", x, lo, hi);
    } else if (x > hi) {
        fail(v, base, key, "%g is out of range %g..%g", x, lo, hi);
    }
}

static void frange(V *v, const char *base, const char *key, const cj_range *x) {
    if (!x->set)
        return;
    char *p = cj_path_key(base, key);
    if (!p)
        return;
    range(v, p, "min", x->min, 0, INFINITY, false);
    range(v, p, "max", x->max, 0, INFINITY, false);
    if (x->min > x->max)
        fail(v, p, NULL, "min %g is greater than max %g", x->min, x->max);
    free(p);
}

static void irange(V *v, const char *base, const char *key, const cj_irange *x) {
    if (!x->set)
        return;
    char *p = cj_path_key(base, key);
    if (!p)
        return;
    range(v, p, "min", x->min, 0, INFINITY, false);
    range(v, p, "max", x->max, 0, INFINITY, false);
    if (x->min > x->max)
        fail(v, p, NULL, "min %d is greater than max %d", x->min, x->max);
    free(p);
}

/* YYYY-MM-DD with a real month and day. */
static bool iso_date(const char *s) {
    int y, m, d;
    char tail;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
        return false;
    if (s[4] != '-' || s[7] != '-' || m < 1 || m > 12 || d < 1)
        return false;
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] && !(m == 2 && d == 29 && !leap);
}

static void check_round_meta(V *v) {
    cj_round *r = v->r;
    check_id(v, "$.round", "id", r->id);
    bool ok = true;
    if (r->period_start && !iso_date(r->period_start)) {
        fail(v, "$.round.period", "start", "'%s' is not an ISO date (YYYY-MM-DD)",
             r->period_start);
        ok = false;
    }
    if (r->period_end && !iso_date(r->period_end)) {
        fail(v, "$.round.period", "end", "'%s' is not an ISO date (YYYY-MM-DD)",
             r->period_end);
        ok = false;
    }
    if (ok && r->period_start && r->period_end &&
        strcmp(r->period_start, r->period_end) > 0)
        fail(v, "$.round", "period", "start %s is after end %s", r->period_start,
             r->period_end);
}

static void check_policy(V *v) {
    const cj_policy *p = &v->r->policy;
    const char *b = "$.policy";
    cj_irange pps = {true, p->pps_min, p->pps_max};
    irange(v, b, "providers_per_school", &pps);
    range(v, b, "min_fte_per_assignment", p->min_fte, 0, INFINITY, false);
    if (p->has_fte_step)
        range(v, b, "fte_step", p->fte_step, 0, INFINITY, true);
    range(v, b, "interview_weight", p->interview_weight, 0, 1, false);
    range(v, b, "shortlist_size", p->shortlist_size, 1, INFINITY, false);
    range(v, b, "continuity_bonus", p->continuity_bonus, 0, INFINITY, false);
    range(v, b, "coverage_penalty", p->coverage_penalty, 0, INFINITY, false);
    cj_irange spa = {true, p->staff_min, p->staff_max};
    irange(v, b, "staff_per_assignment", &spa);
    range(v, b, "day_part_fte", p->day_part_fte, 0, INFINITY, true);
}

/* Staff (SPEC §6): ids unique across the round, FTE above zero, schools
 * they know that exist. */
static void check_staff(V *v) {
    cj_round *r = v->r;
    size_t total = 0;
    for (size_t p = 0; p < r->n_providers; p++)
        total += r->providers[p].n_staff;
    cj_index *ids = cj_index_new(total);
    if (!ids)
        return;
    char(*where)[96] = calloc(total + 1, sizeof *where);
    size_t k = 0;
    for (size_t p = 0; where && p < r->n_providers; p++) {
        for (size_t i = 0; i < r->providers[p].n_staff; i++, k++) {
            cj_staff *st = &r->providers[p].staff[i];
            char at[96];
            snprintf(at, sizeof at, "$.providers[%zu].staff[%zu]", p, i);
            snprintf(where[k], sizeof where[k], "%s", at);
            check_id(v, at, "id", st->id);
            if (st->id) {
                int prev = cj_index_put(ids, st->id, (int)k);
                if (prev >= 0)
                    fail(v, at, "id", "duplicate staff id '%s' (first at %s)", st->id,
                         where[prev]);
            }
            range(v, at, "fte", st->fte, 0, INFINITY, true);
            resolve(v, at, "known_at", &st->known_at, r->school_ix, "school");
        }
    }
    free(where);
    cj_index_free(ids);
}

static void check_collections(V *v) {
    cj_round *r = v->r;
    if (r->n_topics == 0)
        fail(v, "$.topics", NULL, "at least one topic is required");
    if (r->n_clusters == 0)
        fail(v, "$.clusters", NULL, "at least one cluster is required");
    if (r->n_schools == 0)
        fail(v, "$.schools", NULL, "at least one school is required");
    if (r->n_providers == 0)
        fail(v, "$.providers", NULL, "at least one provider is required");

    char at[64];
    for (size_t i = 0; i < r->n_topics; i++) {
        snprintf(at, sizeof at, "$.topics[%zu]", i);
        range(v, at, "weight", r->topics[i].weight, 0, INFINITY, true);
    }
    for (size_t i = 0; i < r->n_clusters; i++) {
        cj_cluster *c = &r->clusters[i];
        snprintf(at, sizeof at, "$.clusters[%zu]", i);
        frange(v, at, "fte", &c->fte);
        if (c->has_amount)
            range(v, at, "annual_amount", c->annual_amount, 0, INFINITY, false);
        resolve(v, at, "required_expertise", &c->required, r->expertise_ix, "expertise");
    }
    for (size_t i = 0; i < r->n_schools; i++) {
        cj_school *s = &r->schools[i];
        snprintf(at, sizeof at, "$.schools[%zu]", i);
        s->cluster_idx = s->cluster ? cj_index_get(r->cluster_ix, s->cluster) : -1;
        if (s->cluster && s->cluster_idx < 0)
            fail(v, at, "cluster", "unknown cluster '%s'", s->cluster);
        frange(v, at, "fte", &s->fte);
        if (s->has_amount)
            range(v, at, "annual_amount", s->annual_amount, 0, INFINITY, false);
        irange(v, at, "providers", &s->providers);
        resolve(v, at, "incumbents", &s->incumbents, r->provider_ix, "provider");
    }
    for (size_t i = 0; i < r->n_providers; i++) {
        cj_provider *p = &r->providers[i];
        snprintf(at, sizeof at, "$.providers[%zu]", i);
        resolve(v, at, "admitted", &p->admitted, r->cluster_ix, "cluster");
        resolve(v, at, "expertise", &p->expertise, r->expertise_ix, "expertise");
        range(v, at, "fte_capacity", p->fte_capacity, 0, INFINITY, false);
        range(v, at, "cost_per_fte", p->cost_per_fte, 0, INFINITY, true);
        if (p->has_max_schools)
            range(v, at, "max_schools", p->max_schools, 1, INFINITY, false);
    }
}

static void check_groups(V *v) {
    cj_round *r = v->r;
    int *group_of = malloc((r->n_schools ? r->n_schools : 1) * sizeof *group_of);
    if (!group_of)
        return;
    for (size_t s = 0; s < r->n_schools; s++)
        group_of[s] = -1;
    for (size_t g = 0; g < r->n_groups; g++) {
        char at[64];
        snprintf(at, sizeof at, "$.interview_groups[%zu]", g);
        cj_refs *x = &r->groups[g].schools;
        resolve(v, at, "schools", x, r->school_ix, "school");
        for (size_t k = 0; k < x->n && x->idx; k++) {
            int s = x->idx[k];
            if (s < 0)
                continue;
            if (group_of[s] >= 0 && group_of[s] != (int)g) {
                char p[96];
                snprintf(p, sizeof p, "%s.schools[%zu]", at, k);
                fail(v, p, NULL, "school '%s' is already in interview group '%s'",
                     x->id[k], r->groups[group_of[s]].id);
            } else {
                group_of[s] = (int)g;
            }
        }
    }
    free(group_of);
}

static void check_scores(V *v) {
    cj_round *r = v->r;
    r->pair_ix = cj_index_new(r->n_scores);
    for (size_t k = 0; k < r->n_scores; k++) {
        cj_score *sc = &r->scores[k];
        char at[64];
        snprintf(at, sizeof at, "$.scores[%zu]", k);
        sc->provider_idx = sc->provider ? cj_index_get(r->provider_ix, sc->provider) : -1;
        sc->school_idx = sc->school ? cj_index_get(r->school_ix, sc->school) : -1;
        if (sc->provider && sc->provider_idx < 0)
            fail(v, at, "provider", "unknown provider '%s'", sc->provider);
        if (sc->school && sc->school_idx < 0)
            fail(v, at, "school", "unknown school '%s'", sc->school);

        free(sc->topic_value);
        sc->topic_value = malloc((r->n_topics ? r->n_topics : 1) * sizeof(double));
        if (!sc->topic_value)
            return;
        for (size_t t = 0; t < r->n_topics; t++)
            sc->topic_value[t] = NAN;
        char *tp = cj_path_key(at, "topics");
        for (size_t m = 0; tp && m < sc->n_marks; m++) {
            int t = cj_index_get(r->topic_ix, sc->marks[m].topic);
            if (t < 0) {
                fail(v, tp, sc->marks[m].topic, "unknown topic '%s'", sc->marks[m].topic);
                continue;
            }
            range(v, tp, sc->marks[m].topic, sc->marks[m].value, 0, 10, false);
            sc->topic_value[t] = sc->marks[m].value;
        }
        for (size_t t = 0; tp && t < r->n_topics; t++) {
            /* a duplicated topic id is reported once, at the topic */
            if (isnan(sc->topic_value[t]) && r->topics[t].id &&
                cj_index_get(r->topic_ix, r->topics[t].id) == (int)t)
                fail(v, tp, NULL, "missing topic '%s'", r->topics[t].id);
        }
        free(tp);
        if (sc->has_interview)
            range(v, at, "interview", sc->interview, 0, 10, false);

        if (sc->provider_idx < 0 || sc->school_idx < 0)
            continue;
        int c = r->schools[sc->school_idx].cluster_idx;
        if (c >= 0 &&
            !r->admitted_to[(size_t)sc->provider_idx * r->n_clusters + (size_t)c])
            fail(v, at, NULL,
                 "provider '%s' is not admitted to cluster '%s' of school '%s'",
                 sc->provider, r->clusters[c].id, sc->school);
        if (!r->pair_ix)
            continue;
        unsigned long long key = (unsigned long long)sc->provider_idx * r->n_schools +
                                 (unsigned)sc->school_idx;
        int prev = cj_index_put_u64(r->pair_ix, key, (int)k);
        if (prev >= 0)
            fail(v, at, NULL,
                 "duplicate score for provider '%s' at school '%s' (first at "
                 "$.scores[%d])",
                 sc->provider, sc->school, prev);
    }
}

static void check_decisions(V *v) {
    cj_round *r = v->r;
    cj_index *seen = cj_index_new(r->n_decisions);
    if (!seen)
        return;
    for (size_t k = 0; k < r->n_decisions; k++) {
        cj_decision *d = &r->decisions[k];
        char at[64];
        snprintf(at, sizeof at, "$.decisions[%zu]", k);
        d->provider_idx = d->provider ? cj_index_get(r->provider_ix, d->provider) : -1;
        d->school_idx = d->school ? cj_index_get(r->school_ix, d->school) : -1;
        if (d->provider && d->provider_idx < 0)
            fail(v, at, "provider", "unknown provider '%s'", d->provider);
        if (d->school && d->school_idx < 0)
            fail(v, at, "school", "unknown school '%s'", d->school);
        if (d->provider_idx < 0 || d->school_idx < 0)
            continue;
        unsigned long long key =
            (unsigned long long)d->provider_idx * r->n_schools + (unsigned)d->school_idx;
        int prev = cj_index_put_u64(seen, key, (int)k);
        if (prev >= 0) {
            fail(v, at, NULL,
                 "duplicate decision for provider '%s' at school '%s' (first "
                 "at $.decisions[%d])",
                 d->provider, d->school, prev);
            continue;
        }
        if (cj_index_get_u64(r->pair_ix, key) < 0)
            fail(v, at, NULL,
                 "decision on provider '%s' at school '%s', a pair that has "
                 "no score",
                 d->provider, d->school);
    }
    cj_index_free(seen);
}

/* Dense membership tables, so the solver asks "has p expertise e" in O(1). */
static bool build_tables(cj_round *r) {
    size_t np = r->n_providers ? r->n_providers : 1;
    r->provider_has = calloc(np * (r->n_expertise ? r->n_expertise : 1), sizeof(bool));
    r->admitted_to = calloc(np * (r->n_clusters ? r->n_clusters : 1), sizeof(bool));
    if (!r->provider_has || !r->admitted_to)
        return false;
    for (size_t p = 0; p < r->n_providers; p++) {
        const cj_provider *pr = &r->providers[p];
        for (size_t k = 0; pr->expertise.idx && k < pr->expertise.n; k++)
            if (pr->expertise.idx[k] >= 0)
                r->provider_has[p * r->n_expertise + (size_t)pr->expertise.idx[k]] = true;
        for (size_t k = 0; pr->admitted.idx && k < pr->admitted.n; k++)
            if (pr->admitted.idx[k] >= 0)
                r->admitted_to[p * r->n_clusters + (size_t)pr->admitted.idx[k]] = true;
    }
    return true;
}

size_t cj_round_validate(cj_round *r, cj_errors *errs) {
    cj_errors local = {0};
    V v = {r, &local};
    r->validated = false;
    cj_index_free(r->topic_ix);
    cj_index_free(r->expertise_ix);
    cj_index_free(r->cluster_ix);
    cj_index_free(r->school_ix);
    cj_index_free(r->provider_ix);
    cj_index_free(r->pair_ix);
    free(r->provider_has);
    free(r->admitted_to);
    r->pair_ix = NULL;
    r->provider_has = NULL;
    r->admitted_to = NULL;

    check_round_meta(&v);
    check_policy(&v);
    r->topic_ix = index_ids(&v, "topics", r->n_topics, sizeof(cj_topic), r->topics);
    r->expertise_ix =
        index_ids(&v, "expertise", r->n_expertise, sizeof(cj_expertise), r->expertise);
    r->cluster_ix =
        index_ids(&v, "clusters", r->n_clusters, sizeof(cj_cluster), r->clusters);
    r->school_ix = index_ids(&v, "schools", r->n_schools, sizeof(cj_school), r->schools);
    r->provider_ix =
        index_ids(&v, "providers", r->n_providers, sizeof(cj_provider), r->providers);
    cj_index *gix =
        index_ids(&v, "interview_groups", r->n_groups, sizeof(cj_group), r->groups);
    cj_index_free(gix);
    if (!r->topic_ix || !r->expertise_ix || !r->cluster_ix || !r->school_ix ||
        !r->provider_ix) {
        cj_errors_add(&local, CJ_ERR_NOMEM, false, NULL, "out of memory");
    } else {
        check_collections(&v);
        if (!build_tables(r))
            cj_errors_add(&local, CJ_ERR_NOMEM, false, NULL, "out of memory");
        else {
            check_groups(&v);
            check_scores(&v);
            check_decisions(&v);
            check_staff(&v);
        }
    }
    size_t n = cj_errors_count(&local);
    r->validated = n == 0;
    cj_errors_move(errs, &local);
    return n;
}
