/*
 * Two plans side by side (cjos-comparison/1): school by school the providers
 * added and dropped, FTE and cost changes and scores; cluster and provider
 * totals; the difference in objective.  Works on the plan files alone, so
 * plans of two versions of a round can be compared.
 */
#include "io_internal.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double num(json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    return json_is_number(v) ? json_number_value(v) : 0;
}

static const char *str(json_t *o, const char *k) {
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* The member of array `a` whose "key" is `id`, or NULL. */
static json_t *find(json_t *a, const char *key, const char *id) {
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x) {
        if (strcmp(str(x, key), id) == 0)
            return x;
    }
    return NULL;
}

/* Ids of the items of A's array, then those only in B's. */
static json_t *union_ids(json_t *a, json_t *b) {
    json_t *ids = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x) {
        json_array_append_new(ids, json_string(str(x, "id")));
    }
    json_array_foreach(b, i, x) {
        if (!find(a, "id", str(x, "id")))
            json_array_append_new(ids, json_string(str(x, "id")));
    }
    return ids;
}

/* The people at a school (staffed plans): id -> day-parts array, in an object. */
static json_t *people(json_t *school) {
    json_t *o = json_object();
    size_t i, k;
    json_t *a, *p;
    json_array_foreach(json_object_get(school, "assignments"), i, a) {
        json_array_foreach(json_object_get(a, "staff"), k, p) {
            json_object_set(o, str(p, "id"), json_object_get(p, "day_parts"));
        }
    }
    return o;
}

/* Who comes in B and not in A, who no longer comes, and who comes on other
 * day-parts (staff ids as the plans show them: ids, or pseudonyms under one
 * salt). */
static void staff_change(json_t *o, json_t *sa, json_t *sb) {
    json_t *pa = people(sa), *pb = people(sb);
    json_t *came = json_array(), *left = json_array(), *moved = json_array();
    const char *k;
    json_t *v;
    json_object_foreach(pb, k, v) {
        json_t *w = json_object_get(pa, k);
        if (!w)
            json_array_append_new(came, json_string(k));
        else if (!json_equal(v, w))
            json_array_append_new(moved, json_string(k));
    }
    json_object_foreach(pa, k, v) {
        if (!json_object_get(pb, k))
            json_array_append_new(left, json_string(k));
    }
    json_object_set_new(o, "staff_came", came);
    json_object_set_new(o, "staff_left", left);
    json_object_set_new(o, "staff_days_changed", moved);
    json_decref(pa);
    json_decref(pb);
}

static json_t *school_change(json_t *sa, json_t *sb, const char *id) {
    json_t *o = json_object(), *added = json_array(), *dropped = json_array(),
           *kept = json_array();
    json_t *aa = json_object_get(sa, "assignments"),
           *ab = json_object_get(sb, "assignments");
    json_object_set_new(o, "id", json_string(id));
    json_object_set_new(o, "name", json_string(str(sa ? sa : sb, "name")));
    size_t i;
    json_t *x;
    json_array_foreach(aa, i, x) {
        json_t *y = find(ab, "provider", str(x, "provider"));
        json_t *c = json_object();
        json_object_set_new(c, "provider", json_string(str(x, "provider")));
        json_object_set_new(c, "name", json_string(str(x, "name")));
        json_object_set_new(c, "fte_a", json_real(num(x, "fte")));
        json_object_set_new(c, "fte_b", json_real(y ? num(y, "fte") : 0));
        json_object_set_new(c, "cost_a", json_real(num(x, "cost")));
        json_object_set_new(c, "cost_b", json_real(y ? num(y, "cost") : 0));
        json_object_set_new(c, "score", json_real(num(x, "score")));
        json_array_append_new(y ? kept : dropped, c);
    }
    json_array_foreach(ab, i, x) {
        if (find(aa, "provider", str(x, "provider")))
            continue;
        json_t *c = json_object();
        json_object_set_new(c, "provider", json_string(str(x, "provider")));
        json_object_set_new(c, "name", json_string(str(x, "name")));
        json_object_set_new(c, "fte_b", json_real(num(x, "fte")));
        json_object_set_new(c, "cost_b", json_real(num(x, "cost")));
        json_object_set_new(c, "score", json_real(num(x, "score")));
        json_array_append_new(added, c);
    }
    json_object_set_new(o, "added", added);
    json_object_set_new(o, "dropped", dropped);
    json_object_set_new(o, "kept", kept);
    json_object_set_new(o, "fte_a", json_real(num(sa, "fte")));
    json_object_set_new(o, "fte_b", json_real(num(sb, "fte")));
    json_object_set_new(o, "cost_a", json_real(num(sa, "cost")));
    json_object_set_new(o, "cost_b", json_real(num(sb, "cost")));
    json_object_set_new(o, "changed",
                        json_boolean(json_array_size(added) || json_array_size(dropped)));
    staff_change(o, sa, sb);
    return o;
}

