/*
 * What-if sweeps: a grid over one or more numbers of the round
 * (--vary PATH=FROM:TO:STEP), each scenario solved, and per scenario its
 * status, objective, total FTE and cost, and the schools whose providers
 * change against the base plan.  The round is read and validated once; each
 * scenario changes its numbers in memory, and the GLPK model, built at the
 * first scenario, is changed (bounds, right-hand sides, coefficients) rather
 * than built again (cj_sweep).  Each line of the last axis is solved from the
 * end that allows the most plans, so that a proven plan carries over while
 * the rules tighten (docs/whatif.md); the output keeps the grid's order.
 */
#include "io_internal.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char path[256];
    double from, to, step;
    size_t n;
} axis;

typedef struct {
    double *values; /* one per axis */
    cj_plan_status status;
    bool invalid;
    char why[256];
    double objective, fte, cost;
    double gap;     /* the plan's relative gap (0 when proven), NaN without a plan */
    char **changed; /* ids of schools whose providers differ from the base plan */
    size_t n_changed;
} scenario;

static bool parse_axis(const char *spec, cj_round *r, axis *a, cj_errors *errs) {
    const char *eq = strchr(spec, '=');
    char tail;
    if (!eq || (size_t)(eq - spec) >= sizeof a->path ||
        sscanf(eq + 1, "%lf:%lf:%lf%c", &a->from, &a->to, &a->step, &tail) != 3) {
        cj_errors_add(
            errs, CJ_ERR_USAGE, false, NULL,
            "--vary '%s': write PATH=FROM:TO:STEP, e.g. clusters.c4.fte.max=3:4:0.25",
            spec);
        return false;
    }
    memcpy(a->path, spec, (size_t)(eq - spec));
    a->path[eq - spec] = '\0';
    if (!(a->step > 0) || !(a->from <= a->to) || !isfinite(a->from) || !isfinite(a->to)) {
        cj_errors_add(errs, CJ_ERR_USAGE, false, NULL,
                      "--vary '%s': needs FROM <= TO and a STEP above 0", spec);
        return false;
    }
    a->n = (size_t)floor((a->to - a->from) / a->step + 1e-9) + 1;
    if (a->n > 1000) {
        cj_errors_add(errs, CJ_ERR_USAGE, false, NULL,
                      "--vary '%s': more than 1000 values", spec);
        return false;
    }
    if (!cj_round_set(r, a->path, a->from, true)) {
        cj_errors_add(errs, CJ_ERR_INPUT, false, NULL,
                      "--vary '%s': no number '%s' in this round (see docs/whatif.md)",
                      spec, a->path);
        return false;
    }
    return true;
}

static void totals(const cj_round *r, const cj_plan *p, double *fte, double *cost) {
    *fte = *cost = 0;
    for (size_t s = 0; s < p->n_schools; s++)
        for (size_t k = 0; k < p->schools[s].n; k++) {
            *fte += p->schools[s].a[k].fte;
            *cost += p->schools[s].a[k].fte *
                     r->providers[p->schools[s].a[k].provider].cost_per_fte;
        }
}

