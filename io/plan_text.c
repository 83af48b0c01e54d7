/* The plan for people (Markdown) and for spreadsheets (CSV, one row per
 * assignment). */
#include "io_internal.h"

#include <math.h>
#include <stdio.h>

static const char *money(char *b, size_t n, double x) {
    cj_fmt_money(b, n, x);
    return b;
}

static void md_schools(cj_buf *b, const cj_round *r, const cj_plan *p,
                       const cj_totals *t) {
    char m1[48], m2[48], m3[48];
    cj_buf_puts(b, "## Schools\n\n| School | Cluster | Provider | FTE | Cost | Score |"
                   " Amount | Left |\n|---|---|---|--:|--:|--:|--:|--:|\n");
    for (size_t s = 0; s < r->n_schools; s++) {
        const cj_school *sc = &r->schools[s];
        const cj_school_plan *sp = &p->schools[s];
        for (size_t k = 0; k <= sp->n; k++) {
            if (k == sp->n && sp->n > 0)
                break;
            cj_buf_puts(b, "| ");
            if (k == 0)
                cj_buf_md(b, sc->name ? sc->name : sc->id);
            cj_buf_puts(b, " | ");
            if (k == 0)
                cj_buf_md(b, r->clusters[sc->cluster_idx].name);
            cj_buf_puts(b, " | ");
            if (sp->n == 0) {
                cj_buf_puts(b, "(none) | 0 | 0.00 | |");
            } else {
                const cj_assignment *a = &sp->a[k];
                const cj_provider *pr = &r->providers[a->provider];
                cj_buf_md(b, pr->name ? pr->name : pr->id);
                if (a->incumbent)
                    cj_buf_puts(b, " (incumbent)");
                if (a->chosen)
                    cj_buf_puts(b, " (chosen)");
                cj_buf_printf(b, " | %.4g | %s | %.2f |", a->fte,
                              money(m1, sizeof m1, a->fte * pr->cost_per_fte), a->score);
            }
            if (k == 0 && sc->has_amount)
                cj_buf_printf(
                    b, " %s | %s |\n", money(m2, sizeof m2, sc->annual_amount),
                    money(m3, sizeof m3, sc->annual_amount - t->school_cost[s]));
            else
                cj_buf_puts(b, " | |\n");
        }
    }
}

static void md_totals(cj_buf *b, const cj_round *r, const cj_totals *t) {
    char m1[48], m2[48], m3[48];
    cj_buf_puts(b, "\n## Clusters\n\n| Cluster | FTE | Range | Cost | Amount | Left |\n"
                   "|---|--:|--:|--:|--:|--:|\n");
    for (size_t c = 0; c < r->n_clusters; c++) {
        const cj_cluster *cl = &r->clusters[c];
        cj_buf_puts(b, "| ");
        cj_buf_md(b, cl->name ? cl->name : cl->id);
        cj_buf_printf(b, " | %.4g | %g–%g | %s |", t->cluster_fte[c], cl->fte.min,
                      cl->fte.max, money(m1, sizeof m1, t->cluster_cost[c]));
        if (cl->has_amount)
            cj_buf_printf(b, " %s | %s |\n", money(m2, sizeof m2, cl->annual_amount),
                          money(m3, sizeof m3, cl->annual_amount - t->cluster_cost[c]));
        else
            cj_buf_puts(b, " | |\n");
    }
    cj_buf_puts(b, "\n## Providers\n\n| Provider | FTE | Capacity | Schools | Cost |\n"
                   "|---|--:|--:|--:|--:|\n");
    for (size_t p = 0; p < r->n_providers; p++) {
        const cj_provider *pr = &r->providers[p];
        cj_buf_puts(b, "| ");
        cj_buf_md(b, pr->name ? pr->name : pr->id);
        cj_buf_printf(b, " | %.4g | %g | %d | %s |\n", t->prov_fte[p], pr->fte_capacity,
                      t->prov_schools[p], money(m1, sizeof m1, t->prov_cost[p]));
    }
}

static void md_expertise(cj_buf *b, const cj_round *r, const cj_plan *p) {
    bool header = false;
    for (size_t s = 0; s < r->n_schools; s++) {
        const cj_cluster *c = &r->clusters[r->schools[s].cluster_idx];
        for (size_t e = 0; e < c->required.n; e++) {
            if (!p->schools[s].uncovered[c->required.idx[e]])
                continue;
            if (!header)
                cj_buf_puts(b, "\n## Expertise not covered\n\n");
            header = true;
            cj_buf_puts(b, "- ");
            cj_buf_md(b, r->schools[s].name);
            cj_buf_puts(b, ": ");
            cj_buf_md(b, r->expertise[c->required.idx[e]].name);
            cj_buf_puts(b, "\n");
        }
    }
}

