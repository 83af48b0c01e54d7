/*
 * The staff and week of a staffed plan (SPEC §6) for people (Markdown) and
 * spreadsheets (CSV columns).  Staff appear by whatever the round calls them
 * by then: their id, or their pseudonym when the run asked for one.
 */
#include "io_internal.h"

#include <stdio.h>

/* Whether posting `x` is at school `s` (and of provider `prov`, unless -1). */
static bool at(const cj_posting *x, size_t s, int prov) {
    return x->school == (int)s && (prov < 0 || x->provider == prov);
}

void cj_rota_range(const cj_plan *p, size_t s, int prov, size_t *a, size_t *b) {
    size_t i = 0;
    while (i < p->n_postings && !at(&p->postings[i], s, prov))
        i++;
    *a = i;
    while (i < p->n_postings && at(&p->postings[i], s, prov))
        i++;
    *b = i;
}

/* The staffing rules as people read them, in the order of SPEC §6. */
static const struct {
    const char *rule, *en, *nl;
} RULES[] = {
    {"S1", "between the minimum and maximum number of people per provider and school",
     "tussen het minimum en maximum aantal medewerkers per aanbieder en school"},
    {"S1", "each provider's FTE at a school is its people's day-parts",
     "de fte van elke aanbieder op een school is de dagdelen van zijn medewerkers"},
    {"S2", "nobody in two places in one day-part",
     "niemand op twee plaatsen in een dagdeel"},
    {"S2", "nobody beyond their FTE", "niemand boven zijn of haar fte"},
    {"S2", "only when available and the school is open",
     "alleen wanneer beschikbaar en de school open is"},
    {"S3", "MBO staff only beside an SKJ colleague of their provider",
     "MBO-medewerkers alleen naast een SKJ-collega van hun aanbieder"},
    {"S4", "no provider beyond what its staff can give",
     "geen aanbieder boven wat zijn medewerkers kunnen geven"},
    {"backup", "a colleague named for every absence of more than two weeks",
     "een collega genoemd voor elke afwezigheid langer dan twee weken"},
};

size_t cj_rota_rule(const cj_rota_rules *k, size_t i, const char **rule, const char **en,
                    const char **nl, bool *holds) {
    const bool v[] = {k->s1_people, k->s1_fte, k->s2_place,    k->s2_fte,
                      k->s2_times,  k->s3_mbo, k->s4_capacity, k->backup};
    size_t n = sizeof RULES / sizeof *RULES;
    if (i < n) {
        *rule = RULES[i].rule;
        *en = RULES[i].en;
        *nl = RULES[i].nl;
        *holds = v[i];
    }
    return n;
}

static const char *who(const cj_round *r, const cj_posting *x) {
    return r->providers[x->provider].staff[x->staff].id;
}

static void parts_text(cj_buf *b, unsigned mask) {
    bool first = true;
    for (int d = 0; d < CJ_DAY_PARTS; d++)
        if (mask & (1u << d)) {
            cj_buf_printf(b, "%s%s", first ? "" : " ", cj_day_part_name(d));
            first = false;
        }
}

void cj_rota_summary_md(cj_buf *b, const cj_plan *p) {
    cj_buf_printf(b,
                  "Staff who know their school give %.4g FTE; support on %d weekdays "
                  "(summed over schools); %d changes of school within a day; rota %s.\n",
                  p->rota.known_fte, p->rota.days, p->rota.changes,
                  p->rota.proven ? "optimal" : "feasible (not proven best)");
}

