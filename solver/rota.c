/*
 * The weekly rota of a staffed plan (SPEC §6, docs/rota.md): which day-parts
 * each person works where.
 *
 * The plan's model has already fixed the providers and FTE of every school
 * and made sure that the staff can carry them in a week.  Here the people
 * and day-parts are found in two steps: first a matching per person (always
 * succeeds, because the model states Hall's condition), then a small model
 * over the day-parts themselves that may move people between the schools of
 * the plan, keeping every pair's FTE, to prefer (in this order) staff who
 * know the school, support on more weekdays, and fewer people who change
 * school within a day: weights make each level outweigh everything below
 * it.  That model is searched one provider at a time first (the providers'
 * windows), then as a whole from their week, so a time limit can only stop
 * the improving, never the rota.
 */
#include "solver_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAYS (CJ_DAY_PARTS / 2)

/* One (pair, person) entry of the model that is in the plan. */
typedef struct {
    int sk; /* index into the model's staff entries */
    int pair, school, provider, staff;
    size_t person;  /* round-wide number of the person */
    unsigned can;   /* day-parts the person could work there */
    int most;       /* day-parts they could give there */
    int want;       /* day-parts the plan's model gave them there */
    unsigned parts; /* day-parts found */
    bool known, skj;
} entry;

typedef struct {
    entry *e;
    size_t n;
    size_t people;
} rota;

/* Kuhn's augmenting path over one person's day-parts: `owner[d]` is the entry
 * (index into `idx`) holding day-part d, or -1. */
static bool augment(const rota *ro, const size_t *idx, int j, int *owner, bool *seen) {
    /* mornings first, then afternoons: one person's day-parts fall on
     * different weekdays where they can */
    static const int order[CJ_DAY_PARTS] = {0, 2, 4, 6, 8, 1, 3, 5, 7, 9};
    for (int o = 0; o < CJ_DAY_PARTS; o++) {
        int d = order[o];
        if (!(ro->e[idx[j]].can & (1u << d)) || seen[d])
            continue;
        seen[d] = true;
        if (owner[d] < 0 || augment(ro, idx, owner[d], owner, seen)) {
            owner[d] = j;
            return true;
        }
    }
    return false;
}

/* The first rota: per person, a matching of their day-parts to the counts the
 * model gave.  False when some count cannot be placed (the model's rows make
 * that impossible; it would be a bug). */
static bool match(rota *ro) {
    size_t *idx = malloc((ro->n + 1) * sizeof *idx);
    if (!idx)
        return false;
    bool ok = true;
    for (size_t a = 0; ok && a < ro->n;) {
        size_t b = a, ni = 0;
        while (b < ro->n && ro->e[b].person == ro->e[a].person)
            b++;
        for (size_t i = a; i < b; i++)
            idx[ni++] = i;
        int owner[CJ_DAY_PARTS];
        for (int d = 0; d < CJ_DAY_PARTS; d++)
            owner[d] = -1;
        for (size_t j = 0; ok && j < ni; j++)
            for (int c = 0; ok && c < ro->e[idx[j]].want; c++) {
                bool seen[CJ_DAY_PARTS] = {false};
                ok = augment(ro, idx, (int)j, owner, seen);
            }
        for (int d = 0; ok && d < CJ_DAY_PARTS; d++)
            if (owner[d] >= 0)
                ro->e[idx[owner[d]]].parts |= 1u << d;
        a = b;
    }
    free(idx);
    return ok;
}

/* The week's value as the improving model weighs it: a day-part more by
 * someone who knows the school outweighs every weekday, and a weekday more
 * every change of school within a day. */
static double weights(const rota *ro, size_t n_schools, double *W) {
    *W = (double)ro->people * DAYS + 1;
    return *W * (double)n_schools * DAYS + *W;
}

static double value(const rota *ro, size_t n_schools) {
    double W, K = weights(ro, n_schools, &W);
    double v = 0;
    for (size_t i = 0; i < ro->n; i++) {
        const entry *e = &ro->e[i];
        if (e->known)
            v += K * cj_day_count(e->parts);
        /* weekdays at e's school that no earlier entry there covers */
        unsigned before = 0;
        for (size_t o = 0; o < i; o++)
            if (ro->e[o].school == e->school)
                before |= ro->e[o].parts;
        for (int d = 0; d < DAYS; d++)
            v += W * ((e->parts >> (2 * d) & 3u) && !(before >> (2 * d) & 3u));
        for (size_t o = 0; o < ro->n; o++)
            if (ro->e[o].person == e->person && ro->e[o].school != e->school)
                for (int d = 0; d < DAYS; d++)
                    v -= (e->parts >> (2 * d) & 1u) &&
                         (ro->e[o].parts >> (2 * d + 1) & 1u);
    }
    return v;
}

/* A first week by hand: each person's day-parts, one at a time, where their
 * school has no support that weekday yet and where they do not change
 * school within the day.  False when some count does not fit this way (the
 * matching then places them). */
