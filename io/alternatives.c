/* The K best plans that really differ, side by side (cjos-alternatives/1). */
#include "io_internal.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static json_t *render_json(const cj_round *r, cj_plan *const *plans, size_t n, size_t k,
                           int school, const cj_plan_meta *m) {
    json_t *o = json_object(), *arr = json_array();
    json_object_set_new(o, "format", json_string("cjos-alternatives/1"));
    json_object_set_new(o, "round", json_string(r->id));
    json_object_set_new(o, "k", json_integer((json_int_t)k));
    json_object_set_new(o, "school",
                        school >= 0 ? json_string(r->schools[school].id) : json_null());
    json_object_set_new(o, "found", json_integer((json_int_t)n));
    for (size_t i = 0; i < n; i++) {
        json_t *x = json_object(), *diff = json_array();
        json_object_set_new(x, "rank", json_integer((json_int_t)i + 1));
        json_object_set_new(x, "objective", json_real(plans[i]->objective));
        json_object_set_new(x, "gap_to_best",
                            json_real(plans[0]->objective - plans[i]->objective));
        for (size_t s = 0; s < r->n_schools; s++)
            if (!cj_school_plan_same(&plans[0]->schools[s], &plans[i]->schools[s]))
                json_array_append_new(diff, json_string(r->schools[s].id));
        json_object_set_new(x, "differs_from_best_at", diff);
        cj_totals t;
        if (cj_totals_compute(r, plans[i], &t)) {
            json_object_set_new(x, "plan", cj_plan_json(r, plans[i], m, &t));
            cj_totals_free(&t);
        }
        json_array_append_new(arr, x);
    }
    json_object_set_new(o, "plans", arr);
    return o;
}

static char *render_md(const cj_round *r, cj_plan *const *plans, size_t n, size_t k,
                       int school, size_t *len) {
    cj_buf b = {0};
    cj_buf_puts(&b, "# Alternatives: ");
    cj_buf_md(&b, r->name ? r->name : r->id);
    cj_buf_printf(&b,
                  "\n\nThe %zu best plans that differ in the providers of %s%s%s "
                  "(%zu asked).\n\n",
                  n, school >= 0 ? "school " : "at least one school",
                  school >= 0 ? r->schools[school].name : "", "", k);
    cj_buf_puts(&b, "| School |");
    for (size_t i = 0; i < n; i++)
        cj_buf_printf(&b, " Plan %zu |", i + 1);
    cj_buf_puts(&b, "\n|---|");
    for (size_t i = 0; i < n; i++)
        cj_buf_puts(&b, "---|");
    cj_buf_puts(&b, "\n| **Objective** |");
    for (size_t i = 0; i < n; i++)
        cj_buf_printf(&b, " **%.4f** (−%.4f) |", plans[i]->objective,
                      plans[0]->objective - plans[i]->objective);
    cj_buf_puts(&b, "\n");
    for (size_t s = 0; s < r->n_schools; s++) {
        if (school >= 0 && (int)s != school)
            continue;
        cj_buf_puts(&b, "| ");
        cj_buf_md(&b, r->schools[s].name);
        cj_buf_puts(&b, " |");
        for (size_t i = 0; i < n; i++) {
            const cj_school_plan *sp = &plans[i]->schools[s];
            cj_buf_puts(&b, " ");
            for (size_t j = 0; j < sp->n; j++) {
                if (j)
                    cj_buf_puts(&b, ", ");
                cj_buf_md(&b, r->providers[sp->a[j].provider].name);
                cj_buf_printf(&b, " %.4g", sp->a[j].fte);
            }
            cj_buf_puts(&b, i && !cj_school_plan_same(&plans[0]->schools[s],
                                                      &plans[i]->schools[s])
                                ? " ◆ |"
                                : " |");
        }
        cj_buf_puts(&b, "\n");
    }
    cj_buf_puts(&b, "\n◆ differs from plan 1.\n");
    if (n < k)
        cj_buf_printf(&b, "\nOnly %zu plans exist that differ in this way.\n", n);
    return cj_buf_take(&b, len);
}

static char *render_csv(const cj_round *r, cj_plan *const *plans, size_t n, size_t *len) {
    cj_buf b = {0};
    cj_buf_puts(&b, "plan,objective,gap_to_best,school,provider,fte,cost\r\n");
    for (size_t i = 0; i < n; i++)
        for (size_t s = 0; s < r->n_schools; s++)
            for (size_t j = 0; j < plans[i]->schools[s].n; j++) {
                const cj_assignment *a = &plans[i]->schools[s].a[j];
                cj_buf_printf(&b, "%zu,%.15g,%.15g,", i + 1, plans[i]->objective,
                              plans[0]->objective - plans[i]->objective);
                cj_buf_csv(&b, r->schools[s].id);
                cj_buf_puts(&b, ",");
                cj_buf_csv(&b, r->providers[a->provider].id);
                cj_buf_printf(&b, ",%.15g,%.2f\r\n", a->fte,
                              a->fte * r->providers[a->provider].cost_per_fte);
            }
    return cj_buf_take(&b, len);
}

char *cj_alternatives_render(const cj_round *r, cj_plan *const *plans, size_t n, size_t k,
                             int school, const cj_plan_meta *m, cj_out_format fmt,
                             const char *lang, size_t *len) {
    if (fmt == CJ_OUT_HTML)
        return cj_alternatives_render_html(r, plans, n, m, lang, len);
    if (fmt == CJ_OUT_MD)
        return render_md(r, plans, n, k, school, len);
    if (fmt == CJ_OUT_CSV)
        return render_csv(r, plans, n, len);
    return cj_json_text(render_json(r, plans, n, k, school, m), len);
}
