/*
 * The plan as JSON (cjos-plan/1, SPEC §4, docs/plan.md).  Keys come in a
 * fixed order and numbers with 15 significant digits, so the same round
 * always gives the same bytes.
 */
#include "io_internal.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* jansson's json_object_set_new() steals the value; NULL values become null. */
static void put(json_t *o, const char *k, json_t *v) {
    json_object_set_new(o, k, v ? v : json_null());
}

static json_t *num(double x) {
    return isfinite(x) ? json_real(x == 0 ? 0 : x) : json_null();
}

static json_t *str(const char *s) {
    return s ? json_string(s) : json_null();
}

static json_t *policy_json(const cj_policy *p) {
    static const char *const cont[] = {"none", "prefer", "require"};
    static const char *const cover[] = {"hard", "soft", "off"};
    json_t *o = json_object(), *pps = json_object();
    put(pps, "min", json_integer(p->pps_min));
    put(pps, "max", json_integer(p->pps_max));
    put(o, "providers_per_school", pps);
    put(o, "min_fte_per_assignment", num(p->min_fte));
    put(o, "fte_step", p->has_fte_step ? num(p->fte_step) : json_null());
    put(o, "interview_weight", num(p->interview_weight));
    put(o, "shortlist_size", json_integer(p->shortlist_size));
    put(o, "use_shortlist", json_boolean(p->use_shortlist));
    put(o, "continuity", json_string(cont[p->continuity]));
    put(o, "continuity_bonus", num(p->continuity_bonus));
    put(o, "expertise_coverage", json_string(cover[p->coverage]));
    put(o, "coverage_penalty", num(p->coverage_penalty));
    return o;
}

/* The rota's parts of the policy (SPEC §6), for staffed plans only. */
static void policy_staff(json_t *o, const cj_policy *p) {
    json_t *spa = json_object();
    put(spa, "min", json_integer(p->staff_min));
    put(spa, "max", json_integer(p->staff_max));
    put(o, "staff_per_assignment", spa);
    put(o, "day_part_fte", num(p->day_part_fte));
}

static json_t *day_parts_json(unsigned mask) {
    json_t *a = json_array();
    for (int d = 0; d < CJ_DAY_PARTS; d++)
        if (mask & (1u << d))
            json_array_append_new(a, json_string(cj_day_part_name(d)));
    return a;
}

/* The people of provider `prov` at school `s`, with their day-parts. */
static json_t *staff_json(const cj_round *r, const cj_plan *p, size_t s, int prov) {
    json_t *a = json_array();
    const cj_provider *pr = &r->providers[prov];
    for (size_t i = 0; i < p->n_postings; i++) {
        const cj_posting *x = &p->postings[i];
        if (x->school != (int)s || x->provider != prov)
            continue;
        const cj_staff *st = &pr->staff[x->staff];
        json_t *o = json_object();
        put(o, "id", json_string(st->id));
        put(o, "skj", json_boolean(st->skj));
        put(o, "known", json_boolean(x->known));
        put(o, "fte", num(cj_posting_fte(r, x)));
        put(o, "day_parts", day_parts_json(x->parts));
        put(o, "backup", x->backup >= 0 ? json_string(pr->staff[x->backup].id) : NULL);
        json_array_append_new(a, o);
    }
    return a;
}

