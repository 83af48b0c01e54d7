/*
 * The model of SPEC §3 in GLPK.  Columns are laid out per selection pair in
 * round order (school, then provider): GLPK is deterministic, and this order
 * decides which of several tied optima it returns, so the same round always
 * gives the same plan.
 */
#include "solver_internal.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

double cj_provider_capacity(const cj_round *r, int p) {
    const cj_provider *pr = &r->providers[p];
    if (!r->staffed || pr->n_staff == 0)
        return pr->fte_capacity;
    /* S4: no more than its staff can give */
    double parts = 0;
    for (size_t k = 0; k < pr->n_staff; k++)
        parts +=
            cj_staff_day_parts(&pr->staff[k], CJ_ALL_DAY_PARTS, r->policy.day_part_fte);
    double staff = parts * r->policy.day_part_fte;
    return staff < pr->fte_capacity ? staff : pr->fte_capacity;
}

double cj_pair_upper(const cj_round *r, int p, int s) {
    const cj_provider *pr = &r->providers[p];
    const cj_school *sc = &r->schools[s];
    const cj_cluster *c = &r->clusters[sc->cluster_idx];
    double u = cj_provider_capacity(r, p);
    if (r->staffed && pr->n_staff > 0) {
        /* what its staff can give in the school's opening times */
        double parts = 0;
        for (size_t k = 0; k < pr->n_staff; k++)
            parts += cj_staff_day_parts(&pr->staff[k], sc->open, r->policy.day_part_fte);
        if (parts * r->policy.day_part_fte < u)
            u = parts * r->policy.day_part_fte;
    }
    double fmax = sc->fte.set ? sc->fte.max : c->fte.max;
    if (fmax < u)
        u = fmax;
    /* implied by C5 and C6: no pair can spend more than the amount alone */
    if (sc->has_amount && sc->annual_amount / pr->cost_per_fte < u)
        u = sc->annual_amount / pr->cost_per_fte;
    if (c->has_amount && c->annual_amount / pr->cost_per_fte < u)
        u = c->annual_amount / pr->cost_per_fte;
    return u < 0 ? 0 : u;
}

bool cj_trip_add(cj_triplets *t, int row, int col, double v) {
    if (v == 0)
        return true; /* GLPK stores no zeros; keep the triplets free of them */
    if (t->n + 1 >= t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 1024;
        int *ia = realloc(t->ia, cap * sizeof *ia);
        if (ia)
            t->ia = ia;
        int *ja = realloc(t->ja, cap * sizeof *ja);
        if (ja)
            t->ja = ja;
        double *ar = realloc(t->ar, cap * sizeof *ar);
        if (ar)
            t->ar = ar;
        if (!ia || !ja || !ar)
            return false;
        t->cap = cap;
    }
    t->n++;
    t->ia[t->n] = row;
    t->ja[t->n] = col;
    t->ar[t->n] = v;
    return true;
}

void cj_lp_row_bounds(glp_prob *P, int i, double lo, double hi) {
    if (isinf(lo) && isinf(hi))
        glp_set_row_bnds(P, i, GLP_FR, 0, 0);
    else if (isinf(hi))
        glp_set_row_bnds(P, i, GLP_LO, lo, 0);
    else if (isinf(lo))
        glp_set_row_bnds(P, i, GLP_UP, 0, hi);
    else if (lo == hi)
        glp_set_row_bnds(P, i, GLP_FX, lo, lo);
    else
        glp_set_row_bnds(P, i, GLP_DB, lo, hi);
}

int cj_lp_row(glp_prob *P, const char *name, double lo, double hi) {
    int i = glp_add_rows(P, 1);
    glp_set_row_name(P, i, name);
    cj_lp_row_bounds(P, i, lo, hi);
    return i;
}

/* A bound for a rule the round does not have, in a sweep model: far above
 * anything, finite so that the exported model has no free rows. */
#define NO_LIMIT 1e15

