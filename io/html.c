/*
 * The report for people: one self-contained HTML file (inline CSS, no
 * external requests, readable when printed) for a plan, for alternatives
 * side by side, and for a comparison.  Dutch labels by default.  Every
 * string from the input is escaped.
 */
#include "io_internal.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    bool nl;
    cj_buf *b;
} H;

#define L(h, nl_text, en_text) ((h)->nl ? (nl_text) : (en_text))

/* Text into HTML: & < > " ' escaped. */
static void esc(H *h, const char *s) {
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            cj_buf_puts(h->b, "&amp;");
            break;
        case '<':
            cj_buf_puts(h->b, "&lt;");
            break;
        case '>':
            cj_buf_puts(h->b, "&gt;");
            break;
        case '"':
            cj_buf_puts(h->b, "&quot;");
            break;
        case '\'':
            cj_buf_puts(h->b, "&#39;");
            break;
        default: {
            char one[2] = {*s, 0};
            cj_buf_puts(h->b, one);
        }
        }
    }
}

static const char *fnum(const H *h, char *out, size_t n, double x, int decimals) {
    return cj_fmt_local(out, n, x, decimals, h->nl);
}

static const char *money(const H *h, char *out, size_t n, double x) {
    return cj_fmt_euros(out, n, x, h->nl);
}