static bool greedy(rota *ro, size_t n_schools) {
    unsigned *covered = calloc(n_schools + 1, sizeof *covered);
    if (!covered)
        return false;
    bool ok = true;
    for (size_t a = 0; ok && a < ro->n;) {
        size_t b = a;
        while (b < ro->n && ro->e[b].person == ro->e[a].person)
            b++;
        unsigned used = 0;
        for (size_t i = a; ok && i < b; i++) {
            entry *e = &ro->e[i];
            for (int c = 0; ok && c < e->want; c++) {
                int best = -1, best_score = 0;
                for (int d = 0; d < CJ_DAY_PARTS; d++) {
                    unsigned bit = 1u << d, other = 1u << (d ^ 1);
                    if (!(e->can & bit) || (used & bit))
                        continue;
                    int score = (covered[e->school] >> (2 * (d / 2)) & 3u) ? 0 : 8;
                    /* the other half of the day elsewhere: a change */
                    if ((used & other) && !(e->parts & other))
                        score -= 4;
                    if (e->parts & other)
                        score += 1;
                    if (best < 0 || score > best_score) {
                        best = d;
                        best_score = score;
                    }
                }
                if (best < 0) {
                    ok = false;
                    break;
                }
                e->parts |= 1u << best;
                used |= 1u << best;
                covered[e->school] |= 1u << best;
            }
        }
        a = b;
    }
    free(covered);
    if (!ok)
        for (size_t i = 0; i < ro->n; i++)
            ro->e[i].parts = 0;
    return ok;
}

/* Moves single day-parts of a person at a school to another day-part while
 * that adds a weekday at the school or takes away a change of school within
 * a day (and loses neither).  Keeps every count; `ro` grouped by person. */
static bool polish(rota *ro, size_t n_schools) {
    int *cnt = calloc(n_schools * CJ_DAY_PARTS + 1, sizeof *cnt);   /* entries there */
    int *at = malloc((ro->people * CJ_DAY_PARTS + 1) * sizeof *at); /* school or -1 */
    if (!cnt || !at) {
        free(cnt);
        free(at);
        return false;
    }
    for (size_t k = 0; k < ro->people * CJ_DAY_PARTS; k++)
        at[k] = -1;
    for (size_t i = 0; i < ro->n; i++)
        for (int d = 0; d < CJ_DAY_PARTS; d++)
            if (ro->e[i].parts & (1u << d)) {
                cnt[(size_t)ro->e[i].school * CJ_DAY_PARTS + (size_t)d]++;
                at[ro->e[i].person * CJ_DAY_PARTS + (size_t)d] = ro->e[i].school;
            }
    double W;
    weights(ro, n_schools, &W);
#define DAY_COVERED(s, D)                                                                \
    (cnt[(size_t)(s)*CJ_DAY_PARTS + 2 * (size_t)(D)] +                                   \
         cnt[(size_t)(s)*CJ_DAY_PARTS + 2 * (size_t)(D) + 1] >                           \
     0)
#define CHANGE(p, D)                                                                     \
    (at[(p)*CJ_DAY_PARTS + 2 * (size_t)(D)] >= 0 &&                                      \
     at[(p)*CJ_DAY_PARTS + 2 * (size_t)(D) + 1] >= 0 &&                                  \
     at[(p)*CJ_DAY_PARTS + 2 * (size_t)(D)] !=                                           \
         at[(p)*CJ_DAY_PARTS + 2 * (size_t)(D) + 1])
    bool better = true;
    for (int round = 0; better && round < 50; round++) {
        better = false;
        for (size_t i = 0; i < ro->n; i++) {
            entry *e = &ro->e[i];
            size_t p = e->person;
            for (int d = 0; d < CJ_DAY_PARTS; d++) {
                if (!(e->parts & (1u << d)))
                    continue;
                for (int t = 0; t < CJ_DAY_PARTS; t++) {
                    if (!(e->can & (1u << t)) || at[p * CJ_DAY_PARTS + (size_t)t] >= 0)
                        continue;
                    int D = d / 2, T = t / 2;
                    double before =
                        W * (DAY_COVERED(e->school, D) + DAY_COVERED(e->school, T)) -
                        CHANGE(p, D) - (T != D ? CHANGE(p, T) : 0);
                    cnt[(size_t)e->school * CJ_DAY_PARTS + (size_t)d]--;
                    cnt[(size_t)e->school * CJ_DAY_PARTS + (size_t)t]++;
                    at[p * CJ_DAY_PARTS + (size_t)d] = -1;
                    at[p * CJ_DAY_PARTS + (size_t)t] = e->school;
                    double after =
                        W * (DAY_COVERED(e->school, D) + DAY_COVERED(e->school, T)) -
                        CHANGE(p, D) - (T != D ? CHANGE(p, T) : 0);
                    if (after > before) {
                        e->parts = (e->parts & ~(1u << d)) | (1u << t);
                        better = true;
                        break;
                    }
                    cnt[(size_t)e->school * CJ_DAY_PARTS + (size_t)d]++;
                    cnt[(size_t)e->school * CJ_DAY_PARTS + (size_t)t]--;
                    at[p * CJ_DAY_PARTS + (size_t)d] = e->school;
                    at[p * CJ_DAY_PARTS + (size_t)t] = -1;
                }
            }
        }
    }
#undef DAY_COVERED
#undef CHANGE
    free(cnt);
    free(at);
    return true;
}

static int cmp_person(const void *a, const void *b) {
    const entry *x = a, *y = b;
    if (x->person != y->person)
        return x->person < y->person ? -1 : 1;
    return x->sk - y->sk;
}