/* FTE in the model's units: with a step q the column counts steps. */
static double fte_coef(const cj_lp *lp) {
    return lp->q > 0 ? lp->q : 1.0;
}

static bool forced(const cj_solve_options *opt, const cj_pair *pa) {
    for (size_t k = 0; opt && k < opt->n_force; k++)
        if (opt->force[2 * k] == pa->provider && opt->force[2 * k + 1] == pa->school)
            return true;
    return false;
}

static bool columns(cj_lp *lp, const cj_round *r, const cj_selection *sel,
                    const cj_solve_options *opt) {
    glp_prob *P = lp->P;
    const cj_policy *pol = &r->policy;
    char name[64];
    for (size_t i = 0; i < sel->n_pairs; i++) {
        const cj_pair *pa = &sel->pairs[i];
        /* elastic: no bound that a relaxable row also makes, so the rows decide */
        double U = lp->elastic ? 1000 : cj_pair_upper(r, pa->provider, pa->school);
        int y = glp_add_cols(P, 1), f = glp_add_cols(P, 1);
        lp->ycol[i] = y;
        lp->fcol[i] = f;
        cj_lp_name(lp, name, sizeof name, "y_s%d_p%d", pa->school + 1, pa->provider + 1);
        glp_set_col_name(P, y, name);
        cj_lp_name(lp, name, sizeof name, "%s_s%d_p%d", lp->q > 0 ? "n" : "f",
                   pa->school + 1, pa->provider + 1);
        glp_set_col_name(P, f, name);
        glp_set_col_kind(P, y, GLP_BV);
        bool fixed = pa->chosen || forced(opt, pa) ||
                     (pol->continuity == CJ_CONT_REQUIRE && pa->incumbent); /* C9, C10 */
        if (fixed)
            glp_set_col_bnds(P, y, GLP_FX, 1, 1);
        double ub = U;
        if (lp->q > 0) {
            glp_set_col_kind(P, f, GLP_IV);
            ub = floor(U / lp->q + 1e-6);
        }
        if (ub > 0)
            glp_set_col_bnds(P, f, GLP_DB, 0, ub);
        else
            glp_set_col_bnds(P, f, GLP_FX, 0, 0);
        double obj = pa->score;
        if (pa->incumbent && pol->continuity != CJ_CONT_NONE)
            obj += pol->continuity_bonus;
        glp_set_obj_coef(P, f, obj * fte_coef(lp));
    }
    return true;
}

