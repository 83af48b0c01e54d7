/*
 * The price of each rule (cjos explain): for every rule that binds in the
 * optimal plan, the objective gained when it is relaxed by one unit and when
 * it is dropped, each computed by solving the integer model again (LP duals
 * are not prices of a MIP); and per school its tipping point, the smallest
 * change of one provider's written score that changes the school's
 * providers, found by bisection over re-solves for every scored provider.
 */
#include "io_internal.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BIG 1e9

/* The optimum of the round as it is now (NAN when there is no plan); with
 * `out` also the plan, which the caller frees. */
static double optimum(cj_round *r, const cj_command *c, cj_plan **out) {
    cj_errors e = {0};
    double z = NAN;
    if (out)
        *out = NULL;
    if (cj_round_validate(r, &e) == 0) {
        cj_selection *sel = cj_selection_new(r);
        cj_plan *p = NULL;
        cj_solve_options quick = cj_objective_only(&c->solve);
        if (sel && cj_solve(r, sel, &quick, &p, &e) == CJ_OK &&
            (p->status == CJ_PLAN_OPTIMAL || p->status == CJ_PLAN_FEASIBLE))
            z = p->objective;
        if (out)
            *out = p;
        else
            cj_plan_free(p);
        cj_selection_free(sel);
    }
    cj_errors_clear(&e);
    return z;
}

typedef struct {
    char rule[8], what[200], unit[32];
    double gain_unit, gain_drop; /* NAN: no plan then */
} price;

typedef struct {
    price *v;
    size_t n;
} prices;

static void add(prices *P, const char *rule, const char *unit, double z0, double zu,
                double zd, const char *fmt, const char *id) {
    price *v = realloc(P->v, (P->n + 1) * sizeof *v);
    if (!v)
        return;
    P->v = v;
    price *x = &v[P->n++];
    snprintf(x->rule, sizeof x->rule, "%s", rule);
    snprintf(x->what, sizeof x->what, fmt, id);
    snprintf(x->unit, sizeof x->unit, "%s", unit);
    x->gain_unit = zu - z0;
    x->gain_drop = zd - z0;
}

/* Relax a number by a unit and then drop it (set it to `drop`), re-solving
 * each time, and put it back. */
static void price_number(cj_round *r, const cj_command *c, prices *P, double z0,
                         double *field, double unit, double drop, const char *rule,
                         const char *unit_name, const char *fmt, const char *id) {
    double keep = *field;
    *field = keep + unit;
    double zu = optimum(r, c, NULL);
    *field = drop;
    double zd = optimum(r, c, NULL);
    *field = keep;
    if (fabs(zu - z0) > 1e-9 || fabs(zd - z0) > 1e-9 || isnan(zu) || isnan(zd))
        add(P, rule, unit_name, z0, zu, zd, fmt, id);
}