/* Solves one scenario of the (already changed) round. */
static cj_code run_one(cj_round *r, const cj_command *c, const cj_plan *base,
                       cj_sweep *sw, scenario *sc, cj_errors *errs) {
    cj_errors e = {0};
    sc->objective = sc->gap = NAN; /* until a plan says otherwise */
    if (cj_round_validate(r, &e) > 0) {
        sc->invalid = true;
        sc->status = CJ_PLAN_INFEASIBLE;
        for (size_t i = 0; i < e.n; i++)
            if (!e.v[i].warning) {
                snprintf(sc->why, sizeof sc->why, "%s: %s",
                         e.v[i].path ? e.v[i].path : "", e.v[i].message);
                break;
            }
        cj_errors_clear(&e);
        return CJ_OK;
    }
    cj_errors_clear(&e);
    cj_selection *sel = cj_selection_new(r);
    cj_plan *p = NULL;
    cj_solve_options quick = cj_objective_only(&c->solve);
    cj_code code = sel ? cj_sweep_solve(sw, r, sel, &quick, &p, errs) : CJ_ERR_NOMEM;
    if (code == CJ_OK) {
        sc->status = p->status;
        bool ok = p->status == CJ_PLAN_OPTIMAL || p->status == CJ_PLAN_FEASIBLE;
        sc->objective = ok ? p->objective : NAN;
        sc->gap = ok ? p->gap : NAN;
        totals(r, p, &sc->fte, &sc->cost);
        sc->changed = calloc(r->n_schools + 1, sizeof *sc->changed);
        for (size_t s = 0; ok && base && sc->changed && s < r->n_schools; s++)
            if (!cj_school_plan_same(&base->schools[s], &p->schools[s]))
                sc->changed[sc->n_changed++] = r->schools[s].id;
        if (!ok && p->n_diagnosis)
            snprintf(sc->why, sizeof sc->why, "%s", p->diagnosis[0].message);
    }
    cj_plan_free(p);
    cj_selection_free(sel);
    return code;
}

static const char *status_name(const scenario *s) {
    return s->invalid ? "invalid" : cj_plan_status_name(s->status);
}

/* A total of scenario s's plan, null when it has none: 0 FTE at no cost
 * would read as a plan that buys nothing. */
static json_t *plan_number(const scenario *s, double x) {
    return isfinite(s->objective) ? json_real(x) : json_null();
}

static char *render_json(const cj_round *r, const axis *ax, size_t na,
                         const scenario *base, const scenario *v, size_t n, size_t *len) {
    json_t *o = json_object(), *params = json_array(), *arr = json_array();
    json_object_set_new(o, "format", json_string("cjos-whatif/1"));
    json_object_set_new(o, "round", json_string(r->id));
    for (size_t a = 0; a < na; a++) {
        json_t *p = json_object();
        json_object_set_new(p, "path", json_string(ax[a].path));
        json_object_set_new(p, "from", json_real(ax[a].from));
        json_object_set_new(p, "to", json_real(ax[a].to));
        json_object_set_new(p, "step", json_real(ax[a].step));
        json_array_append_new(params, p);
    }
    json_object_set_new(o, "parameters", params);
    json_t *b = json_object();
    json_object_set_new(b, "status", json_string(status_name(base)));
    json_object_set_new(b, "objective",
                        isfinite(base->objective) ? json_real(base->objective)
                                                  : json_null());
    json_object_set_new(b, "gap",
                        isfinite(base->gap) ? json_real(base->gap) : json_null());
    json_object_set_new(b, "fte", plan_number(base, base->fte));
    json_object_set_new(b, "cost", plan_number(base, base->cost));
    json_object_set_new(o, "base", b);
    for (size_t i = 0; i < n; i++) {
        json_t *x = json_object(), *vals = json_object(), *ch = json_array();
        for (size_t a = 0; a < na; a++)
            json_object_set_new(vals, ax[a].path, json_real(v[i].values[a]));
        json_object_set_new(x, "values", vals);
        json_object_set_new(x, "status", json_string(status_name(&v[i])));
        json_object_set_new(x, "objective",
                            isfinite(v[i].objective) ? json_real(v[i].objective)
                                                     : json_null());
        json_object_set_new(x, "gap",
                            isfinite(v[i].gap) ? json_real(v[i].gap) : json_null());
        json_object_set_new(x, "fte", plan_number(&v[i], v[i].fte));
        json_object_set_new(x, "cost", plan_number(&v[i], v[i].cost));
        for (size_t k = 0; k < v[i].n_changed; k++)
            json_array_append_new(ch, json_string(v[i].changed[k]));
        json_object_set_new(x, "schools_changed", ch);
        json_object_set_new(x, "why", v[i].why[0] ? json_string(v[i].why) : json_null());
        json_array_append_new(arr, x);
    }
    json_object_set_new(o, "scenarios", arr);
    return cj_json_text(o, len);
}