static const char *const css =
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;"
    "max-width:72rem;padding:0 1rem;color:#1b1b1b;line-height:1.4}"
    "h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:2px solid "
    "#154273}"
    ".meta{color:#555}.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax("
    "21rem,1fr));"
    "gap:1rem}.card{border:1px solid #ccc;border-radius:6px;padding:.8rem 1rem;"
    "break-inside:avoid;page-break-inside:avoid}.card h3{margin:.1rem 0 .4rem}"
    "table{border-collapse:collapse;width:100%;margin:.4rem 0}th,td{text-align:left;"
    "padding:.2rem .4rem;border-bottom:1px solid #ddd;vertical-align:top}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".bar{height:.7rem;background:#e6e6e6;border-radius:3px;overflow:hidden;margin:.2rem "
    "0}"
    ".bar span{display:block;height:100%;background:#154273}.bar "
    "span.over{background:#b3261e}"
    ".status{display:inline-block;padding:.1rem "
    ".5rem;border-radius:3px;background:#e7f0fa}"
    ".bad{background:#fbe9e7}.diff{background:#fff4ce}.small{font-size:.85rem;color:#555}"
    ".week td.on{background:#e7f0fa;text-align:center;color:#154273}"
    ".week tr.closed td{color:#999;background:#f4f4f4}"
    "@media print{body{margin:0;max-width:none}.card{border-color:#999}"
    "h2{page-break-after:avoid}}";

static void head(H *h, const char *title) {
    cj_buf_printf(
        h->b,
        "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>",
        h->nl ? "nl" : "en");
    esc(h, title);
    cj_buf_printf(h->b, "</title>\n<style>%s</style>\n</head>\n<body>\n", css);
}

static void tail(H *h, const cj_plan_meta *m) {
    cj_buf_puts(h->b, "<p class=\"small\">");
    if (m) {
        esc(h, m->engine);
        cj_buf_puts(h->b, ", GLPK ");
        esc(h, m->glpk);
        cj_buf_puts(h->b, L(h, " · SHA-256 van de invoer ", " · input SHA-256 "));
        esc(h, m->input_sha256);
    }
    cj_buf_puts(h->b,
                L(h, " · aanbieders, scores en bedragen in voorbeelden zijn fictief",
                  " · providers, scores and amounts in examples are illustrative"));
    cj_buf_puts(h->b, "</p>\n</body>\n</html>\n");
}

/* A bar of `part` against `whole`, red when over. */
static void bar(H *h, double part, double whole) {
    double pct = whole > 0 ? 100 * part / whole : 0;
    cj_buf_printf(h->b, "<div class=\"bar\"><span%s style=\"width:%.1f%%\"></span></div>",
                  pct > 100.0001 ? " class=\"over\"" : "",
                  pct > 100 ? 100
                  : pct < 0 ? 0
                            : pct);
}

static void status(H *h, const cj_plan *p) {
    const char *st = p->status == CJ_PLAN_OPTIMAL    ? L(h, "optimaal", "optimal")
                     : p->status == CJ_PLAN_FEASIBLE ? L(h, "toelaatbaar", "feasible")
                     : p->status == CJ_PLAN_INFEASIBLE
                         ? L(h, "geen plan mogelijk", "infeasible")
                         : L(h, "onbekend", "unknown");
    bool ok = p->status == CJ_PLAN_OPTIMAL || p->status == CJ_PLAN_FEASIBLE;
    cj_buf_printf(h->b, "<span class=\"status%s\">%s</span>", ok ? "" : " bad", st);
}

/* Which limit stopped the search of a plan that is not proven, said beside
 * its status (nothing for a proven plan or one without a limit). */
static void stopped(H *h, const cj_plan *p) {
    const char *limit = cj_stop_limit(p->stopped_by, h->nl);
    if (!limit)
        return;
    if (p->status == CJ_PLAN_FEASIBLE)
        cj_buf_printf(h->b, " (%s %s)", L(h, "gestopt door", "stopped by"), limit);
    else if (p->status == CJ_PLAN_UNKNOWN)
        cj_buf_printf(h->b, " · %s %s", limit,
                      L(h, "stopte het zoeken voordat er een plan was",
                        "stopped the search before any plan was found"));
}

static size_t schools_in_cluster(const cj_round *r, int c) {
    size_t n = 0;
    for (size_t s = 0; s < r->n_schools; s++)
        n += r->schools[s].cluster_idx == c;
    return n;
}

/* A staffed plan's people at school `s` and their week: day-parts down,
 * people across (SPEC section 6). */
static void week_grid(H *h, const cj_round *r, const cj_plan *p, size_t s) {
    static const char *const nl_days[] = {"ma", "di", "wo", "do", "vr"};
    static const char *const en_days[] = {"Mon", "Tue", "Wed", "Thu", "Fri"};
    const cj_school *sc = &r->schools[s];
    size_t first, last;
    cj_rota_range(p, s, -1, &first, &last);
    if (first == last)
        return;
    char f[48];
    cj_buf_printf(h->b,
                  "<table class=\"small\"><tr><th>%s</th><th>%s</th>"
                  "<th class=\"n\">fte</th><th>%s</th></tr>",
                  L(h, "Medewerker", "Person"), L(h, "Aanbieder", "Provider"),
                  L(h, "Vervangt bij lange afwezigheid", "Covered in a long absence by"));
    for (size_t i = first; i < last; i++) {
        const cj_posting *x = &p->postings[i];
        const cj_provider *pr = &r->providers[x->provider];
        cj_buf_puts(h->b, "<tr><td>");
        esc(h, pr->staff[x->staff].id);
        cj_buf_printf(h->b, " <span class=\"small\">(%s%s)</span></td><td>",
                      pr->staff[x->staff].skj ? "SKJ" : "MBO",
                      x->known ? L(h, ", kent de school", ", knows the school") : "");
        esc(h, pr->name ? pr->name : pr->id);
        cj_buf_printf(h->b, "</td><td class=\"n\">%s</td><td>",
                      fnum(h, f, sizeof f, cj_posting_fte(r, x), 1));
        if (x->backup >= 0)
            esc(h, pr->staff[x->backup].id);
        cj_buf_puts(h->b, "</td></tr>");
    }
    cj_buf_puts(h->b, "</table>");
    cj_buf_puts(h->b, "<table class=\"week small\" data-school=\"");
    esc(h, sc->id);
    cj_buf_printf(h->b, "\"><tr><th>%s</th>", L(h, "Dagdeel", "Day-part"));
    for (size_t i = first; i < last; i++) {
        cj_buf_puts(h->b, "<th>");
        esc(h, r->providers[p->postings[i].provider].staff[p->postings[i].staff].id);
        cj_buf_puts(h->b, "</th>");
    }
    cj_buf_puts(h->b, "</tr>");
    for (int d = 0; d < CJ_DAY_PARTS; d++) {
        bool open = sc->open & (1u << d);
        cj_buf_printf(h->b, "<tr%s><td>%s %s%s</td>", open ? "" : " class=\"closed\"",
                      L(h, nl_days[d / 2], en_days[d / 2]),
                      d % 2 ? L(h, "middag", "afternoon") : L(h, "ochtend", "morning"),
                      open ? "" : L(h, " (gesloten)", " (closed)"));
        for (size_t i = first; i < last; i++) {
            const cj_posting *x = &p->postings[i];
            bool there = x->parts & (1u << d);
            cj_buf_printf(h->b, "<td data-part=\"%s\"%s>%s</td>", cj_day_part_name(d),
                          there ? " class=\"on\"" : "", there ? "●" : "");
        }
        cj_buf_puts(h->b, "</tr>");
    }
    cj_buf_puts(h->b, "</table>");
}

static void school_card(H *h, const cj_round *r, const cj_plan *p, const cj_totals *t,
                        size_t s) {
    char a[48], b[48], c2[48];
    const cj_school *sc = &r->schools[s];
    const cj_cluster *cl = &r->clusters[sc->cluster_idx];
    const cj_school_plan *sp = &p->schools[s];
    cj_buf_printf(h->b, "<section class=\"card\" id=\"school-");
    esc(h, sc->id);
    cj_buf_puts(h->b, "\"><h3>");
    esc(h, sc->name);
    cj_buf_puts(h->b, "</h3><div class=\"small\">");
    esc(h, cl->name);
    if (sc->city) {
        cj_buf_puts(h->b, " · ");
        esc(h, sc->city);
    }
    cj_buf_puts(h->b, "</div>");
    double lo = sc->fte.set
                    ? sc->fte.min
                    : cl->fte.min / (double)schools_in_cluster(r, sc->cluster_idx);
    double hi = sc->fte.set
                    ? sc->fte.max
                    : cl->fte.max / (double)schools_in_cluster(r, sc->cluster_idx);
    cj_buf_printf(h->b, "<p><strong class=\"fte\">%s fte</strong> %s %s–%s fte)</p>",
                  fnum(h, a, sizeof a, t->school_fte[s], 2),
                  sc->fte.set ? L(h, "(bereik van de school", "(the school's range")
                              : L(h, "(aandeel in de clusterraming",
                                  "(share of the cluster estimate"),
                  fnum(h, b, sizeof b, lo, 2), fnum(h, c2, sizeof c2, hi, 2));
    bar(h, t->school_fte[s], hi);
    if (sc->has_amount) {
        cj_buf_printf(h->b, "<p>%s € %s %s € %s (%s € %s)</p>", L(h, "Kosten", "Cost"),
                      money(h, a, sizeof a, t->school_cost[s]), L(h, "van", "of"),
                      money(h, b, sizeof b, sc->annual_amount), L(h, "over", "left"),
                      money(h, c2, sizeof c2, sc->annual_amount - t->school_cost[s]));
        bar(h, t->school_cost[s], sc->annual_amount);
    } else {
        cj_buf_printf(h->b, "<p>%s € %s</p>", L(h, "Kosten", "Cost"),
                      money(h, a, sizeof a, t->school_cost[s]));
    }
    if (sp->n == 0) {
        cj_buf_printf(h->b, "<p>%s</p>", L(h, "Geen aanbieder.", "No provider."));
    } else {
        cj_buf_printf(
            h->b,
            "<table><tr><th>%s</th><th class=\"n\">fte</th><th class=\"n\">€</th>"
            "<th class=\"n\">Score</th></tr>",
            L(h, "Aanbieder", "Provider"));
        for (size_t k = 0; k < sp->n; k++) {
            const cj_assignment *x = &sp->a[k];
            const cj_provider *pr = &r->providers[x->provider];
            cj_buf_puts(h->b, "<tr><td>");
            esc(h, pr->name);
            if (x->incumbent)
                cj_buf_printf(h->b, " <span class=\"small\">(%s)</span>",
                              L(h, "huidige aanbieder", "current provider"));
            cj_buf_printf(h->b,
                          "</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
                          "<td class=\"n\">%s</td></tr>",
                          fnum(h, a, sizeof a, x->fte, 2),
                          money(h, b, sizeof b, x->fte * pr->cost_per_fte),
                          fnum(h, c2, sizeof c2, x->score, 2));
        }
        cj_buf_puts(h->b, "</table>");
        /* topic scores of the providers in the plan */
        cj_buf_printf(h->b, "<table class=\"small\"><tr><th>%s</th>",
                      L(h, "Onderwerp", "Topic"));
        for (size_t k = 0; k < sp->n; k++) {
            cj_buf_puts(h->b, "<th class=\"n\">");
            esc(h, r->providers[sp->a[k].provider].id);
            cj_buf_puts(h->b, "</th>");
        }
        cj_buf_puts(h->b, "</tr>");
        for (size_t tp = 0; tp < r->n_topics; tp++) {
            cj_buf_puts(h->b, "<tr><td>");
            esc(h, r->topics[tp].name);
            cj_buf_puts(h->b, "</td>");
            for (size_t k = 0; k < sp->n; k++) {
                int sc_k = cj_round_pair(r, sp->a[k].provider, (int)s);
                cj_buf_printf(
                    h->b, "<td class=\"n\">%s</td>",
                    sc_k >= 0 ? fnum(h, a, sizeof a, r->scores[sc_k].topic_value[tp], 1)
                              : "");
            }
            cj_buf_puts(h->b, "</tr>");
        }
        cj_buf_puts(h->b, "</table>");
        if (p->rota.staffed)
            week_grid(h, r, p, s);
    }
    cj_buf_puts(h->b, "</section>\n");
}

static void clusters(H *h, const cj_round *r, const cj_totals *t) {
    char a[48], b[48], c2[48];
    cj_buf_printf(h->b,
                  "<h2>%s</h2>\n<table><tr><th>Cluster</th><th class=\"n\">fte</th>"
                  "<th class=\"n\">%s</th><th class=\"n\">%s</th></tr>",
                  L(h, "Clusters", "Clusters"), L(h, "Raming", "Estimate"),
                  L(h, "Kosten", "Cost"));
    for (size_t c = 0; c < r->n_clusters; c++) {
        cj_buf_puts(h->b, "<tr><td>");
        esc(h, r->clusters[c].name);
        cj_buf_printf(h->b,
                      "</td><td class=\"n\">%s</td><td class=\"n\">%s–%s</td>"
                      "<td class=\"n\">€ %s</td></tr>",
                      fnum(h, a, sizeof a, t->cluster_fte[c], 2),
                      fnum(h, b, sizeof b, r->clusters[c].fte.min, 2),
                      fnum(h, c2, sizeof c2, r->clusters[c].fte.max, 2),
                      money(h, a, sizeof a, t->cluster_cost[c]));
    }
    cj_buf_puts(h->b, "</table>\n");
}

char *cj_plan_render_html(const cj_round *r, const cj_plan *p, const cj_plan_meta *m,
                          const cj_totals *t, const char *lang, size_t *len) {
    cj_buf b = {0};
    H h = {!lang || strcmp(lang, "en") != 0, &b};
    char x[48], y[48];
    head(&h, r->name ? r->name : r->id);
    cj_buf_puts(&b, "<h1>");
    esc(&h, r->name ? r->name : r->id);
    cj_buf_printf(&b, "</h1>\n<p class=\"meta\">%s <code>",
                  L(&h, "Plan voor ronde", "Plan for round"));
    esc(&h, r->id);
    cj_buf_puts(&b, "</code> · ");
    status(&h, p);
    bool ok = p->status == CJ_PLAN_OPTIMAL || p->status == CJ_PLAN_FEASIBLE;
    if (ok)
        cj_buf_printf(&b, " · %s %s", L(&h, "resultaat", "objective"),
                      fnum(&h, x, sizeof x, p->objective, 4));
    if (p->status == CJ_PLAN_FEASIBLE)
        cj_buf_printf(&b, " · %s %s, %s %s%%", L(&h, "bovengrens", "bound"),
                      fnum(&h, x, sizeof x, p->bound, 4), L(&h, "verschil", "gap"),
                      fnum(&h, y, sizeof y, 100 * p->gap, 2));
    stopped(&h, p);
    cj_buf_puts(&b, "</p>\n");
    cj_buf_printf(&b, "<h2>%s</h2>\n<p>%s fte, € %s %s, %zu %s.</p>\n",
                  L(&h, "Overzicht", "Overview"), fnum(&h, x, sizeof x, t->fte, 2),
                  money(&h, y, sizeof y, t->cost), L(&h, "per jaar", "a year"),
                  t->assignments, L(&h, "toewijzingen", "assignments"));
    if (p->n_diagnosis) {
        cj_buf_printf(&b, "<h2>%s</h2>\n<ul>",
                      L(&h, "Waarom er geen plan is", "Why there is no plan"));
        for (size_t i = 0; i < p->n_diagnosis; i++) {
            cj_buf_puts(&b, "<li>");
            esc(&h, p->diagnosis[i].message);
            cj_buf_puts(&b, "</li>");
        }
        cj_buf_puts(&b, "</ul>\n");
    }
    if (p->rota.staffed && ok) {
        cj_buf_printf(
            &b, "<p>%s</p>\n<ul class=\"small rules\">",
            L(&h, "De regels van het contract voor medewerkers, nagegaan op dit plan:",
              "The contract's staffing rules, checked on this plan:"));
        cj_rota_rules k = cj_plan_rota_rules(r, p);
        const char *rule, *en, *nl;
        bool holds;
        for (size_t i = 0, n = cj_rota_rule(&k, 0, &rule, &en, &nl, &holds); i < n; i++) {
            cj_rota_rule(&k, i, &rule, &en, &nl, &holds);
            cj_buf_printf(&b, "<li>%s %s: <strong>%s</strong></li>", rule, L(&h, nl, en),
                          holds ? L(&h, "klopt", "holds")
                                : L(&h, "KLOPT NIET", "DOES NOT HOLD"));
        }
        cj_buf_puts(&b, "</ul>\n");
    }
    cj_buf_printf(&b, "<h2>%s</h2>\n<div class=\"cards\">\n",
                  L(&h, "Scholen", "Schools"));
    for (size_t s = 0; s < r->n_schools; s++)
        school_card(&h, r, p, t, s);
    cj_buf_puts(&b, "</div>\n");
    clusters(&h, r, t);
    tail(&h, m);
    return cj_buf_take(&b, len);
}

char *cj_alternatives_render_html(const cj_round *r, cj_plan *const *plans, size_t n,
                                  const cj_plan_meta *m, const char *lang, size_t *len) {
    cj_buf b = {0};
    H h = {!lang || strcmp(lang, "en") != 0, &b};
    char x[48], y[48];
    head(&h, r->name ? r->name : r->id);
    cj_buf_puts(&b, "<h1>");
    esc(&h, r->name ? r->name : r->id);
    cj_buf_printf(&b,
                  "</h1>\n<p class=\"meta\">%s</p>\n<h2>%s</h2>\n<table><tr><th>%s</th>",
                  L(&h, "De beste plannen die van elkaar verschillen, naast elkaar.",
                    "The best plans that differ, side by side."),
                  L(&h, "Plannen", "Plans"), L(&h, "School", "School"));
    for (size_t i = 0; i < n; i++)
        cj_buf_printf(
            &b, "<th>Plan %zu<br><span class=\"small\">%s %s (−%s)</span></th>", i + 1,
            L(&h, "resultaat", "objective"),
            fnum(&h, x, sizeof x, plans[i]->objective, 4),
            fnum(&h, y, sizeof y, plans[0]->objective - plans[i]->objective, 4));
    cj_buf_puts(&b, "</tr>\n");
    for (size_t s = 0; s < r->n_schools; s++) {
        cj_buf_puts(&b, "<tr><td>");
        esc(&h, r->schools[s].name);
        cj_buf_puts(&b, "</td>");
        for (size_t i = 0; i < n; i++) {
            const cj_school_plan *sp = &plans[i]->schools[s];
            cj_buf_printf(
                &b, "<td%s>",
                i && !cj_school_plan_same(&plans[0]->schools[s], &plans[i]->schools[s])
                    ? " class=\"diff\""
                    : "");
            for (size_t k = 0; k < sp->n; k++) {
                if (k)
                    cj_buf_puts(&b, "<br>");
                esc(&h, r->providers[sp->a[k].provider].name);
                cj_buf_printf(&b, " %s fte", fnum(&h, x, sizeof x, sp->a[k].fte, 2));
            }
            cj_buf_puts(&b, "</td>");
        }
        cj_buf_puts(&b, "</tr>\n");
    }
    cj_buf_printf(&b, "</table>\n<p class=\"small\">%s</p>\n",
                  L(&h, "Geel: anders dan plan 1.", "Yellow: differs from plan 1."));
    for (size_t i = 0; i < n; i++) {
        cj_totals t;
        if (!cj_totals_compute(r, plans[i], &t))
            continue;
        cj_buf_printf(&b, "<h2>Plan %zu</h2>\n<div class=\"cards\">\n", i + 1);
        for (size_t s = 0; s < r->n_schools; s++)
            school_card(&h, r, plans[i], &t, s);
        cj_buf_puts(&b, "</div>\n");
        cj_totals_free(&t);
    }
    tail(&h, m);
    return cj_buf_take(&b, len);
}

static const char *jstr(json_t *o, const char *k) {
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static double jnum(json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    return json_is_number(v) ? json_number_value(v) : 0;
}

char *cj_compare_render_html(json_t *c, const char *lang, size_t *len) {
    cj_buf b = {0};
    H h = {!lang || strcmp(lang, "en") != 0, &b};
    char x[48], y[48];
    json_t *a = json_object_get(c, "a"), *bb = json_object_get(c, "b");
    head(&h, L(&h, "Vergelijking van twee plannen", "Comparison of two plans"));
    cj_buf_printf(&b, "<h1>%s</h1>\n<p class=\"meta\">A: <code>",
                  L(&h, "Vergelijking van twee plannen", "Comparison of two plans"));
    esc(&h, jstr(a, "file"));
    cj_buf_printf(&b, "</code> (%s) · B: <code>",
                  fnum(&h, x, sizeof x, jnum(a, "objective"), 4));
    esc(&h, jstr(bb, "file"));
    cj_buf_printf(&b, "</code> (%s) · %s %s</p>\n",
                  fnum(&h, x, sizeof x, jnum(bb, "objective"), 4),
                  L(&h, "verschil B − A", "change B − A"),
                  fnum(&h, y, sizeof y, jnum(c, "objective_change"), 4));
    cj_buf_printf(&b,
                  "<h2>%s</h2>\n<table><tr><th>School</th><th>%s</th><th>%s</th>"
                  "<th class=\"n\">fte A → B</th><th class=\"n\">€ A → B</th></tr>\n",
                  L(&h, "Scholen", "Schools"), L(&h, "Erbij", "Added"),
                  L(&h, "Eraf", "Dropped"));
    size_t i, j;
    json_t *s, *p;
    json_array_foreach(json_object_get(c, "schools"), i, s) {
        cj_buf_printf(&b, "<tr%s><td>",
                      json_is_true(json_object_get(s, "changed")) ? " class=\"diff\""
                                                                  : "");
        esc(&h, jstr(s, "name"));
        cj_buf_puts(&b, "</td><td>");
        json_array_foreach(json_object_get(s, "added"), j, p) {
            cj_buf_puts(&b, j ? "<br>" : "");
            esc(&h, jstr(p, "name"));
        }
        cj_buf_puts(&b, "</td><td>");
        json_array_foreach(json_object_get(s, "dropped"), j, p) {
            cj_buf_puts(&b, j ? "<br>" : "");
            esc(&h, jstr(p, "name"));
        }
        cj_buf_printf(&b, "</td><td class=\"n\">%s → ",
                      fnum(&h, x, sizeof x, jnum(s, "fte_a"), 2));
        cj_buf_printf(&b, "%s</td><td class=\"n\">",
                      fnum(&h, y, sizeof y, jnum(s, "fte_b"), 2));
        cj_buf_printf(&b, "%s → ", money(&h, x, sizeof x, jnum(s, "cost_a")));
        cj_buf_printf(&b, "%s</td></tr>\n", money(&h, y, sizeof y, jnum(s, "cost_b")));
    }
    cj_buf_puts(&b, "</table>\n");
    tail(&h, NULL);
    return cj_buf_take(&b, len);
}
