/*
 * JSON -> cj_round.  Checks what only the JSON can tell: types, required and
 * unknown keys, enumerations.  Everything else (ids, references, ranges) is
 * model/validate.c's.  Keeps going after an error so one run lists them all.
 */
#include "io.h"
#include "io_internal.h"

#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    cj_errors *e;
    cj_round *r;
} R;

static void fail(R *x, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(R *x, const char *path, const char *fmt, ...) {
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cj_errors_add(x->e, CJ_ERR_INPUT, false, path, "%s", msg);
}

static const char *type_name(const json_t *j) {
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

static bool extension_key(const char *k) {
    return strcmp(k, "$schema") == 0 || strncmp(k, "x-", 2) == 0;
}

/* Reports every key of `obj` that is not in the NULL-terminated `allowed`. */
static void check_keys(R *x, json_t *obj, const char *path, const char *const *allowed) {
    const char *key;
    json_t *val;
    json_object_foreach(obj, key, val) {
        bool ok = extension_key(key);
        for (const char *const *a = allowed; !ok && *a; a++)
            ok = strcmp(*a, key) == 0;
        if (!ok) {
            char *p = cj_path_key(path, key);
            fail(x, p ? p : path, "unknown key '%s'", key);
            free(p);
        }
    }
}

/* The member `key` of `obj`, or NULL; reports a missing required key. */
static json_t *member(R *x, json_t *obj, const char *path, const char *key,
                      bool required) {
    json_t *v = json_object_get(obj, key);
    if (!v && required)
        fail(x, path, "missing required key '%s'", key);
    return v;
}

static void wrong_type(R *x, const char *path, const char *key, const char *want,
                       const json_t *got) {
    char *p = key ? cj_path_key(path, key) : NULL;
    fail(x, p ? p : path, "wrong type: expected %s, got %s", want, type_name(got));
    free(p);
}

static char *get_str(R *x, json_t *obj, const char *path, const char *key,
                     bool required) {
    json_t *v = member(x, obj, path, key, required);
    if (!v)
        return NULL;
    if (!json_is_string(v)) {
        wrong_type(x, path, key, "a string", v);
        return NULL;
    }
    if (json_string_length(v) > CJ_MAX_STRING) {
        char *p = cj_path_key(path, key);
        fail(x, p ? p : path, "string of %zu bytes, longer than the limit of %d",
             json_string_length(v), CJ_MAX_STRING);
        free(p);
        return NULL;
    }
    return cj_strdup(json_string_value(v));
}

/* Reads a number into *out; false when absent or of the wrong type. */
static bool get_num(R *x, json_t *obj, const char *path, const char *key, bool required,
                    double *out) {
    json_t *v = member(x, obj, path, key, required);
    if (!v)
        return false;
    if (!json_is_number(v)) {
        wrong_type(x, path, key, "a number", v);
        return false;
    }
    *out = json_number_value(v);
    return true;
}

/* Integers may be written 2 or 2.0; 2.5 is a wrong type. */
static bool as_int(R *x, json_t *v, const char *path, const char *key, int *out) {
    double d = json_is_number(v) ? json_number_value(v) : NAN;
    if (!json_is_number(v) || d != floor(d)) {
        wrong_type(x, path, key, "a whole number", v);
        return false;
    }
    if (d < INT_MIN || d > INT_MAX) {
        char *p = key ? cj_path_key(path, key) : NULL;
        fail(x, p ? p : path, "%.0f is out of range", d);
        free(p);
        return false;
    }
    *out = (int)d;
    return true;
}

static bool get_int(R *x, json_t *obj, const char *path, const char *key, bool required,
                    int *out) {
    json_t *v = member(x, obj, path, key, required);
    return v && as_int(x, v, path, key, out);
}

static bool get_bool(R *x, json_t *obj, const char *path, const char *key, bool *out) {
    json_t *v = member(x, obj, path, key, false);
    if (!v)
        return false;
    if (!json_is_boolean(v)) {
        wrong_type(x, path, key, "true or false", v);
        return false;
    }
    *out = json_is_true(v);
    return true;
}

/* An enumeration: the index of the string in `names`, or -1 (reported). */
static int get_enum(R *x, json_t *obj, const char *path, const char *key, bool required,
                    const char *const *names) {
    json_t *v = member(x, obj, path, key, required);
    if (!v)
        return -1;
    char *p = cj_path_key(path, key);
    int found = -1;
    if (!json_is_string(v)) {
        wrong_type(x, path, key, "a string", v);
    } else {
        for (int i = 0; names[i]; i++)
            if (strcmp(names[i], json_string_value(v)) == 0)
                found = i;
        if (found < 0) {
            char list[200] = "";
            for (int i = 0; names[i]; i++) {
                strcat(list, i ? ", '" : "'");
                strcat(list, names[i]);
                strcat(list, "'");
            }
            fail(x, p ? p : path, "unknown value '%s': expected one of %s",
                 json_string_value(v), list);
        }
    }
    free(p);
    return found;
}

/* An array member; NULL when absent or of the wrong type. */
static json_t *get_array(R *x, json_t *obj, const char *path, const char *key,
                         bool required) {
    json_t *v = member(x, obj, path, key, required);
    if (v && !json_is_array(v)) {
        wrong_type(x, path, key, "an array", v);
        return NULL;
    }
    return v;
}

static json_t *get_object(R *x, json_t *obj, const char *path, const char *key,
                          bool required) {
    json_t *v = member(x, obj, path, key, required);
    if (v && !json_is_object(v)) {
        wrong_type(x, path, key, "an object", v);
        return NULL;
    }
    return v;
}

/* A list of id strings. */
static void get_refs(R *x, json_t *obj, const char *path, const char *key, bool required,
                     cj_refs *out) {
    json_t *a = get_array(x, obj, path, key, required);
    if (!a)
        return;
    size_t n = json_array_size(a);
    if (n > CJ_MAX_LIST) {
        char *p = cj_path_key(path, key);
        fail(x, p ? p : path, "%zu ids, more than the limit of %d", n, CJ_MAX_LIST);
        free(p);
        return;
    }
    out->id = calloc(n ? n : 1, sizeof *out->id);
    if (!out->id)
        return;
    char *lp = cj_path_key(path, key);
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(a, i);
        if (!json_is_string(v)) {
            char *ip = cj_path_index(lp ? lp : path, i);
            fail(x, ip ? ip : path, "wrong type: expected an id string, got %s",
                 type_name(v));
            free(ip);
            continue;
        }
        out->id[out->n++] = cj_strdup(json_string_value(v));
    }
    free(lp);
}

/* A list of day-part names as a mask; `dflt` when the key is absent. */
static unsigned get_day_parts(R *x, json_t *obj, const char *path, const char *key,
                              unsigned dflt) {
    json_t *a = get_array(x, obj, path, key, false);
    if (!a)
        return dflt;
    unsigned mask = 0;
    char *lp = cj_path_key(path, key);
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *v = json_array_get(a, i);
        char *ip = cj_path_index(lp ? lp : path, i);
        int d = json_is_string(v) ? cj_day_part(json_string_value(v)) : -1;
        if (!json_is_string(v))
            fail(x, ip ? ip : path,
                 "wrong type: expected a day-part such as 'wed-pm', got %s",
                 type_name(v));
        else if (d < 0)
            fail(x, ip ? ip : path,
                 "unknown day-part '%s': use mon-am, mon-pm, ..., fri-pm",
                 json_string_value(v));
        else if (mask & (1u << d))
            fail(x, ip ? ip : path, "day-part '%s' is listed twice",
                 json_string_value(v));
        else
            mask |= 1u << d;
        free(ip);
    }
    free(lp);
    return mask;
}