static char *render_text(const axis *ax, size_t na, const scenario *v, size_t n, bool md,
                         size_t *len) {
    cj_buf b = {0};
    const char *sep = md ? " | " : ",";
    if (md)
        cj_buf_puts(&b, "| ");
    for (size_t a = 0; a < na; a++) {
        if (md)
            cj_buf_md(&b, ax[a].path);
        else
            cj_buf_csv(&b, ax[a].path);
        cj_buf_puts(&b, sep);
    }
    cj_buf_printf(&b, "status%sobjective%sgap%sfte%scost%sschools_changed%s", sep, sep,
                  sep, sep, sep, md ? " |\n|" : "\r\n");
    for (size_t a = 0; md && a < na + 6; a++)
        cj_buf_puts(&b, a < na + 5 && a != na ? "--:|" : "---|");
    if (md)
        cj_buf_puts(&b, "\n");
    for (size_t i = 0; i < n; i++) {
        if (md)
            cj_buf_puts(&b, "| ");
        for (size_t a = 0; a < na; a++)
            cj_buf_printf(&b, "%.15g%s", v[i].values[a], sep);
        cj_buf_printf(&b, "%s%s", status_name(&v[i]), sep);
        if (isfinite(v[i].objective))
            cj_buf_printf(&b, "%.15g", v[i].objective);
        /* the gap as the plan's text gives it in md, as a fraction in csv;
         * empty without a plan */
        cj_buf_puts(&b, sep);
        if (isfinite(v[i].gap) && md)
            cj_buf_printf(&b, "%.2f%%", 100 * v[i].gap);
        else if (isfinite(v[i].gap))
            cj_buf_printf(&b, "%.15g", v[i].gap);
        cj_buf_puts(&b, sep);
        if (isfinite(v[i].objective))
            cj_buf_printf(&b, "%.15g%s%.2f", v[i].fte, sep, v[i].cost);
        else
            cj_buf_puts(&b, sep);
        cj_buf_puts(&b, sep);
        cj_buf_puts(&b, md ? "" : "\"");
        for (size_t k = 0; k < v[i].n_changed; k++)
            cj_buf_printf(&b, "%s%s", k ? " " : "", v[i].changed[k]);
        cj_buf_puts(&b, md ? " |\n" : "\"\r\n");
    }
    return cj_buf_take(&b, len);
}

/* A number for an axis label: at most 4 significant digits, no trailing zeros. */
static void label(char *out, size_t n, double x, bool nl) {
    snprintf(out, n, fabs(x) >= 1e4 ? "%.0f" : "%.4g", x);
    if (nl)
        for (char *c = out; *c; c++)
            if (*c == '.')
                *c = ',';
}

/*
 * The sweep as a chart: the varied number across, the objective (left axis,
 * solid) and the total FTE (right axis, dashed) up, each line named at its
 * end so no legend is needed; scenarios without a plan are marked on the
 * axis.
 */
static char *chart(const char *path, const scenario *v, size_t n, const char *lang,
                   size_t *len) {
    bool nl = !lang || strcmp(lang, "en") != 0;
    const double W = 760, H = 420, L0 = 70, R0 = 150, T0 = 40, B0 = 60;
    double xmin = v[0].values[0], xmax = v[n - 1].values[0];
    double omin = INFINITY, omax = -INFINITY, flo = INFINITY, fhi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (isfinite(v[i].objective)) {
            omin = fmin(omin, v[i].objective);
            omax = fmax(omax, v[i].objective);
            flo = fmin(flo, v[i].fte);
            fhi = fmax(fhi, v[i].fte);
        }
    }
    if (!isfinite(omin))
        omin = 0, omax = 1, flo = 0, fhi = 1;
    if (omax - omin < 1e-9)
        omin -= 1, omax += 1;
    if (fhi - flo < 1e-9)
        flo -= 0.5, fhi += 0.5;
    if (xmax - xmin < 1e-12)
        xmin -= 1, xmax += 1;
    double pw = W - L0 - R0, ph = H - T0 - B0;
