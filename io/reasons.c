/*
 * Award reasons in words (Dutch by default, English on request): per school,
 * each provider in the plan with its scores, how it compares topic by topic
 * with the other shortlisted providers of the school, and what kept
 * higher-scoring providers out.  Written for schools and for providers who
 * were not chosen, so every figure is spelled out.
 */
#include "io_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    bool nl;
    cj_buf *b;
} W;

/* The Dutch or the English text. */
#define T(w, nl_text, en_text) ((w)->nl ? (nl_text) : (en_text))

/* A number as the language writes it: 7.5 or 7,5. */
static const char *num(const W *w, char *out, size_t n, double x, int decimals) {
    return cj_fmt_local(out, n, x, decimals, w->nl);
}

/* Whole euros with thousands separators: 114,000 or 114.000. */
static const char *euros(const W *w, char *out, size_t n, double x) {
    return cj_fmt_euros(out, n, x, w->nl);
}

static const char *pname(const cj_round *r, int p) {
    return r->providers[p].name ? r->providers[p].name : r->providers[p].id;
}

static void scores_line(W *w, const cj_round *r, int k) {
    char a[32];
    const cj_score *sc = &r->scores[k];
    cj_buf_puts(w->b, T(w, "Scores: ", "Scores: "));
    for (size_t t = 0; t < r->n_topics; t++) {
        cj_buf_printf(w->b, "%s%s %s", t ? ", " : "", r->topics[t].name,
                      num(w, a, sizeof a, sc->topic_value[t], 1));
    }
    cj_buf_printf(w->b, T(w, "; schriftelijk %s", "; written %s"),
                  num(w, a, sizeof a, cj_score_written(r, (size_t)k), 2));
    if (sc->has_interview)
        cj_buf_printf(w->b, T(w, ", gesprek %s", ", interview %s"),
                      num(w, a, sizeof a, sc->interview, 1));
    cj_buf_printf(w->b, T(w, ", totaal %s.\n", ", total %s.\n"),
                  num(w, a, sizeof a, cj_score_total(r, (size_t)k), 2));
}

/* "higher on A (8.0 against 6.5, +1.5); lower on B (...); total ..." */
static void compare(W *w, const cj_round *r, int k, int q, int kq) {
    char a[32], b2[32], d[32];
    const cj_score *x = &r->scores[k], *y = &r->scores[kq];
    cj_buf_printf(w->b, T(w, "- Tegenover %s: ", "- Against %s: "), pname(r, q));
    for (int side = 0; side < 2; side++) {
        bool any = false;
        for (size_t t = 0; t < r->n_topics; t++) {
            double diff = x->topic_value[t] - y->topic_value[t];
            if (side == 0 ? !(diff > 0) : !(diff < 0))
                continue;
            cj_buf_printf(w->b, "%s%s (%s %s %s, %s%s)",
                          any ? ", "
                              : (side == 0 ? T(w, "hoger op ", "higher on ")
                                           : T(w, "lager op ", "lower on ")),
                          r->topics[t].name, num(w, a, sizeof a, x->topic_value[t], 1),
                          T(w, "tegen", "against"),
                          num(w, b2, sizeof b2, y->topic_value[t], 1),
                          diff > 0 ? "+" : "", num(w, d, sizeof d, diff, 1));
            any = true;
        }
        if (any)
            cj_buf_puts(w->b, "; ");
    }
    double sx = cj_score_total(r, (size_t)k), sy = cj_score_total(r, (size_t)kq);
    cj_buf_printf(w->b, T(w, "totaal %s tegen %s.\n", "total %s against %s.\n"),
                  num(w, a, sizeof a, sx, 2), num(w, b2, sizeof b2, sy, 2));
}