static void get_range(R *x, json_t *obj, const char *path, const char *key, bool required,
                      cj_range *out) {
    json_t *o = get_object(x, obj, path, key, required);
    if (!o)
        return;
    char *p = cj_path_key(path, key);
    if (!p)
        return;
    static const char *const keys[] = {"min", "max", NULL};
    check_keys(x, o, p, keys);
    bool a = get_num(x, o, p, "min", true, &out->min);
    bool b = get_num(x, o, p, "max", true, &out->max);
    out->set = a && b;
    free(p);
}

static void get_irange(R *x, json_t *obj, const char *path, const char *key,
                       cj_irange *out, bool *present) {
    json_t *o = get_object(x, obj, path, key, false);
    if (!o)
        return;
    char *p = cj_path_key(path, key);
    if (!p)
        return;
    static const char *const keys[] = {"min", "max", NULL};
    check_keys(x, o, p, keys);
    bool a = get_int(x, o, p, "min", true, &out->min);
    bool b = get_int(x, o, p, "max", true, &out->max);
    out->set = a && b;
    if (present)
        *present = out->set;
    free(p);
}

/*
 * Walks an array member whose items must be objects: allocates `*items` with
 * `size` bytes per item and calls `each` for every object.  Returns the count.
 */
typedef void (*item_fn)(R *x, json_t *obj, const char *path, void *item);