#define X(x) (L0 + ((x)-xmin) / (xmax - xmin) * pw)
#define YO(y) (T0 + ph - ((y)-omin) / (omax - omin) * ph)
#define YF(y) (T0 + ph - ((y)-flo) / (fhi - flo) * ph)
    cj_buf b = {0};
    char t1[32], t2[32];
    cj_buf_printf(
        &b,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
        "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"13\">\n"
        "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
        W, H, W, H);
    cj_buf_puts(&b, "<text x=\"20\" y=\"24\" font-size=\"15\" font-weight=\"bold\">");
    cj_buf_puts(&b, nl ? "Wat als: " : "What if: ");
    cj_buf_md(&b, path);
    cj_buf_puts(&b, "</text>\n");
    /* axes and ticks */
    cj_buf_printf(
        &b,
        "<g stroke=\"#999\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/></g>\n",
        L0, T0 + ph, L0 + pw, T0 + ph, L0, T0, L0, T0 + ph, L0 + pw, T0, L0 + pw,
        T0 + ph);
    for (int k = 0; k <= 4; k++) {
        double fx = xmin + (xmax - xmin) * k / 4, fo = omin + (omax - omin) * k / 4,
               ff = flo + (fhi - flo) * k / 4;
        label(t1, sizeof t1, fx, nl);
        cj_buf_printf(&b,
                      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
                      X(fx), T0 + ph + 18, t1);
        label(t1, sizeof t1, fo, nl);
        label(t2, sizeof t2, ff, nl);
        cj_buf_printf(
            &b,
            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"#154273\">%s</text>"
            "<text x=\"%.1f\" y=\"%.1f\" fill=\"#c05800\">%s</text>\n",
            L0 - 6, YO(fo) + 4, t1, L0 + pw + 6, YF(ff) + 4, t2);
    }
    cj_buf_printf(&b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", L0 + pw / 2,
                  H - 14);
    cj_buf_md(&b, path);
    cj_buf_puts(&b, "</text>\n");
    /* the two lines, broken where a scenario has no plan */
    for (int line = 0; line < 2; line++) {
        cj_buf_printf(&b, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\"%s d=\"",
                      line ? "#c05800" : "#154273",
                      line ? " stroke-dasharray=\"7 4\"" : "");
        bool pen = false;
        double lx = 0, ly = 0;
        for (size_t i = 0; i < n; i++) {
            if (!isfinite(v[i].objective)) {
                pen = false;
                continue;
            }
            lx = X(v[i].values[0]);
            ly = line ? YF(v[i].fte) : YO(v[i].objective);
            cj_buf_printf(&b, "%s%.1f %.1f ", pen ? "L" : "M", lx, ly);
            pen = true;
        }
        cj_buf_puts(&b, "\"/>\n");
        if (lx > 0)
            cj_buf_printf(&b,
                          "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\" "
                          "font-weight=\"bold\">%s</text>\n",
                          lx + 8, ly + (line ? 14 : -6), line ? "#c05800" : "#154273",
                          line ? (nl ? "totaal fte (rechts)" : "total FTE (right)")
                               : (nl ? "resultaat (links)" : "objective (left)"));
    }
    bool said = false;
    for (size_t i = 0; i < n; i++) {
        if (isfinite(v[i].objective))
            continue;
        cj_buf_printf(
            &b,
            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#b3261e\" "
            "font-weight=\"bold\">×</text>\n",
            X(v[i].values[0]), T0 + ph - 4);
        if (!said)
            cj_buf_printf(&b, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#b3261e\">%s</text>\n",
                          X(v[i].values[0]) + 2, T0 + ph - 20,
                          nl ? "× geen plan" : "× no plan");
        said = true;
    }
    cj_buf_puts(&b, "</svg>\n");