static bool rows(cj_lp *lp, const cj_round *r, const cj_selection *sel, cj_triplets *t) {
    glp_prob *P = lp->P;
    const cj_policy *pol = &r->policy;
    double q = fte_coef(lp);
    char name[64];
    bool ok = true;

    /* C2: m y <= f <= U y, in steps when FTE is stepped */
    for (size_t i = 0; ok && i < sel->n_pairs; i++) {
        const cj_pair *pa = &sel->pairs[i];
        double m = pol->min_fte, ub = glp_get_col_ub(P, lp->fcol[i]);
        if (lp->q > 0)
            m = ceil(m / lp->q - 1e-9);
        if (m > 0 || lp->sweep) {
            cj_lp_name(lp, name, sizeof name, "C2min_s%d_p%d", pa->school + 1,
                       pa->provider + 1);
            int k = cj_lp_row(P, name, 0, HUGE_VAL);
            lp->c2min[i] = k;
            ok = cj_trip_add(t, k, lp->fcol[i], 1) && cj_trip_add(t, k, lp->ycol[i], -m);
        }
        cj_lp_name(lp, name, sizeof name, "C2max_s%d_p%d", pa->school + 1,
                   pa->provider + 1);
        int k = cj_lp_row(P, name, -HUGE_VAL, 0);
        lp->c2max[i] = k;
        ok = ok && cj_trip_add(t, k, lp->fcol[i], 1) &&
             cj_trip_add(t, k, lp->ycol[i], -ub);
    }

    /* C1, C4, C5 per school; C8 per school and required expertise */
    size_t u = 0;
    for (size_t s = 0; ok && s < r->n_schools; s++) {
        const cj_school *sc = &r->schools[s];
        size_t a = sel->first[s], b = sel->first[s + 1];
        int k;
        /* a school without pairs has nothing to constrain: cj_prediagnose()
         * speaks of the rules it cannot meet */
        if (a < b) {
            int pmin = sc->providers.set ? sc->providers.min : pol->pps_min;
            int pmax = sc->providers.set ? sc->providers.max : pol->pps_max;
            cj_lp_name(lp, name, sizeof name, "C1_s%zu", s + 1);
            k = cj_lp_row(P, name, pmin, pmax);
            lp->c1[s] = k;
            for (size_t i = a; ok && i < b; i++)
                ok = cj_trip_add(t, k, lp->ycol[i], 1);
        }
        if (a < b && (sc->fte.set || lp->sweep)) {
            cj_lp_name(lp, name, sizeof name, "C4_s%zu", s + 1);
            k = sc->fte.set ? cj_lp_row(P, name, sc->fte.min, sc->fte.max)
                            : cj_lp_row(P, name, -HUGE_VAL, NO_LIMIT);
            lp->c4[s] = k;
            for (size_t i = a; ok && i < b; i++)
                ok = cj_trip_add(t, k, lp->fcol[i], q);
        }
        if (a < b && (sc->has_amount || lp->sweep)) {
            cj_lp_name(lp, name, sizeof name, "C5_s%zu", s + 1);
            k = cj_lp_row(P, name, -HUGE_VAL,
                          sc->has_amount ? sc->annual_amount : NO_LIMIT);
            lp->c5[s] = k;
            for (size_t i = a; ok && i < b; i++)
                ok = cj_trip_add(t, k, lp->fcol[i],
                                 q * r->providers[sel->pairs[i].provider].cost_per_fte);
        }
        const cj_cluster *c = &r->clusters[sc->cluster_idx];
        bool cover =
            pol->coverage == CJ_COVER_SOFT || (pol->coverage == CJ_COVER_HARD && a < b);
        for (size_t e = 0; cover && ok && e < c->required.n; e++) {
            int ex = c->required.idx[e];
            cj_lp_name(lp, name, sizeof name, "C8_s%zu_e%d", s + 1, ex + 1);
            k = cj_lp_row(P, name, 1, HUGE_VAL);
            for (size_t i = a; ok && i < b; i++)
                if (r->provider_has[(size_t)sel->pairs[i].provider * r->n_expertise +
                                    (size_t)ex])
                    ok = cj_trip_add(t, k, lp->ycol[i], 1);
            if (pol->coverage == CJ_COVER_SOFT) {
                int col = glp_add_cols(P, 1);
                cj_lp_name(lp, name, sizeof name, "u_s%zu_e%d", s + 1, ex + 1);
                glp_set_col_name(P, col, name);
                glp_set_col_bnds(P, col, GLP_DB, 0, 1);
                glp_set_obj_coef(P, col, -pol->coverage_penalty);
                lp->ucol[u] = col;
                lp->u_school[u] = (int)s;
                lp->u_exp[u] = ex;
                u++;
                ok = ok && cj_trip_add(t, k, col, 1);
            }
        }
    }
    lp->n_u = u;

    /* C3 and C6 per cluster */
    for (size_t c = 0; ok && c < r->n_clusters; c++) {
        const cj_cluster *cl = &r->clusters[c];
        int kf = 0, ka = 0;
        for (size_t i = 0; ok && i < sel->n_pairs; i++) {
            const cj_pair *pa = &sel->pairs[i];
            if (r->schools[pa->school].cluster_idx != (int)c)
                continue;
            if (!kf) {
                cj_lp_name(lp, name, sizeof name, "C3_c%zu", c + 1);
                kf = cj_lp_row(P, name, cl->fte.min, cl->fte.max);
                lp->c3[c] = kf;
                if (cl->has_amount || lp->sweep) {
                    cj_lp_name(lp, name, sizeof name, "C6_c%zu", c + 1);
                    ka = cj_lp_row(P, name, -HUGE_VAL,
                                   cl->has_amount ? cl->annual_amount : NO_LIMIT);
                    lp->c6[c] = ka;
                }
            }
            ok = cj_trip_add(t, kf, lp->fcol[i], q);
            if (ka)
                ok = ok && cj_trip_add(t, ka, lp->fcol[i],
                                       q * r->providers[pa->provider].cost_per_fte);
        }
    }

    /* C7 per provider: capacity, and the number of schools */
    int *cap_row = lp->c7cap, *cnt_row = lp->c7max;
    for (size_t i = 0; ok && i < sel->n_pairs; i++) {
        int p = sel->pairs[i].provider;
        const cj_provider *pr = &r->providers[p];
        if (!cap_row[p]) {
            cj_lp_name(lp, name, sizeof name, "C7cap_p%d", p + 1);
            cap_row[p] = cj_lp_row(P, name, -HUGE_VAL, cj_provider_capacity(r, p));
            if (pr->has_max_schools || lp->sweep) {
                cj_lp_name(lp, name, sizeof name, "C7max_p%d", p + 1);
                cnt_row[p] = cj_lp_row(P, name, -HUGE_VAL,
                                       pr->has_max_schools ? pr->max_schools : NO_LIMIT);
            }
        }
        ok = cj_trip_add(t, cap_row[p], lp->fcol[i], q);
        if (cnt_row[p])
            ok = ok && cj_trip_add(t, cnt_row[p], lp->ycol[i], 1);
    }
    return ok;
}