/* The plan's entries, grouped by person (then in model order). */
static bool gather(rota *ro, const cj_lp *lp, const cj_round *r,
                   const cj_selection *sel) {
    size_t *off = calloc(r->n_providers + 1, sizeof *off);
    ro->e = calloc(lp->n_sk + 1, sizeof *ro->e);
    if (!off || !ro->e) {
        free(off);
        return false;
    }
    for (size_t p = 0; p < r->n_providers; p++)
        off[p + 1] = off[p] + r->providers[p].n_staff;
    ro->people = off[r->n_providers];
    for (size_t k = 0; k < lp->n_sk; k++) {
        int i = lp->sk_pair[k];
        if (lp->val[lp->ycol[i]] < 0.5)
            continue;
        const cj_pair *pa = &sel->pairs[i];
        const cj_staff *st = &r->providers[pa->provider].staff[lp->sk_staff[k]];
        entry *e = &ro->e[ro->n++];
        e->sk = (int)k;
        e->pair = i;
        e->school = pa->school;
        e->provider = pa->provider;
        e->staff = lp->sk_staff[k];
        e->person = off[pa->provider] + (size_t)e->staff;
        e->can = st->available & r->schools[pa->school].open;
        e->most = (int)glp_get_col_ub(lp->P, lp->sk_n[k]);
        e->want = (int)lround(lp->val[lp->sk_n[k]]);
        e->skj = st->skj;
        for (size_t j = 0; j < st->known_at.n; j++)
            e->known |= st->known_at.idx[j] == pa->school;
    }
    free(off);
    qsort(ro->e, ro->n, sizeof *ro->e, cmp_person);
    return true;
}

/* ------------------------------------------------------------ improving */

/* Columns of the improving model, 1-based. */
typedef struct {
    glp_prob *P;
    int *x; /* entry * 10 + day-part -> column, 0 when the person cannot */
    int *z; /* per entry */
    int *w; /* school * 5 + day -> column (support at the school that day) */
    int *c; /* person * 5 + day -> column (changes school that day) */
    cj_triplets t;
} improve;

static void improve_free(improve *m) {
    if (m->P)
        glp_delete_prob(m->P);
    free(m->x);
    free(m->z);
    free(m->w);
    free(m->c);
    free(m->t.ia);
    free(m->t.ja);
    free(m->t.ar);
}

static int col(glp_prob *P, const char *name, int kind, double ub, double obj) {
    int j = glp_add_cols(P, 1);
    glp_set_col_name(P, j, name);
    glp_set_col_kind(P, j, kind);
    glp_set_col_bnds(P, j, GLP_DB, 0, ub);
    glp_set_obj_coef(P, j, obj);
    return j;
}