static size_t get_items(R *x, json_t *root, const char *key, bool required, size_t size,
                        void **items, item_fn each) {
    *items = NULL;
    json_t *a = get_array(x, root, "$", key, required);
    if (!a)
        return 0;
    size_t n = json_array_size(a);
    size_t limit = strcmp(key, "scores") == 0 || strcmp(key, "decisions") == 0
                       ? CJ_MAX_PAIRS
                       : CJ_MAX_ENTITIES;
    if (n > limit) {
        char *p = cj_path_key("$", key);
        fail(x, p ? p : "$", "%zu items, more than the limit of %zu", n, limit);
        free(p);
        x->r->over_limit = true;
        return 0;
    }
    *items = calloc(n ? n : 1, size);
    if (!*items) {
        cj_errors_add(x->e, CJ_ERR_NOMEM, false, NULL, "out of memory");
        return 0;
    }
    char *base = cj_path_key("$", key);
    for (size_t i = 0; base && i < n; i++) {
        char *ip = cj_path_index(base, i);
        json_t *v = json_array_get(a, i);
        if (!ip)
            break;
        if (!json_is_object(v))
            fail(x, ip, "wrong type: expected an object, got %s", type_name(v));
        else
            each(x, v, ip, (char *)*items + i * size);
        free(ip);
    }
    free(base);
    return n;
}

static void read_topic(R *x, json_t *o, const char *p, void *item) {
    static const char *const keys[] = {"id", "name", "weight", NULL};
    cj_topic *t = item;
    check_keys(x, o, p, keys);
    t->id = get_str(x, o, p, "id", true);
    t->name = get_str(x, o, p, "name", true);
    t->weight = 1;
    get_num(x, o, p, "weight", false, &t->weight);
}

static void read_expertise(R *x, json_t *o, const char *p, void *item) {
    static const char *const keys[] = {"id", "name", NULL};
    cj_expertise *t = item;
    check_keys(x, o, p, keys);
    t->id = get_str(x, o, p, "id", true);
    t->name = get_str(x, o, p, "name", true);
}

static void read_cluster(R *x, json_t *o, const char *p, void *item) {
    static const char *const keys[] = {
        "id", "name", "fte", "annual_amount", "required_expertise", NULL};
    cj_cluster *c = item;
    check_keys(x, o, p, keys);
    c->id = get_str(x, o, p, "id", true);
    c->name = get_str(x, o, p, "name", true);
    get_range(x, o, p, "fte", true, &c->fte);
    c->has_amount = get_num(x, o, p, "annual_amount", false, &c->annual_amount);
    get_refs(x, o, p, "required_expertise", false, &c->required);
}