/* One no-good row per earlier plan g: the y of the pairs it used may not all
 * stay 1 while all the others stay 0 (within the school filter):
 * sum_{i not in g} y_i - sum_{i in g} y_i >= 1 - |g|. */
static bool nogoods(cj_lp *lp, const cj_selection *sel, const cj_solve_options *opt,
                    cj_triplets *t) {
    char name[64];
    for (size_t g = 0; opt && g < opt->n_nogood; g++) {
        const int *pairs = opt->nogood[g];
        size_t in = 0;
        cj_lp_name(lp, name, sizeof name, "alt_%zu", g + 1);
        int k = glp_add_rows(lp->P, 1);
        glp_set_row_name(lp->P, k, name);
        for (size_t i = 0; i < sel->n_pairs; i++) {
            const cj_pair *pa = &sel->pairs[i];
            if (opt->nogood_school >= 0 && pa->school != opt->nogood_school)
                continue;
            bool used = false;
            for (size_t j = 0; j < opt->nogood_len[g] && !used; j++)
                used = pairs[2 * j] == pa->provider && pairs[2 * j + 1] == pa->school;
            in += used;
            if (!cj_trip_add(t, k, lp->ycol[i], used ? -1 : 1))
                return false;
        }
        glp_set_row_bnds(lp->P, k, GLP_LO, 1.0 - (double)in, 0);
    }
    return true;
}

static size_t count_u(const cj_round *r) {
    if (r->policy.coverage != CJ_COVER_SOFT)
        return 0;
    size_t n = 0;
    for (size_t s = 0; s < r->n_schools; s++)
        n += r->clusters[r->schools[s].cluster_idx].required.n;
    return n;
}