static bool build(improve *m, const rota *ro, const cj_round *r, const cj_selection *sel,
                  const unsigned *outside) {
    size_t ns = r->n_schools;
    m->x = calloc(ro->n * CJ_DAY_PARTS + 1, sizeof *m->x);
    m->z = calloc(ro->n + 1, sizeof *m->z);
    m->w = calloc(ns * DAYS + 1, sizeof *m->w);
    m->c = calloc(ro->people * DAYS + 1, sizeof *m->c);
    if (!m->x || !m->z || !m->w || !m->c)
        return false;
    glp_prob *P = m->P = glp_create_prob();
    glp_set_obj_dir(P, GLP_MAX);
    char name[80];
    double W, K = weights(ro, ns, &W);
    for (size_t i = 0; i < ro->n; i++) {
        const entry *e = &ro->e[i];
        snprintf(name, sizeof name, "z_s%d_p%d_k%d", e->school + 1, e->provider + 1,
                 e->staff + 1);
        m->z[i] = col(P, name, GLP_BV, 1, 0);
        for (int d = 0; d < CJ_DAY_PARTS; d++)
            if (e->can & (1u << d)) {
                snprintf(name, sizeof name, "x_s%d_p%d_k%d_%s", e->school + 1,
                         e->provider + 1, e->staff + 1, cj_day_part_name(d));
                m->x[i * CJ_DAY_PARTS + (size_t)d] =
                    col(P, name, GLP_BV, 1, e->known ? K : 0);
            }
        for (int d = 0; d < DAYS; d++) {
            int *w = &m->w[(size_t)e->school * DAYS + (size_t)d];
            if (outside && (outside[e->school] >> d & 1u))
                continue; /* someone outside the model is there that day */
            if (!*w) {
                snprintf(name, sizeof name, "w_s%d_%.3s", e->school + 1,
                         cj_day_part_name(2 * d));
                *w = col(P, name, GLP_BV, 1, W);
            }
        }
    }
    cj_triplets *t = &m->t;
    bool ok = true;
    /* per pair: the FTE of the plan, and S1/S3 (by runs of one pair) */
    for (size_t a = 0; ok && a < ro->n; a++) {
        bool first = true;
        for (size_t i = 0; i < a; i++)
            first &= ro->e[i].pair != ro->e[a].pair;
        if (!first)
            continue;
        int want = 0;
        for (size_t i = a; i < ro->n; i++)
            if (ro->e[i].pair == ro->e[a].pair)
                want += ro->e[i].want;
        snprintf(name, sizeof name, "fte_s%d_p%d", ro->e[a].school + 1,
                 ro->e[a].provider + 1);
        int fte = cj_lp_row(P, name, want, want);
        snprintf(name, sizeof name, "S1_s%d_p%d", ro->e[a].school + 1,
                 ro->e[a].provider + 1);
        int cnt = cj_lp_row(P, name, r->policy.staff_min, r->policy.staff_max);
        for (size_t i = a; ok && i < ro->n; i++) {
            const entry *e = &ro->e[i];
            if (e->pair != ro->e[a].pair)
                continue;
            ok = cj_trip_add(t, cnt, m->z[i], 1);
            snprintf(name, sizeof name, "come_s%d_k%d", e->school + 1, e->staff + 1);
            int come = cj_lp_row(P, name, -HUGE_VAL, 0);
            snprintf(name, sizeof name, "some_s%d_k%d", e->school + 1, e->staff + 1);
            int some = cj_lp_row(P, name, 0, HUGE_VAL);
            snprintf(name, sizeof name, "most_s%d_k%d", e->school + 1, e->staff + 1);
            int most = cj_lp_row(P, name, -HUGE_VAL, e->most);
            ok = ok && cj_trip_add(t, come, m->z[i], -e->most) &&
                 cj_trip_add(t, some, m->z[i], -1);
            for (int d = 0; ok && d < CJ_DAY_PARTS; d++) {
                int x = m->x[i * CJ_DAY_PARTS + (size_t)d];
                if (x)
                    ok = cj_trip_add(t, fte, x, 1) && cj_trip_add(t, come, x, 1) &&
                         cj_trip_add(t, some, x, 1) && cj_trip_add(t, most, x, 1);
            }
            if (e->skj || !ok)
                continue;
            snprintf(name, sizeof name, "S3_s%d_k%d", e->school + 1, e->staff + 1);
            int s3 = cj_lp_row(P, name, -HUGE_VAL, 0);
            ok = cj_trip_add(t, s3, m->z[i], 1);
            for (size_t o = a; ok && o < ro->n; o++)
                if (ro->e[o].pair == e->pair && ro->e[o].skj)
                    ok = cj_trip_add(t, s3, m->z[o], -1);
        }
    }
    /* per person: one place a day-part, their week, and changes within a day */
    for (size_t a = 0; ok && a < ro->n;) {
        size_t b = a;
        while (b < ro->n && ro->e[b].person == ro->e[a].person)
            b++;
        const entry *e0 = &ro->e[a];
        const cj_staff *st = &r->providers[e0->provider].staff[e0->staff];
        int week = cj_staff_fte_day_parts(st, r->policy.day_part_fte);
        snprintf(name, sizeof name, "week_p%d_k%d", e0->provider + 1, e0->staff + 1);
        int wk = cj_lp_row(P, name, -HUGE_VAL, week);
        for (int d = 0; ok && d < CJ_DAY_PARTS; d++) {
            snprintf(name, sizeof name, "once_p%d_k%d_%s", e0->provider + 1,
                     e0->staff + 1, cj_day_part_name(d));
            int once = 0;
            for (size_t i = a; ok && i < b; i++) {
                int x = m->x[i * CJ_DAY_PARTS + (size_t)d];
                if (!x)
                    continue;
                if (!once)
                    once = cj_lp_row(P, name, -HUGE_VAL, 1);
                ok = cj_trip_add(t, once, x, 1) && cj_trip_add(t, wk, x, 1);
            }
        }
        for (int d = 0; ok && b - a > 1 && d < DAYS; d++) {
            /* c >= x(s, am) + sum of x(other school, pm) - 1, for every s */
            int c = 0;
            for (size_t i = a; ok && i < b; i++) {
                int am = m->x[i * CJ_DAY_PARTS + (size_t)(2 * d)];
                if (!am)
                    continue;
                if (!c) {
                    snprintf(name, sizeof name, "c_p%d_k%d_%.3s", e0->provider + 1,
                             e0->staff + 1, cj_day_part_name(2 * d));
                    c = col(P, name, GLP_CV, 1, -1);
                    m->c[e0->person * DAYS + (size_t)d] = c;
                }
                snprintf(name, sizeof name, "chg_s%d_k%d_%.3s", ro->e[i].school + 1,
                         e0->staff + 1, cj_day_part_name(2 * d));
                int row = cj_lp_row(P, name, -1, HUGE_VAL);
                ok = cj_trip_add(t, row, c, 1) && cj_trip_add(t, row, am, -1);
                for (size_t o = a; ok && o < b; o++) {
                    int pm = m->x[o * CJ_DAY_PARTS + (size_t)(2 * d + 1)];
                    if (pm && ro->e[o].school != ro->e[i].school)
                        ok = cj_trip_add(t, row, pm, -1);
                }
            }
        }
        a = b;
    }
    /* w: a weekday counts at a school only when someone is there */
    for (size_t s = 0; ok && s < ns; s++)
        for (int d = 0; ok && d < DAYS; d++) {
            int w = m->w[s * DAYS + (size_t)d];
            if (!w)
                continue;
            snprintf(name, sizeof name, "day_s%zu_%.3s", s + 1, cj_day_part_name(2 * d));
            int row = cj_lp_row(P, name, -HUGE_VAL, 0);
            ok = cj_trip_add(t, row, w, 1);
            for (size_t i = 0; ok && i < ro->n; i++)
                if (ro->e[i].school == (int)s)
                    for (int h = 0; ok && h < 2; h++) {
                        int x = m->x[i * CJ_DAY_PARTS + (size_t)(2 * d + h)];
                        if (x)
                            ok = cj_trip_add(t, row, x, -1);
                    }
        }
    (void)sel;
    if (ok && t->n)
        glp_load_matrix(P, (int)t->n, t->ia, t->ja, t->ar);
    return ok;
}