static void read_school(R *x, json_t *o, const char *p, void *item) {
    static const char *const keys[] = {
        "id",           "name",  "cluster", "address",       "city",
        "municipality", "level", "fte",     "annual_amount", "providers",
        "incumbents",   "open",  NULL};
    cj_school *s = item;
    check_keys(x, o, p, keys);
    s->id = get_str(x, o, p, "id", true);
    s->name = get_str(x, o, p, "name", true);
    s->cluster = get_str(x, o, p, "cluster", true);
    s->cluster_idx = -1;
    s->address = get_str(x, o, p, "address", false);
    s->city = get_str(x, o, p, "city", false);
    s->municipality = get_str(x, o, p, "municipality", false);
    s->level = get_str(x, o, p, "level", false);
    get_range(x, o, p, "fte", false, &s->fte);
    s->has_amount = get_num(x, o, p, "annual_amount", false, &s->annual_amount);
    get_irange(x, o, p, "providers", &s->providers, NULL);
    get_refs(x, o, p, "incumbents", false, &s->incumbents);
    s->open = get_day_parts(x, o, p, "open", CJ_ALL_DAY_PARTS);
}

static void read_group(R *x, json_t *o, const char *p, void *item) {
    static const char *const keys[] = {"id", "name", "schools", NULL};
    cj_group *g = item;
    check_keys(x, o, p, keys);
    g->id = get_str(x, o, p, "id", true);
    g->name = get_str(x, o, p, "name", true);
    get_refs(x, o, p, "schools", true, &g->schools);
}

/* providers[].staff (SPEC §6). */
static void read_staff(R *x, json_t *o, const char *p, cj_provider *v) {
    json_t *a = get_array(x, o, p, "staff", false);
    if (!a)
        return;
    size_t n = json_array_size(a);
    char *sp = cj_path_key(p, "staff");
    if (n > CJ_MAX_LIST) {
        fail(x, sp ? sp : p, "%zu staff, more than the limit of %d", n, CJ_MAX_LIST);
        free(sp);
        return;
    }
    v->staff = calloc(n ? n : 1, sizeof *v->staff);
    if (!v->staff || !sp) {
        free(sp);
        return;
    }
    x->r->staffed = true;
    static const char *const keys[] = {"id", "fte", "skj", "known_at", "available", NULL};
    for (size_t i = 0; i < n; i++) {
        json_t *m = json_array_get(a, i);
        char *ip = cj_path_index(sp, i);
        if (!ip)
            break;
        if (!json_is_object(m)) {
            fail(x, ip, "wrong type: expected an object, got %s", type_name(m));
            free(ip);
            continue;
        }
        cj_staff *st = &v->staff[v->n_staff++];
        check_keys(x, m, ip, keys);
        st->id = get_str(x, m, ip, "id", true);
        get_num(x, m, ip, "fte", true, &st->fte);
        json_t *skj = member(x, m, ip, "skj", true);
        if (skj && !json_is_boolean(skj))
            wrong_type(x, ip, "skj", "true or false", skj);
        st->skj = json_is_true(skj);
        get_refs(x, m, ip, "known_at", false, &st->known_at);
        st->available = get_day_parts(x, m, ip, "available", CJ_ALL_DAY_PARTS);
        free(ip);
    }
    free(sp);
}

static void read_provider(R *x, json_t *o, const char *p, void *item) {
    static const char *const keys[] = {"id",          "name",         "admitted",
                                       "expertise",   "fte_capacity", "cost_per_fte",
                                       "max_schools", "staff",        NULL};
    cj_provider *v = item;
    check_keys(x, o, p, keys);
    v->id = get_str(x, o, p, "id", true);
    v->name = get_str(x, o, p, "name", true);
    get_refs(x, o, p, "admitted", true, &v->admitted);
    get_refs(x, o, p, "expertise", false, &v->expertise);
    get_num(x, o, p, "fte_capacity", true, &v->fte_capacity);
    v->cost_per_fte = 1; /* harmless when missing: the missing key is reported */
    get_num(x, o, p, "cost_per_fte", true, &v->cost_per_fte);
    v->has_max_schools = get_int(x, o, p, "max_schools", false, &v->max_schools);
    read_staff(x, o, p, v);
}