static void why_text(W *w, const cj_round *r, const cj_why *y) {
    char a[32], b2[32];
    switch (y->kind) {
    case CJ_WHY_EXCLUDED:
        cj_buf_puts(w->b, T(w, "de school heeft deze aanbieder uitgesloten",
                            "the school excluded this provider"));
        break;
    case CJ_WHY_SHORTLIST:
        cj_buf_puts(w->b, T(w, "niet uitgenodigd voor het gesprek (niet op de shortlist)",
                            "not invited to the interview (not on the shortlist)"));
        break;
    case CJ_WHY_COUNT:
        cj_buf_printf(w->b,
                      T(w, "de school heeft al het maximum van %.0f aanbieder(s)",
                        "the school already has its maximum of %.0f provider(s)"),
                      y->a);
        break;
    case CJ_WHY_CAPACITY:
        cj_buf_printf(
            w->b,
            T(w, "de capaciteit is elders ingezet (%s fte over, minimaal %s nodig)",
              "its capacity is used elsewhere (%s FTE left, at least %s needed)"),
            num(w, a, sizeof a, y->a, 2), num(w, b2, sizeof b2, y->b, 2));
        break;
    case CJ_WHY_MAX_SCHOOLS:
        cj_buf_printf(w->b,
                      T(w, "werkt al op het maximum van %.0f scholen",
                        "already works at its maximum of %.0f schools"),
                      y->a);
        break;
    case CJ_WHY_AMOUNT:
        cj_buf_printf(w->b,
                      T(w, "het bedrag van de school is op (€ %s over, € %s nodig)",
                        "the school's amount is spent (EUR %s left, EUR %s needed)"),
                      euros(w, a, sizeof a, y->a), euros(w, b2, sizeof b2, y->b));
        break;
    case CJ_WHY_CLUSTER_AMOUNT:
        cj_buf_printf(w->b,
                      T(w, "het bedrag van het cluster is op (€ %s over, € %s nodig)",
                        "the cluster's amount is spent (EUR %s left, EUR %s needed)"),
                      euros(w, a, sizeof a, y->a), euros(w, b2, sizeof b2, y->b));
        break;
    case CJ_WHY_CLUSTER_FTE:
        cj_buf_printf(w->b,
                      T(w, "het cluster zit op zijn maximum van %s fte",
                        "the cluster is at its maximum of %s FTE"),
                      num(w, a, sizeof a, y->a, 2));
        break;
    case CJ_WHY_EXPERTISE:
        cj_buf_printf(
            w->b,
            T(w, "mist de vereiste expertise '%s'", "lacks the required expertise '%s'"),
            r->expertise[y->expertise].name);
        break;
    case CJ_WHY_COST:
        cj_buf_printf(w->b,
                      T(w,
                        "kost € %s per fte, meer dan € %s: voor hetzelfde bedrag "
                        "minder fte",
                        "costs EUR %s per FTE, more than EUR %s: fewer FTE for the "
                        "same amount"),
                      euros(w, a, sizeof a, y->a), euros(w, b2, sizeof b2, y->b));
        break;
    }
}

static const cj_price *price_of(const cj_price *v, size_t n, int p, int s) {
    for (size_t i = 0; i < n; i++)
        if (v[i].provider == p && v[i].school == s)
            return &v[i];
    return NULL;
}

