/*
 * Views per role.  The procurement team sees everything; a school sees its
 * own plan, its own shortlist and their scores; a provider sees its own
 * assignments and scores.  A view is made by cutting the round itself down
 * to what the audience may see (and the plan with it) before anything is
 * rendered, so no writer can leak what is not in its data.
 */
#include "io_internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

void cj_audience_free(cj_audience *a) {
    free(a->school);
    free(a->provider);
    *a = (cj_audience){0};
}

cj_code cj_audience_make(const char *spec, const cj_round *r, const cj_selection *sel,
                         const cj_plan *plan, cj_audience *a, cj_errors *errs) {
    *a = (cj_audience){0};
    if (!spec || strcmp(spec, "procurement") == 0)
        return CJ_OK;
    bool school = strncmp(spec, "school:", 7) == 0;
    bool provider = strncmp(spec, "provider:", 9) == 0;
    const char *id = school ? spec + 7 : provider ? spec + 9 : NULL;
    int idx = !id ? -1 : school ? cj_round_school(r, id) : cj_round_provider(r, id);
    if (idx < 0) {
        cj_errors_add(errs, CJ_ERR_INPUT, false, NULL,
                      id ? "--audience '%s': unknown %s"
                         : "--audience '%s': use procurement, "
                           "school:ID or provider:ID%s",
                      spec, id ? (school ? "school" : "provider") : "");
        return CJ_ERR_INPUT;
    }
    a->kind = school ? CJ_AUDIENCE_SCHOOL : CJ_AUDIENCE_PROVIDER;
    a->index = idx;
    a->school = calloc(r->n_schools + 1, sizeof(bool));
    a->provider = calloc(r->n_providers + 1, sizeof(bool));
    if (!a->school || !a->provider) {
        cj_audience_free(a);
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        return CJ_ERR_NOMEM;
    }
    if (school) {
        a->school[idx] = true;
        const cj_shortlist_group *g = &sel->groups[sel->group_of[idx]];
        for (size_t k = 0; k < g->n_ranking; k++)
            if (g->ranking[k].invited &&
                cj_round_pair(r, g->ranking[k].provider, idx) >= 0)
                a->provider[g->ranking[k].provider] = true;
        for (size_t k = 0; plan && k < plan->schools[idx].n; k++)
            a->provider[plan->schools[idx].a[k].provider] = true;
    } else {
        a->provider[idx] = true;
        for (size_t s = 0; s < r->n_schools; s++)
            a->school[s] = cj_round_pair(r, idx, (int)s) >= 0;
    }
    return CJ_OK;
}

/* Keeps the items of array `key` for which keep(item) holds. */
static void filter(json_t *root, const char *key, bool (*keep)(json_t *, const void *),
                   const void *ctx) {
    json_t *arr = json_object_get(root, key);
    for (size_t i = json_array_size(arr); i-- > 0;)
        if (!keep(json_array_get(arr, i), ctx))
            json_array_remove(arr, i);
}

typedef struct {
    const cj_round *r;
    const cj_audience *a;
} ctx;

static bool sees_school(const ctx *c, const char *id) {
    int s = id ? cj_round_school(c->r, id) : -1;
    return s >= 0 && c->a->school[s];
}

static bool sees_provider(const ctx *c, const char *id) {
    int p = id ? cj_round_provider(c->r, id) : -1;
    return p >= 0 && c->a->provider[p];
}

static const char *sval(json_t *o, const char *k) {
    return json_string_value(json_object_get(o, k));
}

static bool keep_school(json_t *x, const void *c) {
    return sees_school(c, sval(x, "id"));
}

static bool keep_provider(json_t *x, const void *c) {
    return sees_provider(c, sval(x, "id"));
}

static bool keep_pair(json_t *x, const void *c) {
    const ctx *v = c;
    if (!sees_school(v, sval(x, "school")) || !sees_provider(v, sval(x, "provider")))
        return false;
    /* a school sees the scores at itself only */
    return v->a->kind != CJ_AUDIENCE_SCHOOL ||
           cj_round_school(v->r, sval(x, "school")) == v->a->index;
}