static bool is_topic(const cj_round *r, const char *key) {
    for (size_t t = 0; t < r->n_topics; t++)
        if (r->topics[t].id && strcmp(r->topics[t].id, key) == 0)
            return true;
    return false;
}

static void read_score(R *x, json_t *o, const char *p, void *item) {
    static const char *const keys[] = {"provider", "school", "topics", "interview", NULL};
    cj_score *s = item;
    check_keys(x, o, p, keys);
    s->provider = get_str(x, o, p, "provider", true);
    s->school = get_str(x, o, p, "school", true);
    s->provider_idx = s->school_idx = -1;
    s->has_interview = get_num(x, o, p, "interview", false, &s->interview);
    json_t *t = get_object(x, o, p, "topics", true);
    if (!t)
        return;
    char *tp = cj_path_key(p, "topics");
    s->marks = calloc(json_object_size(t) + 1, sizeof *s->marks);
    if (!tp || !s->marks) {
        free(tp);
        return;
    }
    const char *key;
    json_t *val;
    json_object_foreach(t, key, val) {
        if (extension_key(key) && !is_topic(x->r, key))
            continue;
        if (!json_is_number(val)) {
            wrong_type(x, tp, key, "a number", val);
            continue;
        }
        s->marks[s->n_marks].topic = cj_strdup(key);
        s->marks[s->n_marks].value = json_number_value(val);
        s->n_marks++;
    }
    free(tp);
}

static void read_decision(R *x, json_t *o, const char *p, void *item) {
    static const char *const keys[] = {"school", "provider", "decision", NULL};
    static const char *const kinds[] = {"chosen", "excluded", NULL};
    cj_decision *d = item;
    check_keys(x, o, p, keys);
    d->school = get_str(x, o, p, "school", true);
    d->provider = get_str(x, o, p, "provider", true);
    d->school_idx = d->provider_idx = -1;
    int k = get_enum(x, o, p, "decision", true, kinds);
    d->kind = k == 1 ? CJ_DECIDE_EXCLUDED : CJ_DECIDE_CHOSEN;
}

static void read_policy(R *x, json_t *root) {
    json_t *o = get_object(x, root, "$", "policy", false);
    if (!o)
        return;
    static const char *const keys[] = {"providers_per_school",
                                       "min_fte_per_assignment",
                                       "fte_step",
                                       "interview_weight",
                                       "shortlist_size",
                                       "use_shortlist",
                                       "continuity",
                                       "continuity_bonus",
                                       "expertise_coverage",
                                       "coverage_penalty",
                                       "staff_per_assignment",
                                       "day_part_fte",
                                       NULL};
    static const char *const cont[] = {"none", "prefer", "require", NULL};
    static const char *const cover[] = {"hard", "soft", "off", NULL};
    const char *p = "$.policy";
    cj_policy *pol = &x->r->policy;
    check_keys(x, o, p, keys);
    cj_irange pps = {0};
    bool have = false;
    get_irange(x, o, p, "providers_per_school", &pps, &have);
    if (have) {
        pol->pps_min = pps.min;
        pol->pps_max = pps.max;
    }
    get_num(x, o, p, "min_fte_per_assignment", false, &pol->min_fte);
    json_t *step = json_object_get(o, "fte_step");
    if (step && !json_is_null(step))
        pol->has_fte_step = get_num(x, o, p, "fte_step", false, &pol->fte_step);
    get_num(x, o, p, "interview_weight", false, &pol->interview_weight);
    get_int(x, o, p, "shortlist_size", false, &pol->shortlist_size);
    get_bool(x, o, p, "use_shortlist", &pol->use_shortlist);
    int c = get_enum(x, o, p, "continuity", false, cont);
    if (c >= 0)
        pol->continuity = (cj_continuity)c;
    get_num(x, o, p, "continuity_bonus", false, &pol->continuity_bonus);
    int v = get_enum(x, o, p, "expertise_coverage", false, cover);
    if (v >= 0)
        pol->coverage = (cj_coverage)v;
    get_num(x, o, p, "coverage_penalty", false, &pol->coverage_penalty);
    cj_irange spa = {0};
    bool has_spa = false;
    get_irange(x, o, p, "staff_per_assignment", &spa, &has_spa);
    if (has_spa) {
        pol->staff_min = spa.min;
        pol->staff_max = spa.max;
    }
    get_num(x, o, p, "day_part_fte", false, &pol->day_part_fte);
}