static void rule_prices(cj_round *r, const cj_command *c, const cj_plan *p, double z0,
                        prices *P) {
    const double eps = 1e-6;
    double q = r->policy.has_fte_step ? r->policy.fte_step : 0.1;
    double fte_c[1024] = {0};
    double *cfte = r->n_clusters <= 1024 ? fte_c : NULL;
    for (size_t s = 0; cfte && s < r->n_schools; s++)
        for (size_t k = 0; k < p->schools[s].n; k++)
            cfte[r->schools[s].cluster_idx] += p->schools[s].a[k].fte;
    for (size_t c2 = 0; cfte && c2 < r->n_clusters; c2++) {
        cj_cluster *cl = &r->clusters[c2];
        if (cfte[c2] >= cl->fte.max - eps)
            price_number(r, c, P, z0, &cl->fte.max, q, BIG, "C3", "FTE",
                         "cluster '%s': FTE maximum", cl->id);
        if (cfte[c2] <= cl->fte.min + eps && cl->fte.min > 0)
            price_number(r, c, P, z0, &cl->fte.min, -q, 0, "C3", "-FTE",
                         "cluster '%s': FTE minimum", cl->id);
        if (cl->has_amount)
            price_number(r, c, P, z0, &cl->annual_amount, 10000, BIG, "C6", "EUR 10,000",
                         "cluster '%s': annual amount", cl->id);
    }
    for (size_t s = 0; s < r->n_schools; s++) {
        cj_school *sc = &r->schools[s];
        if (sc->has_amount)
            price_number(r, c, P, z0, &sc->annual_amount, 10000, BIG, "C5", "EUR 10,000",
                         "school '%s': annual amount", sc->id);
        int pmax = sc->providers.set ? sc->providers.max : r->policy.pps_max;
        if ((int)p->schools[s].n >= pmax) {
            cj_irange keep = sc->providers;
            sc->providers = (cj_irange){
                true, sc->providers.set ? sc->providers.min : r->policy.pps_min,
                pmax + 1};
            double zu = optimum(r, c, NULL);
            sc->providers.max = 1000;
            double zd = optimum(r, c, NULL);
            sc->providers = keep;
            if (fabs(zu - z0) > 1e-9 || fabs(zd - z0) > 1e-9)
                add(P, "C1", "provider", z0, zu, zd,
                    "school '%s': maximum number of providers", sc->id);
        }
    }
    for (size_t k = 0; k < r->n_providers; k++) {
        cj_provider *pr = &r->providers[k];
        double f = 0;
        int n = 0;
        for (size_t s = 0; s < p->n_schools; s++)
            for (size_t j = 0; j < p->schools[s].n; j++)
                if (p->schools[s].a[j].provider == (int)k) {
                    f += p->schools[s].a[j].fte;
                    n++;
                }
        if (f >= pr->fte_capacity - eps)
            price_number(r, c, P, z0, &pr->fte_capacity, q, BIG, "C7", "FTE",
                         "provider '%s': FTE capacity", pr->id);
        if (pr->has_max_schools && n >= pr->max_schools) {
            int keep = pr->max_schools;
            pr->max_schools = keep + 1;
            double zu = optimum(r, c, NULL);
            pr->has_max_schools = false;
            double zd = optimum(r, c, NULL);
            pr->has_max_schools = true;
            pr->max_schools = keep;
            if (fabs(zu - z0) > 1e-9 || fabs(zd - z0) > 1e-9)
                add(P, "C7", "school", z0, zu, zd,
                    "provider '%s': maximum number of schools", pr->id);
        }
    }
    /* required expertise, per cluster: dropped only (it has no unit) */
    for (size_t c2 = 0; c2 < r->n_clusters; c2++) {
        cj_refs *req = &r->clusters[c2].required;
        if (req->n == 0 || r->policy.coverage == CJ_COVER_OFF)
            continue;
        size_t keep = req->n;
        req->n = 0;
        double zd = optimum(r, c, NULL);
        req->n = keep;
        if (fabs(zd - z0) > 1e-9)
            add(P, "C8", "", z0, NAN, zd, "cluster '%s': required expertise",
                r->clusters[c2].id);
    }
    /* decisions and the continuity requirement: dropped only */
    for (size_t k = 0; k < r->n_decisions; k++) {
        if (r->decisions[k].kind != CJ_DECIDE_CHOSEN)
            continue;
        /* take the decision out (swap it to the end and shorten), then back */
        cj_decision d = r->decisions[k], last = r->decisions[r->n_decisions - 1];
        r->decisions[k] = last;
        r->n_decisions--;
        double zd = optimum(r, c, NULL);
        r->n_decisions++;
        r->decisions[r->n_decisions - 1] = last;
        r->decisions[k] = d;
        char what[160];
        snprintf(what, sizeof what, "%s at %s", d.provider, d.school);
        if (fabs(zd - z0) > 1e-9)
            add(P, "C9", "", z0, NAN, zd, "decision: '%s' chosen", what);
    }
    if (r->policy.continuity == CJ_CONT_REQUIRE) {
        r->policy.continuity = CJ_CONT_PREFER;
        double zd = optimum(r, c, NULL);
        r->policy.continuity = CJ_CONT_REQUIRE;
        if (fabs(zd - z0) > 1e-9)
            add(P, "C10", "", z0, NAN, zd, "policy: continuity '%s'", "require");
    }
    /* every change is undone; validate once more so the indices match again */
    cj_errors e = {0};
    cj_round_validate(r, &e);
    cj_errors_clear(&e);
}