bool cj_lp_build(cj_lp *lp, const cj_round *r, const cj_selection *sel,
                 const cj_solve_options *opt) {
    size_t nu = count_u(r);
    lp->n_pairs = sel->n_pairs;
    lp->q = r->policy.has_fte_step ? r->policy.fte_step : 0;
    if (r->staffed)
        lp->q = r->policy.day_part_fte; /* SPEC §6: it takes fte_step's place */
    lp->ycol = malloc((sel->n_pairs + 1) * sizeof *lp->ycol);
    lp->fcol = malloc((sel->n_pairs + 1) * sizeof *lp->fcol);
    lp->ucol = malloc((nu + 1) * sizeof *lp->ucol);
    lp->u_school = malloc((nu + 1) * sizeof *lp->u_school);
    lp->u_exp = malloc((nu + 1) * sizeof *lp->u_exp);
    lp->c2min = calloc(sel->n_pairs + 1, sizeof(int));
    lp->c2max = calloc(sel->n_pairs + 1, sizeof(int));
    lp->c1 = calloc(r->n_schools + 1, sizeof(int));
    lp->c4 = calloc(r->n_schools + 1, sizeof(int));
    lp->c5 = calloc(r->n_schools + 1, sizeof(int));
    lp->c3 = calloc(r->n_clusters + 1, sizeof(int));
    lp->c6 = calloc(r->n_clusters + 1, sizeof(int));
    lp->c7cap = calloc(r->n_providers + 1, sizeof(int));
    lp->c7max = calloc(r->n_providers + 1, sizeof(int));
    lp->cap = calloc(r->n_schools + 1, sizeof(int));
    lp->capfte = calloc(r->n_schools + 1, sizeof(int));
    if (!lp->ycol || !lp->fcol || !lp->ucol || !lp->u_school || !lp->u_exp ||
        !lp->c2min || !lp->c2max || !lp->c1 || !lp->c4 || !lp->c5 || !lp->c3 || !lp->c6 ||
        !lp->c7cap || !lp->c7max || !lp->cap || !lp->capfte)
        return false;
    lp->P = glp_create_prob();
    glp_set_prob_name(lp->P, r->id);
    glp_set_obj_name(lp->P, "support");
    glp_set_obj_dir(lp->P, GLP_MAX);
    cj_triplets t = {0};
    bool ok = columns(lp, r, sel, opt) && rows(lp, r, sel, &t) &&
              nogoods(lp, sel, opt, &t) && cj_lp_school_caps(lp, r, sel, &t) &&
              (!r->staffed || lp->elastic || lp->sweep || lp->no_staff ||
               cj_lp_staff(lp, r, sel, &t));
    if (ok && t.n)
        glp_load_matrix(lp->P, (int)t.n, t.ia, t.ja, t.ar);
    free(t.ia);
    free(t.ja);
    free(t.ar);
    return ok;
}

void cj_lp_free(cj_lp *lp) {
    if (lp->P)
        glp_delete_prob(lp->P);
    int *arrays[] = {lp->ycol,     lp->fcol,  lp->ucol,  lp->u_school, lp->u_exp,
                     lp->c2min,    lp->c2max, lp->c1,    lp->c4,       lp->c5,
                     lp->c3,       lp->c6,    lp->c7cap, lp->c7max,    lp->sk_pair,
                     lp->sk_staff, lp->sk_n,  lp->sk_z,  lp->cap,      lp->capfte};
    for (size_t i = 0; i < sizeof arrays / sizeof *arrays; i++)
        free(arrays[i]);
    free(lp->val);
    free(lp->carry);
    for (size_t i = 0; i < sizeof lp->scratch / sizeof *lp->scratch; i++)
        free(lp->scratch[i]);
    if (lp->relaxed) {
        cj_lp_free(lp->relaxed);
        free(lp->relaxed);
    }
    cj_price_free(lp->price);
    bool elastic = lp->elastic, sweep = lp->sweep;
    *lp = (cj_lp){0};
    lp->elastic = elastic;
    lp->sweep = sweep;
}

void cj_lp_name(const cj_lp *lp, char *buf, size_t n, const char *fmt, ...) {
    buf[0] = '\0';
    if (lp->nameless)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, n, fmt, ap);
    va_end(ap);
}