/* Filters a list of ids in place (incumbents, the schools of a group). */
static void filter_ids(json_t *arr, bool schools, const ctx *c) {
    for (size_t i = json_array_size(arr); i-- > 0;) {
        const char *id = json_string_value(json_array_get(arr, i));
        if (!(schools ? sees_school(c, id) : sees_provider(c, id)))
            json_array_remove(arr, i);
    }
}

cj_round *cj_round_view(const char *text, size_t len, const cj_round *r,
                        const cj_audience *a, cj_errors *errs) {
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return NULL;
    ctx c = {r, a};
    filter(root, "schools", keep_school, &c);
    filter(root, "providers", keep_provider, &c);
    filter(root, "scores", keep_pair, &c);
    filter(root, "decisions", keep_pair, &c);
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(root, "schools"), i, x) {
        filter_ids(json_object_get(x, "incumbents"), false, &c);
    }
    json_array_foreach(json_object_get(root, "providers"), i, x) {
        size_t k;
        json_t *st;
        json_array_foreach(json_object_get(x, "staff"), k, st) {
            filter_ids(json_object_get(st, "known_at"), true, &c);
        }
    }
    json_t *groups = json_object_get(root, "interview_groups");
    json_array_foreach(groups, i, x) {
        filter_ids(json_object_get(x, "schools"), true, &c);
    }
    for (size_t g = json_array_size(groups); g-- > 0;)
        if (json_array_size(json_object_get(json_array_get(groups, g), "schools")) == 0)
            json_array_remove(groups, g);
    size_t n;
    char *t = cj_json_text(root, &n);
    cj_round *view = NULL;
    cj_errors e = {0};
    if (t)
        cj_round_parse(t, n, &view, &e);
    if (!view) /* cannot happen for a valid round: say so rather than leak */
        cj_errors_add(errs, CJ_ERR_INTERNAL, false, NULL,
                      "cannot make the audience's view");
    cj_errors_clear(&e);
    free(t);
    return view;
}

cj_plan *cj_plan_view(const cj_round *full, const cj_plan *p, const cj_round *view,
                      const cj_audience *a) {
    cj_plan *v = cj_plan_new(view->n_schools, view->n_expertise);
    if (!v)
        return NULL;
    v->status = p->status;
    v->objective = p->objective;
    v->bound = p->bound;
    v->gap = p->gap;
    v->part_score = p->part_score;
    v->part_continuity = p->part_continuity;
    v->part_coverage = p->part_coverage;
    v->n_rows = p->n_rows;
    v->n_cols = p->n_cols;
    v->n_int = p->n_int;
    v->time_limit = p->time_limit;
    v->node_limit = p->node_limit;
    v->memory_limit = p->memory_limit;
    v->gap_limit = p->gap_limit;
    v->stopped_by = p->stopped_by;
    v->careful = p->careful;
    for (size_t s = 0; s < full->n_schools; s++) {
        int vs = a->school[s] ? cj_round_school(view, full->schools[s].id) : -1;
        if (vs < 0)
            continue;
        for (size_t k = 0; k < p->schools[s].n; k++) {
            cj_assignment x = p->schools[s].a[k];
            int vp = cj_round_provider(view, full->providers[x.provider].id);
            if (vp < 0)
                continue;
            x.provider = vp;
            if (!cj_plan_assign(v, (size_t)vs, &x)) {
                cj_plan_free(v);
                return NULL;
            }
        }
        for (size_t e = 0; e < full->n_expertise && e < view->n_expertise; e++)
            v->schools[vs].uncovered[e] = p->schools[s].uncovered[e];
    }
    /* the rota at the schools the audience sees (staff keep their index: a
     * view keeps every person of the providers it shows) */
    v->rota = p->rota;
    for (size_t i = 0; i < p->n_postings; i++) {
        cj_posting x = p->postings[i];
        int vs =
            a->school[x.school] ? cj_round_school(view, full->schools[x.school].id) : -1;
        int vp = cj_round_provider(view, full->providers[x.provider].id);
        if (vs < 0 || vp < 0)
            continue;
        x.school = vs;
        x.provider = vp;
        if (!cj_plan_post(v, &x)) {
            cj_plan_free(v);
            return NULL;
        }
    }
    if (v->rota.staffed)
        cj_plan_rota_count(view, v); /* what the audience's own schools add up to */
    return v;
}