char *cj_plan_render_md(const cj_round *r, const cj_plan *p, const cj_plan_meta *m,
                        const cj_totals *t, size_t *len) {
    cj_buf b = {0};
    char m1[48];
    cj_buf_puts(&b, "# Plan: ");
    cj_buf_md(&b, r->name ? r->name : r->id);
    cj_buf_printf(&b, "\n\nRound `%s` · status **%s**", r->id,
                  cj_plan_status_name(p->status));
    bool solved = p->status == CJ_PLAN_OPTIMAL || p->status == CJ_PLAN_FEASIBLE;
    if (solved) {
        cj_buf_printf(
            &b, " · objective **%.4f** (scores %.4f, continuity %.4f, coverage %.4f)",
            p->objective, p->part_score, p->part_continuity, p->part_coverage);
        if (p->status == CJ_PLAN_FEASIBLE)
            cj_buf_printf(&b, " · bound %.4f, gap %.2f%%", p->bound, 100 * p->gap);
    }
    const char *limit = cj_stop_limit(p->stopped_by, false);
    if (limit && p->status == CJ_PLAN_FEASIBLE)
        cj_buf_printf(&b, " (stopped by %s)", limit);
    else if (limit && p->status == CJ_PLAN_UNKNOWN)
        cj_buf_printf(&b, " · %s stopped the search before any plan was found", limit);
    cj_buf_printf(&b, "\n\nTotal %.4g FTE for %s %s a year, in %zu assignments.\n\n",
                  t->fte, r->currency ? r->currency : "EUR",
                  money(m1, sizeof m1, t->cost), t->assignments);
    if (p->n_diagnosis) {
        cj_buf_puts(&b, "## Why there is no plan\n\n");
        for (size_t i = 0; i < p->n_diagnosis; i++) {
            cj_buf_printf(&b, "- %s: ", p->diagnosis[i].rule);
            cj_buf_md(&b, p->diagnosis[i].message);
            cj_buf_puts(&b, "\n");
        }
        cj_buf_puts(&b, "\n");
    }
    md_schools(&b, r, p, t);
    md_totals(&b, r, t);
    md_expertise(&b, r, p);
    if (p->rota.staffed && solved)
        cj_rota_md(&b, r, p);
    if (p->warnings.n) {
        cj_buf_puts(&b, "\n## Warnings\n\n");
        for (size_t i = 0; i < p->warnings.n; i++) {
            cj_buf_puts(&b, "- ");
            cj_buf_md(&b, p->warnings.v[i].message);
            cj_buf_puts(&b, "\n");
        }
    }
    cj_buf_printf(&b, "\n---\n%s, GLPK %s · input SHA-256 `%s`\n",
                  m && m->engine ? m->engine : "cjos", m && m->glpk ? m->glpk : "?",
                  m && m->input_sha256 ? m->input_sha256 : "?");
    return cj_buf_take(&b, len);
}

char *cj_plan_render_csv(const cj_round *r, const cj_plan *p, size_t *len) {
    cj_buf b = {0};
    bool staffed = p->rota.staffed;
    cj_buf_puts(&b, "school,school_name,cluster,provider,provider_name,fte,cost,score,"
                    "written,incumbent,chosen,annual_amount");
    if (staffed)
        cj_rota_csv_header(&b); /* then one row per person (SPEC section 6) */
    cj_buf_puts(&b, "\r\n");
    for (size_t s = 0; s < r->n_schools; s++) {
        const cj_school *sc = &r->schools[s];
        for (size_t k = 0; k < p->schools[s].n; k++) {
            const cj_assignment *a = &p->schools[s].a[k];
            const cj_provider *pr = &r->providers[a->provider];
            size_t first = 0, last = 0;
            if (staffed)
                cj_rota_range(p, s, a->provider, &first, &last);
            for (size_t i = first; i == first || i < last; i++) {
                cj_buf_csv(&b, sc->id);
                cj_buf_puts(&b, ",");
                cj_buf_csv(&b, sc->name);
                cj_buf_puts(&b, ",");
                cj_buf_csv(&b, r->clusters[sc->cluster_idx].id);
                cj_buf_puts(&b, ",");
                cj_buf_csv(&b, pr->id);
                cj_buf_puts(&b, ",");
                cj_buf_csv(&b, pr->name);
                cj_buf_printf(&b, ",%.15g,%.2f,%.15g,%.15g,%s,%s,", a->fte,
                              a->fte * pr->cost_per_fte, a->score, a->written,
                              a->incumbent ? "true" : "false",
                              a->chosen ? "true" : "false");
                if (sc->has_amount)
                    cj_buf_printf(&b, "%.2f", sc->annual_amount);
                if (staffed)
                    cj_rota_csv_cells(&b, r, i < last ? &p->postings[i] : NULL);
                cj_buf_puts(&b, "\r\n");
            }
        }
    }
    return cj_buf_take(&b, len);
}

char *cj_plan_render(const cj_round *r, const cj_plan *p, const cj_plan_meta *meta,
                     cj_out_format fmt, const char *lang, size_t *len) {
    cj_totals t;
    if (!cj_totals_compute(r, p, &t))
        return NULL;
    char *s = fmt == CJ_OUT_MD     ? cj_plan_render_md(r, p, meta, &t, len)
              : fmt == CJ_OUT_CSV  ? cj_plan_render_csv(r, p, len)
              : fmt == CJ_OUT_HTML ? cj_plan_render_html(r, p, meta, &t, lang, len)
                                   : cj_plan_render_json(r, p, meta, &t, len);
    cj_totals_free(&t);
    return s;
}