int cj_lp_meets(glp_prob *P, const double *v, double tol) {
    int nr = glp_get_num_rows(P), nc = glp_get_num_cols(P);
    int *ind = malloc(((size_t)nc + 1) * sizeof *ind);
    double *val = malloc(((size_t)nc + 1) * sizeof *val);
    int ok = ind && val ? 1 : -1;
    for (int j = 1; ok == 1 && j <= nc; j++) {
        int t = glp_get_col_type(P, j);
        double lo = glp_get_col_lb(P, j), hi = glp_get_col_ub(P, j);
        if ((t == GLP_LO || t == GLP_DB || t == GLP_FX) &&
            v[j] < lo - tol * (1 + fabs(lo)))
            ok = 0;
        if ((t == GLP_UP || t == GLP_DB || t == GLP_FX) &&
            v[j] > hi + tol * (1 + fabs(hi)))
            ok = 0;
        if (glp_get_col_kind(P, j) != GLP_CV && fabs(v[j] - round(v[j])) > tol)
            ok = 0;
    }
    for (int i = 1; ok == 1 && i <= nr; i++) {
        int t = glp_get_row_type(P, i);
        if (t == GLP_FR)
            continue;
        int len = glp_get_mat_row(P, i, ind, val);
        double a = 0, lo = glp_get_row_lb(P, i), hi = glp_get_row_ub(P, i);
        for (int k = 1; k <= len; k++)
            a += val[k] * v[ind[k]];
        if ((t == GLP_LO || t == GLP_DB || t == GLP_FX) && a < lo - tol * (1 + fabs(lo)))
            ok = 0;
        if ((t == GLP_UP || t == GLP_DB || t == GLP_FX) && a > hi + tol * (1 + fabs(hi)))
            ok = 0;
    }
    free(ind);
    free(val);
    return ok;
}

bool cj_lp_map_plan(const cj_lp *a, const double *from, const cj_lp *b, double *to) {
    if (a->n_pairs != b->n_pairs || a->n_u != b->n_u)
        return false;
    for (size_t k = 0; k < a->n_u; k++)
        if (a->u_school[k] != b->u_school[k] || a->u_exp[k] != b->u_exp[k])
            return false;
    for (size_t i = 0; i < a->n_pairs; i++) {
        to[b->ycol[i]] = round(from[a->ycol[i]]);
        double f = from[a->fcol[i]];
        to[b->fcol[i]] = glp_get_col_kind(b->P, b->fcol[i]) == GLP_CV ? f : round(f);
    }
    for (size_t k = 0; k < a->n_u; k++)
        to[b->ucol[k]] = from[a->ucol[k]];
    return true;
}

void *cj_lp_scratch(cj_lp *lp, size_t bytes) {
    for (size_t i = 0; i < sizeof lp->scratch / sizeof *lp->scratch; i++)
        if (!lp->scratch[i])
            return lp->scratch[i] = malloc(bytes ? bytes : 1);
    return NULL;
}

void cj_lp_unscratch(cj_lp *lp, void *p) {
    for (size_t i = 0; p && i < sizeof lp->scratch / sizeof *lp->scratch; i++)
        if (lp->scratch[i] == p) {
            free(p);
            lp->scratch[i] = NULL;
        }
}

bool cj_lp_ready(cj_lp *lp, const cj_round *r, const cj_selection *sel,
                 const cj_solve_options *opt) {
    if (!lp->P)
        return cj_lp_build(lp, r, sel, opt);
    cj_lp_update(lp, r, sel, opt);
    return true;
}

/*
 * The setters of cj_lp_update(): each sets what it names and clears
 * lp->nested when the change can let in a plan the model kept out before
 * (a bound moved out, a coefficient moved the way that loosens its row, an
 * objective coefficient changed).  Every column is at least 0, so a row
 * a.x <= hi is only tightened by a larger a, and a.x >= lo by a smaller.
 */