/* One school: who comes (FTE, day-parts, backup) and the week grid. */
static void school_md(cj_buf *b, const cj_round *r, const cj_plan *p, size_t s) {
    const cj_school *sc = &r->schools[s];
    const cj_school_plan *sp = &p->schools[s];
    cj_buf_puts(b, "\n### ");
    cj_buf_md(b, sc->name ? sc->name : sc->id);
    cj_buf_puts(b, "\n\n| Person | Provider | SKJ | Knows the school | FTE | Day-parts |"
                   " Backup for a long absence |\n|---|---|---|---|--:|---|---|\n");
    for (size_t k = 0; k < sp->n; k++) {
        const cj_provider *pr = &r->providers[sp->a[k].provider];
        size_t a, e;
        cj_rota_range(p, s, sp->a[k].provider, &a, &e);
        if (pr->n_staff == 0) {
            cj_buf_puts(b, "| (staff not listed) | ");
            cj_buf_md(b, pr->name ? pr->name : pr->id);
            cj_buf_printf(b, " | | | %.4g | | |\n", sp->a[k].fte);
        }
        for (size_t i = a; i < e; i++) {
            const cj_posting *x = &p->postings[i];
            cj_buf_puts(b, "| ");
            cj_buf_md(b, who(r, x));
            cj_buf_puts(b, " | ");
            cj_buf_md(b, pr->name ? pr->name : pr->id);
            cj_buf_printf(b, " | %s | %s | %.4g | ",
                          pr->staff[x->staff].skj ? "yes" : "no", x->known ? "yes" : "no",
                          cj_posting_fte(r, x));
            parts_text(b, x->parts);
            cj_buf_puts(b, " | ");
            if (x->backup >= 0)
                cj_buf_md(b, pr->staff[x->backup].id);
            else
                cj_buf_puts(b, "(none)");
            cj_buf_puts(b, " |\n");
        }
    }
    size_t first, last;
    cj_rota_range(p, s, -1, &first, &last);
    if (first == last)
        return;
    /* the week grid: day-parts down, people across */
    cj_buf_puts(b, "\n| Day-part |");
    for (size_t i = first; i < last; i++) {
        cj_buf_puts(b, " ");
        cj_buf_md(b, who(r, &p->postings[i]));
        cj_buf_puts(b, " |");
    }
    cj_buf_puts(b, "\n|---|");
    for (size_t i = first; i < last; i++)
        cj_buf_puts(b, ":-:|");
    cj_buf_puts(b, "\n");
    for (int d = 0; d < CJ_DAY_PARTS; d++) {
        bool open = sc->open & (1u << d);
        cj_buf_printf(b, "| %s%s |", cj_day_part_name(d), open ? "" : " (closed)");
        for (size_t i = first; i < last; i++)
            cj_buf_puts(b, p->postings[i].parts & (1u << d) ? " x |" : "  |");
        cj_buf_puts(b, "\n");
    }
}

void cj_rota_md(cj_buf *b, const cj_round *r, const cj_plan *p) {
    cj_buf_puts(b, "\n## Staff and week\n\n");
    cj_rota_summary_md(b, p);
    cj_buf_puts(b, "\nThe contract's staffing rules, checked on this plan:\n\n");
    cj_rota_rules k = cj_plan_rota_rules(r, p);
    const char *rule, *en, *nl;
    bool holds;
    for (size_t i = 0, n = cj_rota_rule(&k, 0, &rule, &en, &nl, &holds); i < n; i++) {
        cj_rota_rule(&k, i, &rule, &en, &nl, &holds);
        cj_buf_printf(b, "- %s %s: **%s**\n", rule, en,
                      holds ? "holds" : "DOES NOT HOLD");
    }
    for (size_t s = 0; s < r->n_schools; s++)
        if (p->schools[s].n > 0)
            school_md(b, r, p, s);
}

void cj_rota_csv_header(cj_buf *b) {
    cj_buf_puts(b, ",staff,skj,known,staff_fte,backup");
    for (int d = 0; d < CJ_DAY_PARTS; d++)
        cj_buf_printf(b, ",%s", cj_day_part_name(d));
}

void cj_rota_csv_cells(cj_buf *b, const cj_round *r, const cj_posting *x) {
    if (!x) {
        cj_buf_puts(b, ",,,,,,,,,,,,,,,");
        return;
    }
    const cj_provider *pr = &r->providers[x->provider];
    cj_buf_puts(b, ",");
    cj_buf_csv(b, pr->staff[x->staff].id);
    cj_buf_printf(b, ",%s,%s,%.15g,", pr->staff[x->staff].skj ? "true" : "false",
                  x->known ? "true" : "false", cj_posting_fte(r, x));
    if (x->backup >= 0)
        cj_buf_csv(b, pr->staff[x->backup].id);
    for (int d = 0; d < CJ_DAY_PARTS; d++)
        cj_buf_puts(b, x->parts & (1u << d) ? ",x" : ",");
}