/* Totals per cluster or provider: `keys` are the numbers to put side by side. */
static json_t *totals(json_t *a, json_t *b, const char *const *keys) {
    json_t *ids = union_ids(a, b), *out = json_array();
    size_t i;
    json_t *id;
    json_array_foreach(ids, i, id) {
        json_t *x = find(a, "id", json_string_value(id)),
               *y = find(b, "id", json_string_value(id));
        json_t *o = json_object();
        json_object_set_new(o, "id", json_copy(id));
        json_object_set_new(o, "name", json_string(str(x ? x : y, "name")));
        for (const char *const *k = keys; *k; k++) {
            char ka[64], kb[64];
            snprintf(ka, sizeof ka, "%s_a", *k);
            snprintf(kb, sizeof kb, "%s_b", *k);
            json_object_set_new(o, ka, json_real(x ? num(x, *k) : 0));
            json_object_set_new(o, kb, json_real(y ? num(y, *k) : 0));
        }
        json_array_append_new(out, o);
    }
    json_decref(ids);
    return out;
}

static json_t *side(json_t *p, const char *file) {
    json_t *o = json_object();
    json_object_set_new(o, "file", json_string(file));
    json_object_set_new(o, "round", json_string(str(p, "round")));
    json_object_set_new(o, "status", json_string(str(p, "status")));
    json_t *ob = json_object_get(p, "objective");
    json_object_set_new(o, "objective",
                        ob && json_is_object(ob) ? json_real(num(ob, "value"))
                                                 : json_null());
    json_object_set_new(o, "sha256",
                        json_string(str(json_object_get(p, "input"), "sha256")));
    return o;
}

json_t *cj_compare_json(json_t *a, json_t *b, const char *fa, const char *fb) {
    json_t *o = json_object(), *schools = json_array();
    json_object_set_new(o, "format", json_string("cjos-comparison/1"));
    json_object_set_new(o, "a", side(a, fa));
    json_object_set_new(o, "b", side(b, fb));
    json_t *oa = json_object_get(a, "objective"), *ob = json_object_get(b, "objective");
    json_object_set_new(o, "objective_change",
                        json_is_object(oa) && json_is_object(ob)
                            ? json_real(num(ob, "value") - num(oa, "value"))
                            : json_null());
    json_t *sa = json_object_get(a, "schools"), *sb = json_object_get(b, "schools");
    json_t *ids = union_ids(sa, sb);
    size_t i;
    json_t *id;
    json_array_foreach(ids, i, id) {
        const char *s = json_string_value(id);
        json_array_append_new(schools,
                              school_change(find(sa, "id", s), find(sb, "id", s), s));
    }
    json_decref(ids);
    json_object_set_new(o, "schools", schools);
    static const char *const ck[] = {"fte", "cost", NULL};
    static const char *const pk[] = {"fte", "cost", "schools", NULL};
    json_object_set_new(
        o, "clusters",
        totals(json_object_get(a, "clusters"), json_object_get(b, "clusters"), ck));
    json_object_set_new(
        o, "providers",
        totals(json_object_get(a, "providers"), json_object_get(b, "providers"), pk));
    json_t *ta = json_object_get(a, "totals"), *tb = json_object_get(b, "totals");
    json_t *t = json_object();
    json_object_set_new(t, "fte_a", json_real(num(ta, "fte")));
    json_object_set_new(t, "fte_b", json_real(num(tb, "fte")));
    json_object_set_new(t, "cost_a", json_real(num(ta, "cost")));
    json_object_set_new(t, "cost_b", json_real(num(tb, "cost")));
    json_object_set_new(o, "totals", t);
    return o;
}

static void md_list(cj_buf *b, json_t *a, const char *fte_key) {
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x) {
        cj_buf_puts(b, i ? ", " : "");
        cj_buf_md(b, str(x, "name"));
        cj_buf_printf(b, " %.4g", num(x, fte_key));
    }
}