static void col_bounds(cj_lp *lp, int j, int type, double lo, double hi) {
    double olo = glp_get_col_lb(lp->P, j), ohi = glp_get_col_ub(lp->P, j);
    glp_set_col_bnds(lp->P, j, type, lo, hi);
    if (glp_get_col_lb(lp->P, j) < olo || glp_get_col_ub(lp->P, j) > ohi)
        lp->nested = false;
}

static void obj_coef(cj_lp *lp, int j, double c) {
    if (glp_get_obj_coef(lp->P, j) != c)
        lp->nested = false;
    glp_set_obj_coef(lp->P, j, c);
}

static void row_bounds(cj_lp *lp, int i, double lo, double hi) {
    double olo = glp_get_row_lb(lp->P, i), ohi = glp_get_row_ub(lp->P, i);
    cj_lp_row_bounds(lp->P, i, lo, hi);
    if (glp_get_row_lb(lp->P, i) < olo || glp_get_row_ub(lp->P, i) > ohi)
        lp->nested = false;
}

/* `dense` has a zero per column (1-based) and is left so; `ind` and `val`
 * hold a row of the model. */
static void mat_row(cj_lp *lp, int i, int len, const int *cols, const double *vals,
                    double *dense, int *ind, double *val) {
    glp_prob *P = lp->P;
    if (lp->nested) {
        bool up = glp_get_row_ub(P, i) < DBL_MAX;
        bool down = glp_get_row_lb(P, i) > -DBL_MAX;
        int old = glp_get_mat_row(P, i, ind, val);
        for (int k = 1; k <= old; k++)
            dense[ind[k]] = val[k];
        for (int k = 1; k <= len; k++) {
            double was = dense[cols[k]], now = vals[k];
            dense[cols[k]] = 0;
            if ((up && now < was) || (down && now > was) ||
                glp_get_col_lb(P, cols[k]) < 0)
                lp->nested = false;
        }
        for (int k = 1; k <= old; k++) {
            double was = dense[ind[k]]; /* dropped from the row: now 0 */
            dense[ind[k]] = 0;
            if ((up && 0 < was) || (down && 0 > was))
                lp->nested = false;
        }
    }
    glp_set_mat_row(P, i, len, cols, vals);
}