/* The matching as a full solution of the improving model. */
static double *as_solution(const improve *m, const rota *ro) {
    int n = glp_get_num_cols(m->P);
    double *v = calloc((size_t)n + 1, sizeof *v);
    if (!v)
        return NULL;
    for (size_t i = 0; i < ro->n; i++) {
        const entry *e = &ro->e[i];
        v[m->z[i]] = e->parts ? 1 : 0;
        for (int d = 0; d < CJ_DAY_PARTS; d++) {
            int x = m->x[i * CJ_DAY_PARTS + (size_t)d];
            if (x && (e->parts & (1u << d))) {
                v[x] = 1;
                int w = m->w[(size_t)e->school * DAYS + (size_t)(d / 2)];
                if (w)
                    v[w] = 1;
            }
        }
    }
    /* c: a person at one school in the morning and another in the afternoon */
    for (size_t i = 0; i < ro->n; i++)
        for (size_t o = 0; o < ro->n; o++) {
            const entry *e = &ro->e[i], *f = &ro->e[o];
            if (e->person != f->person || e->school == f->school)
                continue;
            for (int d = 0; d < DAYS; d++) {
                int c = m->c[e->person * DAYS + (size_t)d];
                if (c && (e->parts & (1u << (2 * d))) && (f->parts & (1u << (2 * d + 1))))
                    v[c] = 1;
            }
        }
    return v;
}

/* A bound on value() that needs no model: per pair, its known staff give at
 * most what cj_staff_known_most() allows (the staffing by hand's bound: the
 * week keeps S1 too); per school, a weekday counts only where someone of the
 * plan can come and at most once a day-part; changes cost at least nothing.
 * Whole weights, so a week that reaches it is the best there is. */
static double quick_bound(const rota *ro, const cj_round *r) {
    size_t ns = r->n_schools;
    double W, K = weights(ro, ns, &W), known = 0;
    for (size_t a = 0; a < ro->n; a++) {
        bool first = true;
        for (size_t i = 0; i < a; i++)
            first &= ro->e[i].pair != ro->e[a].pair;
        if (!first)
            continue;
        int want = 0, could = 0, knowing = 0;
        for (size_t i = a; i < ro->n; i++) {
            const entry *e = &ro->e[i];
            if (e->pair != ro->e[a].pair)
                continue;
            want += e->want;
            if (!e->known)
                continue;
            const cj_staff *st = &r->providers[e->provider].staff[e->staff];
            could += cj_staff_most_at(st, e->can, e->most, r->policy.day_part_fte);
            knowing++;
        }
        known += cj_staff_known_most(want, could, knowing, r->policy.staff_min);
    }
    double days = 0;
    for (size_t s = 0; s < ns; s++) {
        unsigned can = 0;
        int parts = 0;
        for (size_t i = 0; i < ro->n; i++)
            if (ro->e[i].school == (int)s) {
                can |= ro->e[i].can;
                parts += ro->e[i].want;
            }
        int d = 0;
        for (int k = 0; k < DAYS; k++)
            d += (can >> (2 * k) & 3u) != 0;
        days += d < parts ? d : parts;
    }
    return K * known + W * days;
}

/* A model of the week (the whole week's, or a provider's window) and its
 * first week, freed but the GLPK problem when GLPK fails inside
 * (cj_guard_hold). */
typedef struct {
    improve m;
    double *st;
} improving;

static void improving_free(improving *i) {
    free(i->st);
    improve_free(&i->m);
    free(i);
}

static void let_go(void *i) {
    ((improving *)i)->m.P = NULL; /* GLPK's environment takes it */
    improving_free(i);
}

/* A window of the week frees the people of one provider, or of two that
 * share a school, and keeps everyone else's day-parts.  Its search stops
 * after WINDOW_NODES nodes, and the windows are gone through at most
 * WINDOW_PASSES times.  Measured on 16 synthetic rounds of 20 to 38 schools
 * with staff (docs/rota.md): with single providers only, one change of
 * school within a day more than the whole week's search on two of them;
 * with pairs at 2,000 nodes a window, none more, but 71 s of windows on
 * one round; at 200 nodes, none more and 6 s. */
#define WINDOW_NODES 200
#define WINDOW_PASSES 3

/* The day-parts of entry i in the solution GLPK found for m. */
static unsigned found_parts(const improve *m, size_t i) {
    unsigned parts = 0;
    for (int d = 0; d < CJ_DAY_PARTS; d++) {
        int x = m->x[i * CJ_DAY_PARTS + (size_t)d];
        if (x && glp_mip_col_val(m->P, x) > 0.5)
            parts |= 1u << d;
    }
    return parts;
}

/* The search of a window of the week: the entries ro->e[a..b) and
 * ro->e[c..d2) (each one provider's, the second range empty for a window of
 * one) free, everyone else's day-parts as they are, within `seconds` (0: no
 * limit) and `most` nodes; *nodes counts the nodes taken.  `outside` (a
 * school's weekdays covered from outside the window) and `e` (the window's
 * entries) are scratch, for every school and entry.  The entries take
 * the window's best when it makes the week worth more, and *better is then
 * set; otherwise they are as they were.  False when out of memory. */