#undef X
#undef YO
#undef YF
    return cj_buf_take(&b, len);
}

cj_code cj_command_whatif(const cj_command *c, cj_errors *errs) {
    cj_loaded L;
    cj_code code = cj_load(c, false, &L, errs);
    if (code != CJ_OK)
        return code;
    size_t na = c->n_vary, n = 1;
    axis *ax = calloc(na + 1, sizeof *ax);
    scenario base = {0}, *v = NULL;
    for (size_t a = 0; ax && a < na && code == CJ_OK; a++) {
        if (!parse_axis(c->vary[a], L.round, &ax[a], errs))
            code = errs->v[errs->n - 1].code;
        else
            n *= ax[a].n;
    }
    if (code == CJ_OK && n > 10000) {
        cj_errors_add(errs, CJ_ERR_USAGE, false, NULL,
                      "%zu scenarios: more than 10000, use larger steps", n);
        code = CJ_ERR_USAGE;
    }
    if (code == CJ_OK && c->chart && na != 1) {
        cj_errors_add(errs, CJ_ERR_USAGE, false, NULL,
                      "--chart draws one --vary; give one");
        code = CJ_ERR_USAGE;
    }
    cj_plan *bp = NULL;
    if (code == CJ_OK) {
        cj_solve_options quick = cj_objective_only(&c->solve);
        code = cj_solve(L.round, L.sel, &quick, &bp, errs);
        if (code == CJ_OK) {
            base.status = bp->status;
            bool ok = bp->status == CJ_PLAN_OPTIMAL || bp->status == CJ_PLAN_FEASIBLE;
            base.objective = ok ? bp->objective : NAN;
            base.gap = ok ? bp->gap : NAN;
            totals(L.round, bp, &base.fte, &base.cost);
        }
    }
    cj_sweep *sw = NULL;
    if (code == CJ_OK) {
        v = calloc(n, sizeof *v);
        sw = cj_sweep_new();
        code = v && sw ? CJ_OK : CJ_ERR_NOMEM;
    }
    /* each line of the last axis from the end that allows the most plans: a
     * plan proven best carries over to the next scenarios while it meets
     * their rules (cj_sweep); the scenarios keep their places in the grid */
    size_t line = na > 0 ? ax[na - 1].n : 1;
    bool down = na > 0 && cj_round_tightens(ax[na - 1].path) < 0;
    for (size_t done = 0; code == CJ_OK && done < n; done++) {
        size_t k = done % line, i = down ? done - k + (line - 1 - k) : done;
        v[i].values = calloc(na + 1, sizeof(double));
        if (!v[i].values) {
            code = CJ_ERR_NOMEM;
            break;
        }
        size_t rest = i; /* the grid in odometer order, the last axis fastest */
        for (size_t a = na; a-- > 0;) {
            size_t k = rest % ax[a].n;
            rest /= ax[a].n;
            v[i].values[a] = ax[a].from + (double)k * ax[a].step;
            cj_round_set(L.round, ax[a].path, v[i].values[a], false);
        }
        code = run_one(L.round, c, bp, sw, &v[i], errs);
        if (c->progress)
            c->progress(done + 1, n);
    }
    if (code == CJ_OK && c->chart) {
        size_t clen = 0;
        char *svg = chart(ax[0].path, v, n, c->lang, &clen);
        code = svg ? cj_file_write(c->chart, c->input, svg, clen, false, errs)
                   : CJ_ERR_NOMEM;
        free(svg);
    }
    if (code == CJ_OK) {
        size_t len = 0;
        char *text = c->format == CJ_OUT_JSON
                         ? render_json(L.round, ax, na, &base, v, n, &len)
                         : render_text(ax, na, v, n, c->format == CJ_OUT_MD, &len);
        code = cj_emit(c, text, len, errs);
    }
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].values);
        free(v[i].changed);
    }
    free(v);
    free(ax);
    cj_sweep_free(sw);
    cj_plan_free(bp);
    cj_loaded_free(&L);
    return code;
}