/* The school's week: per day-part, open or not, and who is there. */
static json_t *week_json(const cj_round *r, const cj_plan *p, size_t s) {
    json_t *a = json_array();
    for (int d = 0; d < CJ_DAY_PARTS; d++) {
        json_t *o = json_object(), *who = json_array();
        put(o, "day_part", json_string(cj_day_part_name(d)));
        put(o, "open", json_boolean(r->schools[s].open & (1u << d)));
        for (size_t i = 0; i < p->n_postings; i++) {
            const cj_posting *x = &p->postings[i];
            if (x->school == (int)s && (x->parts & (1u << d)))
                json_array_append_new(
                    who, json_string(r->providers[x->provider].staff[x->staff].id));
        }
        put(o, "staff", who);
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *rota_json(const cj_round *r, const cj_plan *p, const cj_plan_meta *m) {
    if (!p->rota.staffed)
        return NULL;
    json_t *o = json_object(), *rules = json_array();
    cj_rota_rules k = cj_plan_rota_rules(r, p);
    const char *rule, *en, *nl;
    bool holds;
    for (size_t i = 0, n = cj_rota_rule(&k, 0, &rule, &en, &nl, &holds); i < n; i++) {
        cj_rota_rule(&k, i, &rule, &en, &nl, &holds);
        json_t *x = json_object();
        put(x, "rule", json_string(rule));
        put(x, "what", json_string(en));
        put(x, "holds", json_boolean(holds));
        json_array_append_new(rules, x);
    }
    put(o, "status", json_string(p->rota.proven ? "optimal" : "feasible"));
    put(o, "known_fte", num(p->rota.known_fte));
    put(o, "weekdays", json_integer(p->rota.days));
    put(o, "changes_within_day", json_integer(p->rota.changes));
    put(o, "staff_shown_as", json_string(m && m->pseudonyms ? "pseudonym" : "id"));
    put(o, "rules", rules);
    return o;
}

static json_t *school_json(const cj_round *r, const cj_plan *p, const cj_totals *t,
                           size_t s) {
    const cj_school *sc = &r->schools[s];
    const cj_school_plan *sp = &p->schools[s];
    const cj_cluster *c = &r->clusters[sc->cluster_idx];
    json_t *o = json_object(), *as = json_array(), *ex = json_array();
    put(o, "id", json_string(sc->id));
    put(o, "name", str(sc->name));
    put(o, "cluster", json_string(c->id));
    for (size_t k = 0; k < sp->n; k++) {
        const cj_assignment *a = &sp->a[k];
        const cj_provider *pr = &r->providers[a->provider];
        json_t *x = json_object();
        put(x, "provider", json_string(pr->id));
        put(x, "name", str(pr->name));
        put(x, "fte", num(a->fte));
        put(x, "cost", num(a->fte * pr->cost_per_fte));
        put(x, "score", num(a->score));
        put(x, "written", num(a->written));
        put(x, "incumbent", json_boolean(a->incumbent));
        put(x, "chosen", json_boolean(a->chosen));
        if (p->rota.staffed)
            put(x, "staff", staff_json(r, p, s, a->provider));
        json_array_append_new(as, x);
    }
    put(o, "assignments", as);
    put(o, "fte", num(t->school_fte[s]));
    if (sc->fte.set) {
        json_t *f = json_object();
        put(f, "min", num(sc->fte.min));
        put(f, "max", num(sc->fte.max));
        put(o, "fte_range", f);
    }
    put(o, "cost", num(t->school_cost[s]));
    put(o, "annual_amount", sc->has_amount ? num(sc->annual_amount) : NULL);
    put(o, "amount_left",
        sc->has_amount ? num(sc->annual_amount - t->school_cost[s]) : NULL);
    for (size_t e = 0; e < c->required.n; e++) {
        int xi = c->required.idx[e];
        json_t *x = json_object(), *by = json_array();
        put(x, "id", json_string(r->expertise[xi].id));
        for (size_t k = 0; k < sp->n; k++)
            if (r->provider_has[(size_t)sp->a[k].provider * r->n_expertise + (size_t)xi])
                json_array_append_new(by,
                                      json_string(r->providers[sp->a[k].provider].id));
        put(x, "covered", json_boolean(json_array_size(by) > 0));
        put(x, "by", by);
        json_array_append_new(ex, x);
    }
    put(o, "expertise", ex);
    if (p->rota.staffed)
        put(o, "week", week_json(r, p, s));
    return o;
}

static json_t *clusters_json(const cj_round *r, const cj_totals *t) {
    json_t *a = json_array();
    for (size_t c = 0; c < r->n_clusters; c++) {
        const cj_cluster *cl = &r->clusters[c];
        json_t *o = json_object(), *f = json_object();
        put(o, "id", json_string(cl->id));
        put(o, "name", str(cl->name));
        put(o, "fte", num(t->cluster_fte[c]));
        put(f, "min", num(cl->fte.min));
        put(f, "max", num(cl->fte.max));
        put(o, "fte_range", f);
        put(o, "cost", num(t->cluster_cost[c]));
        put(o, "annual_amount", cl->has_amount ? num(cl->annual_amount) : NULL);
        put(o, "amount_left",
            cl->has_amount ? num(cl->annual_amount - t->cluster_cost[c]) : NULL);
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *providers_json(const cj_round *r, const cj_totals *t) {
    json_t *a = json_array();
    for (size_t p = 0; p < r->n_providers; p++) {
        const cj_provider *pr = &r->providers[p];
        json_t *o = json_object();
        put(o, "id", json_string(pr->id));
        put(o, "name", str(pr->name));
        put(o, "fte", num(t->prov_fte[p]));
        put(o, "fte_capacity", num(pr->fte_capacity));
        put(o, "capacity_left", num(pr->fte_capacity - t->prov_fte[p]));
        put(o, "schools", json_integer(t->prov_schools[p]));
        put(o, "max_schools", pr->has_max_schools ? json_integer(pr->max_schools) : NULL);
        put(o, "cost_per_fte", num(pr->cost_per_fte));
        put(o, "cost", num(t->prov_cost[p]));
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *findings_json(const cj_errors *w) {
    json_t *a = json_array();
    for (size_t i = 0; i < w->n; i++) {
        json_t *o = json_object();
        put(o, "path", str(w->v[i].path));
        put(o, "message", json_string(w->v[i].message));
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *diagnosis_json(const cj_plan *p) {
    json_t *a = json_array();
    for (size_t i = 0; i < p->n_diagnosis; i++) {
        const cj_diagnosis *d = &p->diagnosis[i];
        json_t *o = json_object();
        put(o, "rule", json_string(d->rule));
        put(o, "kind", json_string(d->change ? "change" : "cause"));
        put(o, "subject", str(d->subject));
        put(o, "message", json_string(d->message));
        put(o, "need", num(d->need));
        put(o, "have", num(d->have));
        json_array_append_new(a, o);
    }
    return a;
}

json_t *cj_plan_json(const cj_round *r, const cj_plan *p, const cj_plan_meta *m,
                     const cj_totals *t) {
    bool solved = p->status == CJ_PLAN_OPTIMAL || p->status == CJ_PLAN_FEASIBLE;
    json_t *o = json_object();
    put(o, "format", json_string(CJ_FORMAT_PLAN));
    put(o, "round", json_string(r->id));
    put(o, "name", str(r->name));
    put(o, "status", json_string(cj_plan_status_name(p->status)));
    if (solved) {
        json_t *ob = json_object();
        put(ob, "value", num(p->objective));
        put(ob, "bound", num(p->bound));
        put(ob, "gap", num(p->gap));
        put(ob, "score", num(p->part_score));
        put(ob, "continuity", num(p->part_continuity));
        put(ob, "coverage_penalty", num(p->part_coverage));
        put(o, "objective", ob);
    } else {
        put(o, "objective", NULL);
    }
    json_t *tot = json_object();
    put(tot, "fte", num(t->fte));
    put(tot, "cost", num(t->cost));
    put(tot, "assignments", json_integer((json_int_t)t->assignments));
    put(o, "totals", tot);
    json_t *schools = json_array();
    for (size_t s = 0; s < r->n_schools; s++)
        json_array_append_new(schools, school_json(r, p, t, s));
    put(o, "schools", schools);
    put(o, "clusters", clusters_json(r, t));
    put(o, "providers", providers_json(r, t));
    put(o, "diagnosis", diagnosis_json(p));
    put(o, "warnings", findings_json(&p->warnings));
    json_t *pol = policy_json(&r->policy);
    if (p->rota.staffed)
        policy_staff(pol, &r->policy);
    put(o, "policy", pol);
    if (p->rota.staffed)
        put(o, "rota", rota_json(r, p, m));
    put(o, "currency", json_string(r->currency ? r->currency : "EUR"));
    put(o, "tie_break",
        json_string("among plans with the same objective, the first one GLPK's "
                    "deterministic branch-and-bound reaches, with columns in round order "
                    "(school, then provider)"));
    json_t *sv = json_object();
    put(sv, "engine", str(m ? m->engine : NULL));
    put(sv, "glpk", str(m ? m->glpk : NULL));
    put(sv, "rows", json_integer(p->n_rows));
    put(sv, "columns", json_integer(p->n_cols));
    put(sv, "integer_columns", json_integer(p->n_int));
    put(sv, "time_limit", p->time_limit > 0 ? num(p->time_limit) : NULL);
    put(sv, "node_limit", p->node_limit > 0 ? json_integer(p->node_limit) : NULL);
    put(sv, "memory_limit", p->memory_limit > 0 ? json_integer(p->memory_limit) : NULL);
    put(sv, "gap_limit", p->gap_limit > 0 ? num(p->gap_limit) : NULL);
    put(sv, "stopped_by", str(cj_stop_name(p->stopped_by)));
    put(sv, "settings", json_string(p->careful ? "no-cover-cuts" : "cuts"));
    put(o, "solver", sv);
    json_t *in = json_object();
    put(in, "sha256", str(m ? m->input_sha256 : NULL));
    put(o, "input", in);
    return o;
}

char *cj_plan_render_json(const cj_round *r, const cj_plan *p, const cj_plan_meta *m,
                          const cj_totals *t, size_t *len) {
    return cj_json_text(cj_plan_json(r, p, m, t), len);
}

char *cj_json_text(json_t *json, size_t *len) {
    if (!json)
        return NULL;
    char *s =
        json_dumps(json, JSON_INDENT(2) | JSON_REAL_PRECISION(15) | JSON_PRESERVE_ORDER);
    json_decref(json);
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *out = realloc(s, n + 2);
    if (!out) {
        free(s);
        return NULL;
    }
    out[n] = '\n';
    out[n + 1] = '\0';
    *len = n + 1;
    return out;
}