static bool improve_window(rota *ro, size_t a, size_t b, size_t c, size_t d2,
                           unsigned *outside, entry *e, const cj_round *r,
                           const cj_selection *sel, const cj_solve_options *opt,
                           double seconds, long most, long *nodes, bool *better) {
    size_t ns = r->n_schools, n = (b - a) + (d2 - c);
    improving *im = calloc(1, sizeof *im);
    if (!im || !cj_guard_hold(let_go, im)) {
        free(im);
        return false;
    }
    memset(outside, 0, (ns + 1) * sizeof *outside);
    for (size_t i = 0; i < ro->n; i++)
        if ((i < a || i >= b) && (i < c || i >= d2))
            for (int d = 0; d < DAYS; d++)
                if (ro->e[i].parts >> (2 * d) & 3u)
                    outside[ro->e[i].school] |= 1u << d;
    memcpy(e, ro->e + a, (b - a) * sizeof *e);
    if (d2 > c)
        memcpy(e + (b - a), ro->e + c, (d2 - c) * sizeof *e);
    rota sub = {e, n, ro->people};
    bool ok = build(&im->m, &sub, r, sel, outside);
    im->st = ok ? as_solution(&im->m, &sub) : NULL;
    if (im->st) {
        glp_prob *P = im->m.P;
        double before = cj_objective_of(P, im->st);
        cj_solve_options lim = *opt;
        lim.node_limit = most;
        cj_stop was = cj_stop_last(); /* a window's cap is not the week's limit */
        long took = 0;
        cj_intopt_from(P, im->st, &lim, seconds, NULL, &took);
        cj_stop_restore(was);
        *nodes += took;
        int status = glp_mip_status(P);
        if ((status == GLP_OPT || status == GLP_FEAS) &&
            glp_mip_obj_val(P) > before + 0.5) {
            double v0 = value(ro, ns);
            for (size_t i = 0; i < n; i++) {
                entry *t = i < b - a ? &ro->e[a + i] : &ro->e[c + i - (b - a)];
                e[i].parts = t->parts; /* kept, should the week not gain */
                t->parts = found_parts(&im->m, i);
            }
            if (value(ro, ns) > v0 + 0.5)
                *better = true;
            else
                for (size_t i = 0; i < n; i++)
                    (i < b - a ? &ro->e[a + i] : &ro->e[c + i - (b - a)])->parts =
                        e[i].parts;
        }
    }
    ok = im->st != NULL;
    cj_guard_release(im);
    improving_free(im);
    return ok;
}

static int cmp_pq(const void *a, const void *b) {
    const size_t *x = a, *y = b;
    return x[0] != y[0]   ? (x[0] < y[0] ? -1 : 1)
           : x[1] != y[1] ? (x[1] < y[1] ? -1 : 1)
                          : 0;
}

/* The pairs of providers that share a school in the plan, each once, p < q,
 * in order, in a list of 2 * *n provider numbers; NULL when out of memory.
 * The selection lists a school's pairs together, by provider. */
static size_t *sharing(const rota *ro, const cj_round *r, const cj_selection *sel,
                       size_t *n) {
    bool *in = calloc(sel->n_pairs + 1, sizeof *in); /* pairs of the plan */
    if (!in)
        return NULL;
    for (size_t i = 0; i < ro->n; i++)
        in[ro->e[i].pair] = true;
    size_t m = 0, *pq = NULL;
    for (int pass = 0; pass < 2; pass++) { /* count, then fill */
        if (pass && !(pq = calloc(2 * m + 1, sizeof *pq)))
            break;
        m = 0;
        for (size_t s = 0; s < r->n_schools; s++)
            for (size_t i = sel->first[s]; i < sel->first[s + 1]; i++)
                for (size_t j = i + 1; in[i] && j < sel->first[s + 1]; j++)
                    if (in[j]) {
                        if (pq) {
                            pq[2 * m] = (size_t)sel->pairs[i].provider;
                            pq[2 * m + 1] = (size_t)sel->pairs[j].provider;
                        }
                        m++;
                    }
    }
    free(in);
    if (!pq)
        return NULL;
    qsort(pq, m, 2 * sizeof *pq, cmp_pq);
    size_t k = 0; /* each pair once */
    for (size_t i = 0; i < m; i++)
        if (k == 0 || pq[2 * k - 2] != pq[2 * i] || pq[2 * k - 1] != pq[2 * i + 1]) {
            pq[2 * k] = pq[2 * i];
            pq[2 * k + 1] = pq[2 * i + 1];
            k++;
        }
    *n = k;
    return pq;
}

/* What provider_windows() holds while GLPK searches the windows. */
typedef struct {
    size_t *from, *to; /* per provider, its entries */
    size_t *pq, *win;  /* the pairs that share a school; the windows in order */
    unsigned *outside;
    entry *e;
} windowing;

static void windowing_free(void *p) {
    windowing *w = p;
    free(w->from);
    free(w->to);
    free(w->pq);
    free(w->win);
    free(w->outside);
    free(w->e);
    free(w);
}

/*
 * The week improved a window at a time: each provider's, and each of two
 * providers that share a school, searched in turn, in passes until none gets
 * better, within `seconds` (0: no limit) and, under a node limit, the nodes
 * opt->node_limit allows; *nodes counts the nodes taken.  In the week only
 * the weekdays of a school that two providers share join providers, so a
 * window is a small model that GLPK finishes, where its search of the whole
 * week stalls: on 16 synthetic rounds of 20 to 38 schools with staff the
 * week took 0.2-30 s with them, as good as or (on two) better than the
 * whole week's search alone found in 0.5-250 s (docs/rota.md).  False
 * when out of memory; the week is then as it was or better.
 */