static void school(W *w, const cj_round *r, const cj_selection *sel, const cj_plan *plan,
                   const cj_price *prices, size_t n_prices, int s, const bool *see) {
    char a[32], b2[32];
    const cj_school *sc = &r->schools[s];
    const cj_school_plan *sp = &plan->schools[s];
    cj_buf_printf(w->b, "\n## %s\n\n", sc->name ? sc->name : sc->id);
    if (sp->n == 0)
        cj_buf_puts(w->b, T(w, "In dit plan werkt geen aanbieder op deze school.\n",
                            "No provider works at this school in this plan.\n"));
    for (size_t i = 0; i < sp->n; i++) {
        const cj_assignment *x = &sp->a[i];
        int k = cj_round_pair(r, x->provider, s);
        cj_buf_printf(
            w->b,
            T(w, "### %s: %s fte, € %s per jaar\n\n",
              "### %s: %s FTE, EUR %s a year\n\n"),
            pname(r, x->provider), num(w, a, sizeof a, x->fte, 2),
            euros(w, b2, sizeof b2, x->fte * r->providers[x->provider].cost_per_fte));
        if (x->incumbent)
            cj_buf_puts(w->b, T(w, "Huidige aanbieder van de school.\n",
                                "The school's current provider.\n"));
        scores_line(w, r, k);
        const cj_shortlist_group *g = &sel->groups[sel->group_of[s]];
        bool header = false;
        for (size_t j = 0; j < g->n_ranking; j++) {
            int q = g->ranking[j].provider;
            int kq = cj_round_pair(r, q, s);
            if (q == x->provider || kq < 0 || !g->ranking[j].invited || (see && !see[q]))
                continue;
            if (!header)
                cj_buf_puts(
                    w->b, T(w, "\nVergeleken met de andere uitgenodigde aanbieders:\n\n",
                            "\nCompared with the other invited providers:\n\n"));
            header = true;
            compare(w, r, k, q, kq);
        }
        cj_buf_puts(w->b, "\n");
    }
    int all[256], cand[256];
    size_t na = cj_reasons_candidates(r, plan, s, all, 256), nc = 0;
    for (size_t i = 0; i < na && i < 256; i++)
        if (!see || see[all[i]])
            cand[nc++] = all[i];
    if (nc)
        cj_buf_puts(w->b, sp->n ? T(w, "### Hoger gescoord, maar niet in het plan\n\n",
                                    "### Scored higher, but not in the plan\n\n")
                                : T(w, "### Aanbieders met een score\n\n",
                                    "### Providers with a score\n\n"));
    for (size_t i = 0; i < nc; i++) {
        int q = cand[i];
        int kq = cj_round_pair(r, q, s);
        cj_buf_printf(w->b, T(w, "- %s (totaal %s): ", "- %s (total %s): "), pname(r, q),
                      num(w, a, sizeof a, cj_score_total(r, (size_t)kq), 2));
        cj_why why[16];
        size_t nw = cj_reasons_blocking(r, sel, plan, s, q, why, 16);
        for (size_t j = 0; j < nw && j < 16; j++) {
            if (j)
                cj_buf_puts(w->b, "; ");
            why_text(w, r, &why[j]);
        }
        const cj_price *pr = price_of(prices, n_prices, q, s);
        if (pr && isnan(pr->objective))
            cj_buf_printf(
                w->b,
                T(w,
                  "%sMet deze aanbieder op de school bestaat er geen plan dat "
                  "aan alle regels voldoet.",
                  "%sWith this provider at the school, no plan meets every rule."),
                nw ? ". " : "");
        else if (pr)
            cj_buf_printf(w->b,
                          T(w,
                            "%sMet deze aanbieder op de school komt het beste plan %s "
                            "punten lager uit (%s in plaats van %s).",
                            "%sWith this provider at the school, the best plan scores %s "
                            "points less (%s instead of %s)."),
                          nw ? ". " : "",
                          num(w, a, sizeof a, plan->objective - pr->objective, 4),
                          num(w, b2, sizeof b2, pr->objective, 4),
                          num(w, (char[32]){0}, 32, plan->objective, 4));
        else if (nw == 0)
            cj_buf_puts(w->b, T(w, "een andere verdeling levert samen meer op",
                                "another division gives more in total"));
        cj_buf_puts(w->b, "\n");
    }
}

char *cj_reasons_render(const cj_round *r, const cj_selection *sel, const cj_plan *plan,
                        const cj_price *prices, size_t n_prices, int only,
                        const bool *see_provider, const char *lang, size_t *len) {
    cj_buf b = {0};
    W w = {!lang || strcmp(lang, "en") != 0, &b};
    char a[32];
    cj_buf_printf(
        &b, T(&w, "# Motivering van het plan: %s\n\n", "# Reasons for the plan: %s\n\n"),
        r->name ? r->name : r->id);
    cj_buf_printf(
        &b,
        T(&w,
          "Ronde `%s`, plan %s, totaalresultaat %s. Het plan geeft de scholen "
          "zoveel mogelijk ondersteuning (fte maal score) binnen de bedragen, "
          "capaciteiten en regels van de ronde.\n",
          "Round `%s`, plan %s, total result %s. The plan gives the schools as "
          "much support (FTE times score) as the amounts, capacities and rules of "
          "the round allow.\n"),
        r->id,
        plan->status == CJ_PLAN_OPTIMAL ? T(&w, "optimaal", "optimal")
        : plan->status == CJ_PLAN_FEASIBLE
            ? T(&w, "toelaatbaar (niet bewezen optimaal)",
                "feasible (not proven optimal)")
            : T(&w, "zonder oplossing", "without a solution"),
        num(&w, a, sizeof a, plan->objective, 4));
    for (size_t s = 0; s < r->n_schools; s++)
        if (only < 0 || (int)s == only)
            school(&w, r, sel, plan, prices, n_prices, (int)s, see_provider);
    return cj_buf_take(&b, len);
}