static char *render_md(json_t *c, size_t *len) {
    cj_buf b = {0};
    json_t *a = json_object_get(c, "a"), *bb = json_object_get(c, "b");
    cj_buf_puts(&b, "# Comparison of two plans\n\n- A: `");
    cj_buf_md(&b, str(a, "file"));
    cj_buf_printf(&b, "` (%s, objective %.4f)\n- B: `", str(a, "status"),
                  num(a, "objective"));
    cj_buf_md(&b, str(bb, "file"));
    cj_buf_printf(&b, "` (%s, objective %.4f)\n\nObjective change B − A: **%+.4f**.\n\n",
                  str(bb, "status"), num(bb, "objective"), num(c, "objective_change"));
    cj_buf_puts(&b,
                "## Schools\n\n| School | Added | Dropped | FTE A → B | Cost A → B |\n"
                "|---|---|---|--:|--:|\n");
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(c, "schools"), i, x) {
        char m1[48], m2[48];
        cj_buf_puts(&b, "| ");
        cj_buf_md(&b, str(x, "name"));
        cj_buf_puts(&b, " | ");
        md_list(&b, json_object_get(x, "added"), "fte_b");
        cj_buf_puts(&b, " | ");
        md_list(&b, json_object_get(x, "dropped"), "fte_a");
        cj_fmt_money(m1, sizeof m1, num(x, "cost_a"));
        cj_fmt_money(m2, sizeof m2, num(x, "cost_b"));
        cj_buf_printf(&b, " | %.4g → %.4g | %s → %s |\n", num(x, "fte_a"),
                      num(x, "fte_b"), m1, m2);
    }
    bool header = false;
    json_array_foreach(json_object_get(c, "schools"), i, x) {
        static const char *const keys[] = {"staff_came", "staff_left",
                                           "staff_days_changed"};
        static const char *const words[] = {"comes", "no longer comes",
                                            "other day-parts"};
        for (int k = 0; k < 3; k++) {
            json_t *ids = json_object_get(x, keys[k]);
            if (!json_array_size(ids))
                continue;
            if (!header)
                cj_buf_puts(&b, "\n## Staff\n\n");
            header = true;
            cj_buf_puts(&b, "- ");
            cj_buf_md(&b, str(x, "name"));
            cj_buf_printf(&b, ", %s in B: ", words[k]);
            size_t j;
            json_t *y;
            json_array_foreach(ids, j, y) {
                cj_buf_puts(&b, j ? ", " : "");
                cj_buf_md(&b, json_string_value(y));
            }
            cj_buf_puts(&b, "\n");
        }
    }
    cj_buf_puts(&b,
                "\n## Clusters\n\n| Cluster | FTE A → B | Cost A → B |\n|---|--:|--:|\n");
    json_array_foreach(json_object_get(c, "clusters"), i, x) {
        char m1[48], m2[48];
        cj_fmt_money(m1, sizeof m1, num(x, "cost_a"));
        cj_fmt_money(m2, sizeof m2, num(x, "cost_b"));
        cj_buf_puts(&b, "| ");
        cj_buf_md(&b, str(x, "name"));
        cj_buf_printf(&b, " | %.4g → %.4g | %s → %s |\n", num(x, "fte_a"),
                      num(x, "fte_b"), m1, m2);
    }
    cj_buf_puts(
        &b,
        "\n## Providers\n\n| Provider | FTE A → B | Schools A → B |\n|---|--:|--:|\n");
    json_array_foreach(json_object_get(c, "providers"), i, x) {
        cj_buf_puts(&b, "| ");
        cj_buf_md(&b, str(x, "name"));
        cj_buf_printf(&b, " | %.4g → %.4g | %.0f → %.0f |\n", num(x, "fte_a"),
                      num(x, "fte_b"), num(x, "schools_a"), num(x, "schools_b"));
    }
    return cj_buf_take(&b, len);
}

static char *render_csv(json_t *c, size_t *len) {
    cj_buf b = {0};
    cj_buf_puts(&b, "school,provider,change,fte_a,fte_b,cost_a,cost_b,score\r\n");
    size_t i, j;
    json_t *x, *y;
    static const char *const kinds[] = {"added", "dropped", "kept"};
    json_array_foreach(json_object_get(c, "schools"), i, x) {
        for (int k = 0; k < 3; k++) {
            json_array_foreach(json_object_get(x, kinds[k]), j, y) {
                cj_buf_csv(&b, str(x, "id"));
                cj_buf_puts(&b, ",");
                cj_buf_csv(&b, str(y, "provider"));
                cj_buf_printf(&b, ",%s,%.15g,%.15g,%.2f,%.2f,%.15g\r\n", kinds[k],
                              num(y, "fte_a"), num(y, "fte_b"), num(y, "cost_a"),
                              num(y, "cost_b"), num(y, "score"));
            }
        }
    }
    return cj_buf_take(&b, len);
}

char *cj_compare_render(json_t *c, cj_out_format fmt, const char *lang, size_t *len) {
    if (fmt == CJ_OUT_HTML)
        return cj_compare_render_html(c, lang, len);
    if (fmt == CJ_OUT_MD)
        return render_md(c, len);
    if (fmt == CJ_OUT_CSV)
        return render_csv(c, len);
    return cj_json_text(json_incref(c), len);
}