static bool provider_windows(rota *ro, const cj_round *r, const cj_selection *sel,
                             const cj_solve_options *opt, double seconds, long *nodes) {
    double began = glp_time();
    size_t np = r->n_providers, n_pq = 0;
    windowing *wd = calloc(1, sizeof *wd);
    if (!wd || !cj_guard_hold(windowing_free, wd)) {
        free(wd);
        return false;
    }
    wd->from = calloc(np + 1, sizeof *wd->from);
    wd->to = calloc(np + 1, sizeof *wd->to);
    wd->pq = sharing(ro, r, sel, &n_pq);
    wd->win = wd->pq ? calloc(2 * (np + n_pq) + 1, sizeof *wd->win) : NULL;
    wd->outside = calloc(r->n_schools + 1, sizeof *wd->outside);
    wd->e = calloc(ro->n + 1, sizeof *wd->e);
    size_t *from = wd->from, *to = wd->to, *pq = wd->pq, *win = wd->win;
    bool ok = from && to && pq && win && wd->outside && wd->e;
    for (size_t a = 0, b; ok && a < ro->n; a = b) {
        for (b = a; b < ro->n && ro->e[b].provider == ro->e[a].provider;)
            b++;
        from[ro->e[a].provider] = a;
        to[ro->e[a].provider] = b;
    }
    /* each provider's window, then those of the pairs it is first in
     * (measured: all single providers first, then all pairs, left one
     * change more on one of the 16 rounds) */
    size_t n_win = 0;
    for (size_t p = 0, k = 0; ok && p < np; p++) {
        win[2 * n_win] = win[2 * n_win + 1] = p;
        n_win += to[p] > from[p]; /* a provider in no pair of the plan has none */
        for (; k < n_pq && pq[2 * k] == p; k++, n_win++) {
            win[2 * n_win] = p;
            win[2 * n_win + 1] = pq[2 * k + 1];
        }
    }
    bool better = true;
    for (int pass = 0; ok && better && pass < WINDOW_PASSES; pass++) {
        better = false;
        for (size_t w = 0; ok && w < n_win; w++) {
            size_t p = win[2 * w], q = win[2 * w + 1];
            double left = seconds - glp_difftime(glp_time(), began);
            long most = WINDOW_NODES;
            if (opt->node_limit > 0 && opt->node_limit - *nodes < most)
                most = opt->node_limit - *nodes;
            if ((seconds > 0 && left <= 0) || most <= 0) {
                better = false;
                break;
            }
            ok = improve_window(ro, from[p], to[p], q != p ? from[q] : 0,
                                q != p ? to[q] : 0, wd->outside, wd->e, r, sel, opt,
                                seconds > 0 ? left : 0, most, nodes, &better);
        }
    }
    cj_guard_release(wd);
    windowing_free(wd);
    return ok;
}

/* What is left of `seconds` (0: no limit) since `began`, at least
 * CJ_TOKEN_SECONDS. */
static double left_of(double seconds, double began) {
    if (seconds <= 0)
        return 0;
    double left = seconds - glp_difftime(glp_time(), began);
    return left > CJ_TOKEN_SECONDS ? left : CJ_TOKEN_SECONDS;
}

/* Improves the matching within `seconds` (0: no limit).  Leaves the parts of
 * the best rota found in the entries; *proven when it is the best there is.
 * False when out of memory. */