/* Adds `delta` to every topic mark of score entry k (written moves by delta). */
static void shift(cj_round *r, int k, double delta) {
    for (size_t t = 0; t < r->n_topics; t++)
        r->scores[k].topic_value[t] += delta;
}

/* Whether school s keeps its providers when score k moves by delta. */
static bool holds(cj_round *r, const cj_command *c, const cj_plan *base, size_t s, int k,
                  double delta) {
    /* score changes do not pass validation's 0..10 check on purpose: solve directly */
    shift(r, k, delta);
    cj_selection *sel = cj_selection_new(r);
    cj_errors e = {0};
    cj_plan *p = NULL;
    bool same = true;
    cj_solve_options quick = cj_objective_only(&c->solve);
    if (sel && cj_solve(r, sel, &quick, &p, &e) == CJ_OK &&
        (p->status == CJ_PLAN_OPTIMAL || p->status == CJ_PLAN_FEASIBLE))
        same = cj_school_plan_same(&base->schools[s], &p->schools[s]);
    cj_plan_free(p);
    cj_selection_free(sel);
    cj_errors_clear(&e);
    shift(r, k, -delta);
    return same;
}

typedef struct {
    int school, provider;
    bool in_plan;
    double delta; /* NAN: no change within 10 points */
} tip;

/* The smallest change of written(p,s), up for a provider not in the plan and
 * down for one in it, that changes the school's providers; to 0.01. */
static double tipping(cj_round *r, const cj_command *c, const cj_plan *base, size_t s,
                      int k, bool up) {
    double dir = up ? 1 : -1, lo = 0, hi = 10;
    if (holds(r, c, base, s, k, dir * hi))
        return NAN;
    while (hi - lo > 0.01) {
        double mid = (lo + hi) / 2;
        if (holds(r, c, base, s, k, dir * mid))
            lo = mid;
        else
            hi = mid;
    }
    return dir * hi;
}

/* Every provider with a score at every school: in the plan, how far its
 * written score may fall; outside it, how far it must rise. */
static void tipping_points(cj_round *r, const cj_command *c, const cj_plan *base,
                           tip **out, size_t *n) {
    *out = NULL;
    *n = 0;
    for (size_t s = 0; s < r->n_schools; s++) {
        for (size_t p = 0; p < r->n_providers; p++) {
            int k = cj_round_pair(r, (int)p, (int)s);
            if (k < 0)
                continue;
            bool in = false;
            for (size_t j = 0; j < base->schools[s].n; j++)
                in |= base->schools[s].a[j].provider == (int)p;
            tip *v = realloc(*out, (*n + 1) * sizeof *v);
            if (!v)
                return;
            *out = v;
            v[*n] = (tip){(int)s, (int)p, in, tipping(r, c, base, s, k, !in)};
            (*n)++;
        }
    }
}

/* The school's tipping point: the smallest change over its providers. */
static bool smallest_at_school(const tip *t, size_t nt, size_t i) {
    if (!isfinite(t[i].delta))
        return false;
    for (size_t j = 0; j < nt; j++)
        if (t[j].school == t[i].school && isfinite(t[j].delta) &&
            (fabs(t[j].delta) < fabs(t[i].delta) - 1e-12 ||
             (fabs(t[j].delta) <= fabs(t[i].delta) + 1e-12 && j < i)))
            return false;
    return true;
}

static json_t *num_or_null(double x) {
    return isfinite(x) ? json_real(x) : json_null();
}