static void read_meta(R *x, json_t *root) {
    json_t *f = member(x, root, "$", "format", true);
    if (f && !json_is_string(f))
        wrong_type(x, "$", "format", "a string", f);
    else if (f && strcmp(json_string_value(f), CJ_FORMAT_ROUND) != 0)
        fail(x, "$.format", "wrong format '%s': expected '%s'", json_string_value(f),
             CJ_FORMAT_ROUND);

    json_t *o = get_object(x, root, "$", "round", true);
    if (!o)
        return;
    static const char *const keys[] = {"id", "name", "period", "currency", NULL};
    check_keys(x, o, "$.round", keys);
    x->r->id = get_str(x, o, "$.round", "id", true);
    x->r->name = get_str(x, o, "$.round", "name", false);
    x->r->currency = get_str(x, o, "$.round", "currency", false);
    json_t *per = get_object(x, o, "$.round", "period", false);
    if (per) {
        static const char *const pk[] = {"start", "end", NULL};
        check_keys(x, per, "$.round.period", pk);
        x->r->period_start = get_str(x, per, "$.round.period", "start", true);
        x->r->period_end = get_str(x, per, "$.round.period", "end", true);
    }
}

cj_round *cj_round_from_json(void *json_root, cj_errors *errs) {
    json_t *root = json_root;
    cj_round *r = cj_round_new();
    if (!r) {
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        return NULL;
    }
    R x = {errs, r};
    if (!json_is_object(root)) {
        fail(&x, "$", "wrong type: a round is a JSON object, got %s", type_name(root));
        return r;
    }
    static const char *const keys[] = {
        "format",    "round",    "policy",    "topics",
        "expertise", "clusters", "schools",   "interview_groups",
        "providers", "scores",   "decisions", NULL};
    check_keys(&x, root, "$", keys);
    read_meta(&x, root);
    read_policy(&x, root);
    void *v;
    r->n_topics = get_items(&x, root, "topics", true, sizeof(cj_topic), &v, read_topic);
    r->topics = v;
    r->n_expertise =
        get_items(&x, root, "expertise", false, sizeof(cj_expertise), &v, read_expertise);
    r->expertise = v;
    r->n_clusters =
        get_items(&x, root, "clusters", true, sizeof(cj_cluster), &v, read_cluster);
    r->clusters = v;
    r->n_schools =
        get_items(&x, root, "schools", true, sizeof(cj_school), &v, read_school);
    r->schools = v;
    r->n_groups =
        get_items(&x, root, "interview_groups", false, sizeof(cj_group), &v, read_group);
    r->groups = v;
    r->n_providers =
        get_items(&x, root, "providers", true, sizeof(cj_provider), &v, read_provider);
    r->providers = v;
    r->n_scores = get_items(&x, root, "scores", true, sizeof(cj_score), &v, read_score);
    r->scores = v;
    r->n_decisions =
        get_items(&x, root, "decisions", false, sizeof(cj_decision), &v, read_decision);
    r->decisions = v;
    return r;
}