void cj_lp_update(cj_lp *lp, const cj_round *r, const cj_selection *sel,
                  const cj_solve_options *opt) {
    cj_lp_unprice(lp); /* priced at the numbers about to change */
    glp_prob *P = lp->P;
    lp->nested = true;
    size_t ncols = (size_t)glp_get_num_cols(P) + 1;
    double *dense = calloc(ncols, sizeof *dense),
           *rowval = malloc(ncols * sizeof *rowval);
    int *rowind = malloc(ncols * sizeof *rowind);
    if (!dense || !rowval || !rowind)
        lp->nested = false; /* out of memory: only the shortcut is lost */
    const cj_policy *pol = &r->policy;
    double q = fte_coef(lp);
    for (size_t i = 0; i < sel->n_pairs; i++) {
        const cj_pair *pa = &sel->pairs[i];
        double U = cj_pair_upper(r, pa->provider, pa->school);
        double ub = lp->q > 0 ? floor(U / lp->q + 1e-6) : U;
        bool fixed = pa->chosen || forced(opt, pa) ||
                     (pol->continuity == CJ_CONT_REQUIRE && pa->incumbent);
        col_bounds(lp, lp->ycol[i], fixed ? GLP_FX : GLP_DB, fixed ? 1 : 0, 1);
        col_bounds(lp, lp->fcol[i], ub > 0 ? GLP_DB : GLP_FX, 0, ub > 0 ? ub : 0);
        double obj = pa->score;
        if (pa->incumbent && pol->continuity != CJ_CONT_NONE)
            obj += pol->continuity_bonus;
        obj_coef(lp, lp->fcol[i], obj * q);
        double m = lp->q > 0 ? ceil(pol->min_fte / lp->q - 1e-9) : pol->min_fte;
        int cols[3] = {0, lp->fcol[i], lp->ycol[i]}; /* GLPK counts from 1 */
        double lo[3] = {0, 1, -m}, hi[3] = {0, 1, -ub};
        if (lp->c2min[i])
            mat_row(lp, lp->c2min[i], m > 0 ? 2 : 1, cols, lo, dense, rowind, rowval);
        mat_row(lp, lp->c2max[i], ub > 0 ? 2 : 1, cols, hi, dense, rowind, rowval);
    }
    /* 1-based, as GLPK reads them */
    int *cols = malloc((sel->n_pairs + 2) * sizeof *cols);
    double *vals = malloc((sel->n_pairs + 2) * sizeof *vals);
    for (size_t s = 0; cols && vals && s < r->n_schools; s++) {
        const cj_school *sc = &r->schools[s];
        size_t a = sel->first[s], b = sel->first[s + 1];
        if (a == b || !lp->c4[s] || !lp->c5[s])
            continue; /* (only a sweep model has every row) */
        row_bounds(lp, lp->c1[s], sc->providers.set ? sc->providers.min : pol->pps_min,
                   sc->providers.set ? sc->providers.max : pol->pps_max);
        row_bounds(lp, lp->c4[s], sc->fte.set ? sc->fte.min : -HUGE_VAL,
                   sc->fte.set ? sc->fte.max : NO_LIMIT);
        row_bounds(lp, lp->c5[s], -HUGE_VAL,
                   sc->has_amount ? sc->annual_amount : NO_LIMIT);
        for (size_t i = a; i < b; i++) {
            cols[i - a + 1] = lp->fcol[i];
            vals[i - a + 1] = q * r->providers[sel->pairs[i].provider].cost_per_fte;
        }
        mat_row(lp, lp->c5[s], (int)(b - a), cols, vals, dense, rowind, rowval);
    }
    for (size_t c = 0; cols && vals && c < r->n_clusters; c++) {
        const cj_cluster *cl = &r->clusters[c];
        if (!lp->c3[c] || !lp->c6[c])
            continue;
        row_bounds(lp, lp->c3[c], cl->fte.min, cl->fte.max);
        row_bounds(lp, lp->c6[c], -HUGE_VAL,
                   cl->has_amount ? cl->annual_amount : NO_LIMIT);
        int n = 0;
        for (size_t i = 0; i < sel->n_pairs; i++)
            if (r->schools[sel->pairs[i].school].cluster_idx == (int)c) {
                n++;
                cols[n] = lp->fcol[i];
                vals[n] = q * r->providers[sel->pairs[i].provider].cost_per_fte;
            }
        mat_row(lp, lp->c6[c], n, cols, vals, dense, rowind, rowval);
    }
    free(cols);
    free(vals);
    for (size_t p = 0; p < r->n_providers; p++) {
        const cj_provider *pr = &r->providers[p];
        if (lp->c7cap[p])
            row_bounds(lp, lp->c7cap[p], -HUGE_VAL, cj_provider_capacity(r, (int)p));
        if (lp->c7max[p])
            row_bounds(lp, lp->c7max[p], -HUGE_VAL,
                       pr->has_max_schools ? pr->max_schools : NO_LIMIT);
    }
    for (size_t k = 0; k < lp->n_u; k++)
        obj_coef(lp, lp->ucol[k], -pol->coverage_penalty);
    free(dense);
    free(rowval);
    free(rowind);
    /* a plan proven best stays of use only while every change since took
     * plans away, whichever scenarios were not solved in between */
    if (!lp->nested)
        lp->proven = lp->carried = false;
    /* last: it reads the bounds set above; the caps follow from the other
     * rows (valid for every plan), so they need not take part in `nested` */
    cj_lp_update_caps(lp, r, sel);
}