static char *render(const cj_round *r, double z0, const prices *P, const tip *t,
                    size_t nt, cj_out_format fmt, size_t *len) {
    if (fmt == CJ_OUT_JSON) {
        json_t *o = json_object(), *rules = json_array(), *tips = json_array();
        json_object_set_new(o, "format", json_string("cjos-explain/1"));
        json_object_set_new(o, "round", json_string(r->id));
        json_object_set_new(o, "objective", num_or_null(z0));
        for (size_t i = 0; i < P->n; i++) {
            json_t *x = json_object();
            json_object_set_new(x, "rule", json_string(P->v[i].rule));
            json_object_set_new(x, "what", json_string(P->v[i].what));
            json_object_set_new(x, "unit", json_string(P->v[i].unit));
            json_object_set_new(x, "gain_per_unit", num_or_null(P->v[i].gain_unit));
            json_object_set_new(x, "gain_if_dropped", num_or_null(P->v[i].gain_drop));
            json_array_append_new(rules, x);
        }
        json_object_set_new(o, "rules", rules);
        for (size_t i = 0; i < nt; i++) {
            json_t *x = json_object();
            json_object_set_new(x, "school", json_string(r->schools[t[i].school].id));
            json_object_set_new(x, "provider",
                                json_string(r->providers[t[i].provider].id));
            json_object_set_new(x, "in_plan", json_boolean(t[i].in_plan));
            json_object_set_new(x, "written_change", num_or_null(t[i].delta));
            json_object_set_new(x, "tipping_point",
                                json_boolean(smallest_at_school(t, nt, i)));
            json_array_append_new(tips, x);
        }
        json_object_set_new(o, "tipping_points", tips);
        return cj_json_text(o, len);
    }
    cj_buf b = {0};
    cj_buf_puts(&b, "# What each rule costs: ");
    cj_buf_md(&b, r->name ? r->name : r->id);
    cj_buf_printf(&b,
                  "\n\nObjective of the optimal plan: %.4f. Each figure below is a new "
                  "solve of the round with one rule changed.\n\n"
                  "| Rule | What | Gain per unit | Unit | Gain if dropped |\n"
                  "|---|---|--:|---|--:|\n",
                  z0);
    for (size_t i = 0; i < P->n; i++) {
        cj_buf_printf(&b, "| %s | ", P->v[i].rule);
        cj_buf_md(&b, P->v[i].what);
        if (isfinite(P->v[i].gain_unit))
            cj_buf_printf(&b, " | %+.4f | %s | ", P->v[i].gain_unit, P->v[i].unit);
        else
            cj_buf_printf(&b, " | %s | %s | ", P->v[i].unit[0] ? "no plan" : "",
                          P->v[i].unit);
        if (isfinite(P->v[i].gain_drop))
            cj_buf_printf(&b, "%+.4f |\n", P->v[i].gain_drop);
        else
            cj_buf_puts(&b, "no plan |\n");
    }
    cj_buf_puts(
        &b, "\n## Tipping points\n\nPer provider, the smallest change of its written "
            "score that changes the school's providers; **bold** is the school's tipping "
            "point, the smallest of all.\n\n| School | Provider | In the "
            "plan | Written score change |\n|---|---|---|--:|\n");
    for (size_t i = 0; i < nt; i++) {
        cj_buf_puts(&b, "| ");
        cj_buf_md(&b, r->schools[t[i].school].name);
        cj_buf_puts(&b, " | ");
        cj_buf_md(&b, r->providers[t[i].provider].name);
        cj_buf_printf(&b, " | %s | ", t[i].in_plan ? "yes" : "no");
        if (isfinite(t[i].delta))
            cj_buf_printf(&b,
                          smallest_at_school(t, nt, i) ? "**%+.2f** |\n" : "%+.2f |\n",
                          t[i].delta);
        else
            cj_buf_puts(&b, "none within 10 points |\n");
    }
    return cj_buf_take(&b, len);
}

cj_code cj_command_explain(const cj_command *c, cj_errors *errs) {
    cj_loaded L;
    cj_code code = cj_load(c, false, &L, errs);
    if (code != CJ_OK)
        return code;
    cj_plan *base = NULL;
    double z0 = optimum(L.round, c, &base);
    if (isnan(z0)) {
        cj_errors_add(errs, CJ_ERR_INPUT, false, NULL,
                      "the round has no plan to explain: see 'cjos validate --deep'");
        cj_plan_free(base);
        cj_loaded_free(&L);
        return CJ_ERR_INPUT;
    }
    prices P = {0};
    tip *t = NULL;
    size_t nt = 0, len = 0;
    rule_prices(L.round, c, base, z0, &P);
    tipping_points(L.round, c, base, &t, &nt);
    char *text = render(L.round, z0, &P, t, nt, c->format, &len);
    code = cj_emit(c, text, len, errs);
    free(P.v);
    free(t);
    cj_plan_free(base);
    cj_loaded_free(&L);
    return code;
}