static bool improve_rota(rota *ro, const cj_round *r, const cj_selection *sel,
                         const cj_solve_options *opt, double seconds, bool *proven) {
    if (value(ro, r->n_schools) >= quick_bound(ro, r) - 1e-6) {
        *proven = true; /* the first week is as good as any */
        return true;
    }
    *proven = false;
    if (seconds > 0 && seconds <= CJ_TOKEN_SECONDS) {
        /* a plan the staff could carry only by the rescue may leave the
         * limit passed: the first week stands, where the week's LP alone
         * once took 8.4 s after it (a staffed round of 300 schools at -t
         * 20: docs/rota.md, "A week with no time left") */
        if (opt->verbose)
            fprintf(stderr, "week: no time left for its search, the first week stands\n");
        return true;
    }
    double began = glp_time();
    improving *im = calloc(1, sizeof *im);
    if (!im || !cj_guard_hold(let_go, im)) {
        free(im);
        return false;
    }
    improve *m = &im->m;
    bool ok = build(m, ro, r, sel, NULL) && (im->st = as_solution(m, ro)) != NULL;
    /* a week as good as the relaxation's bound needs no search (all weights
     * are whole numbers, so the bound rounds down); the relaxation within
     * the time left, and the week's search, which would solve it again,
     * not begun when it is not done by then */
    glp_smcp sm;
    glp_init_smcp(&sm);
    sm.msg_lev = opt->verbose ? GLP_MSG_ON : GLP_MSG_OFF;
    if (seconds > 0)
        sm.tm_lim = cj_glpk_ms(seconds);
    double relaxed = HUGE_VAL;
    int lp_ret = ok ? glp_simplex(m->P, &sm) : 0;
    if (ok && lp_ret == 0 && glp_get_status(m->P) == GLP_OPT)
        relaxed = floor(glp_get_obj_val(m->P) + 1e-6);
    if (ok && lp_ret == GLP_ETMLIM && opt->verbose)
        fprintf(stderr,
                "week: its LP not solved in the time left, the first week stands\n");
    if (!ok || lp_ret == GLP_ETMLIM ||
        (*proven = value(ro, r->n_schools) >= relaxed - 1e-6))
        goto done;
    /* the windows first; the whole week's search then starts from their
     * week, with what is left of the time and nodes */
    double t0 = glp_time(), v0 = value(ro, r->n_schools);
    long nodes = 0;
    ok = provider_windows(ro, r, sel, opt, left_of(seconds, began), &nodes);
    double took = glp_difftime(glp_time(), t0);
    if (ok && opt->verbose)
        fprintf(stderr,
                "week: the providers' windows took the week from %.0f to %.0f "
                "(bound %.0f) in %ld nodes, %.3f s\n",
                v0, value(ro, r->n_schools), relaxed, nodes, took);
    free(im->st);
    ok = ok && (im->st = as_solution(m, ro)) != NULL;
    if (!ok || (*proven = value(ro, r->n_schools) >= relaxed - 1e-6))
        goto done;
    cj_solve_options whole = *opt;
    if (opt->node_limit > 0)
        whole.node_limit = opt->node_limit - nodes > 1 ? opt->node_limit - nodes : 1;
    seconds = left_of(seconds, began);
    cj_stop was = cj_stop_last(); /* the plan's, kept: this is the week's */
    cj_stop_reset();
    /* the levels of the week only choose among plans of the same worth: its
     * search is given up once it has found nothing better for a while
     * (search.c, STALL_FROM_NODES), where it ran to the time limit before,
     * 600 s by default, on rounds of 20 schools with staff */
    bool gave_up = false;
    int ret = cj_intopt_from(m->P, im->st, &whole, seconds, &gave_up, NULL);
    int status = glp_mip_status(m->P);
    cj_stop stop = cj_stop_last();
    cj_stop_restore(was);
    if (opt->verbose)
        fprintf(stderr, "week: the model's search %s\n",
                ret == 0 && status == GLP_OPT ? "proved its best"
                : gave_up                     ? "given up, stalled"
                : stop == CJ_STOP_NODES       ? "stopped at the node limit"
                : stop == CJ_STOP_TIME        ? "stopped at the time limit"
                : stop == CJ_STOP_MEMORY      ? "stopped at the memory limit"
                                              : "ended unproven");
    if (status == GLP_OPT || status == GLP_FEAS) {
        *proven = ret == 0 && status == GLP_OPT;
        for (size_t i = 0; i < ro->n; i++)
            ro->e[i].parts = found_parts(m, i);
    }
done:
    cj_guard_release(im);
    improving_free(im);
    return ok;
}

/* ------------------------------------------------------------ the plan */

static int cmp_model(const void *a, const void *b) {
    return ((const entry *)a)->sk - ((const entry *)b)->sk;
}

/* The colleague who covers a long absence: one of the same provider at the
 * same school, preferably as qualified, then the one there most, then the
 * first in the round. */
static int backup_of(const rota *ro, size_t i) {
    int best = -1, best_parts = -1;
    bool best_same = false;
    for (size_t o = 0; o < ro->n; o++) {
        const entry *e = &ro->e[i], *f = &ro->e[o];
        if (o == i || f->pair != e->pair || !f->parts)
            continue;
        bool same = f->skj == e->skj;
        int parts = cj_day_count(f->parts);
        if (best < 0 || (same && !best_same) ||
            (same == best_same && parts > best_parts)) {
            best = f->staff;
            best_parts = parts;
            best_same = same;
        }
    }
    return best;
}

cj_code cj_rota_place(const cj_lp *lp, const cj_round *r, const cj_selection *sel,
                      const cj_solve_options *opt, double seconds, cj_plan *plan,
                      cj_errors *errs) {
    rota ro = {0};
    plan->rota.staffed = true;
    if (!gather(&ro, lp, r, sel)) {
        free(ro.e);
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        return CJ_ERR_NOMEM;
    }
    if (!greedy(&ro, r->n_schools) && !match(&ro)) {
        free(ro.e);
        cj_errors_add(
            errs, CJ_ERR_INTERNAL, false, NULL,
            "the staff's day-parts could not be placed in a week although "
            "the model said they could (a bug: please report it with the round)");
        return CJ_ERR_INTERNAL;
    }
    bool proven = false, ok = polish(&ro, r->n_schools);
    /* the entries, too, are the guard's while GLPK improves on them */
    if (ok && ro.n > 0 && !cj_guard_hold(free, ro.e))
        ok = false;
    if (ok && ro.n > 0) {
        ok = improve_rota(&ro, r, sel, opt, seconds, &proven);
        cj_guard_release(ro.e);
    }
    qsort(ro.e, ro.n, sizeof *ro.e, cmp_model); /* school, provider, staff */
    for (size_t i = 0; ok && i < ro.n; i++) {
        const entry *e = &ro.e[i];
        if (!e->parts)
            continue;
        cj_posting x = {e->school, e->provider,       e->staff,
                        e->parts,  backup_of(&ro, i), e->known};
        ok = cj_plan_post(plan, &x);
    }
    if (ok)
        cj_plan_rota_count(r, plan);
    plan->rota.proven = proven || ro.n == 0;
    free(ro.e);
    if (!ok) {
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        return CJ_ERR_NOMEM;
    }
    return CJ_OK;
}
