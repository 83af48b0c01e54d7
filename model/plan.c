/* Lifetime of a plan and the small helpers solvers fill it with. */
#include "model.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

cj_plan *cj_plan_new(size_t n_schools, size_t n_expertise) {
    cj_plan *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->status = CJ_PLAN_UNKNOWN;
    p->objective = p->bound = NAN;
    p->n_schools = n_schools;
    p->schools = calloc(n_schools ? n_schools : 1, sizeof *p->schools);
    if (!p->schools) {
        free(p);
        return NULL;
    }
    for (size_t s = 0; s < n_schools; s++) {
        p->schools[s].uncovered = calloc(n_expertise ? n_expertise : 1, sizeof(bool));
        if (!p->schools[s].uncovered) {
            cj_plan_free(p);
            return NULL;
        }
    }
    return p;
}

void cj_plan_free(cj_plan *p) {
    if (!p)
        return;
    for (size_t s = 0; s < p->n_schools; s++) {
        free(p->schools[s].a);
        free(p->schools[s].uncovered);
    }
    free(p->schools);
    for (size_t i = 0; i < p->n_diagnosis; i++) {
        free(p->diagnosis[i].rule);
        free(p->diagnosis[i].subject);
        free(p->diagnosis[i].message);
    }
    free(p->diagnosis);
    free(p->postings);
    cj_errors_clear(&p->warnings);
    free(p);
}

bool cj_plan_assign(cj_plan *p, size_t s, const cj_assignment *a) {
    cj_school_plan *sp = &p->schools[s];
    cj_assignment *v = realloc(sp->a, (sp->n + 1) * sizeof *v);
    if (!v)
        return false;
    v[sp->n++] = *a;
    sp->a = v;
    return true;
}

double cj_posting_fte(const cj_round *r, const cj_posting *x) {
    return round(cj_day_count(x->parts) * r->policy.day_part_fte * 1e9) / 1e9;
}

cj_rota_rules cj_plan_rota_rules(const cj_round *r, const cj_plan *p) {
    cj_rota_rules k = {true, true, true, true, true, true, true, true};
    double dpf = r->policy.day_part_fte;
    for (size_t s = 0; s < p->n_schools; s++)
        for (size_t a = 0; a < p->schools[s].n; a++) {
            const cj_assignment *x = &p->schools[s].a[a];
            const cj_provider *pr = &r->providers[x->provider];
            if (pr->n_staff == 0)
                continue;
            int people = 0, parts = 0;
            bool mbo = false, skj = false, backed = true;
            for (size_t i = 0; i < p->n_postings; i++) {
                const cj_posting *y = &p->postings[i];
                if (y->school != (int)s || y->provider != x->provider)
                    continue;
                people++;
                parts += cj_day_count(y->parts);
                mbo |= !pr->staff[y->staff].skj;
                skj |= pr->staff[y->staff].skj;
                /* the backup works at this school for the same provider */
                bool there = false;
                for (size_t o = 0; o < p->n_postings && !there; o++)
                    there = o != i && p->postings[o].school == (int)s &&
                            p->postings[o].provider == x->provider &&
                            p->postings[o].staff == y->backup;
                backed &= there;
            }
            k.s1_people &= people >= r->policy.staff_min && people <= r->policy.staff_max;
            k.s1_fte &= fabs(parts * dpf - x->fte) < 1e-6;
            k.s3_mbo &= !mbo || skj;
            k.backup &= people < 2 || backed; /* alone: nobody to name */
        }
    for (size_t i = 0; i < p->n_postings; i++) {
        const cj_posting *y = &p->postings[i];
        const cj_staff *st = &r->providers[y->provider].staff[y->staff];
        k.s2_times &= (y->parts & ~(st->available & r->schools[y->school].open)) == 0;
        unsigned week = 0;
        for (size_t o = 0; o < p->n_postings; o++) {
            const cj_posting *z = &p->postings[o];
            if (o == i || z->provider != y->provider || z->staff != y->staff)
                continue;
            k.s2_place &= (z->parts & y->parts) == 0;
            week |= z->parts;
        }
        k.s2_fte &= cj_day_count(week | y->parts) * dpf <= st->fte + 1e-9;
    }
    for (size_t q = 0; q < r->n_providers; q++) {
        const cj_provider *pr = &r->providers[q];
        if (pr->n_staff == 0)
            continue;
        double staff = 0, used = 0;
        for (size_t i = 0; i < pr->n_staff; i++)
            staff += pr->staff[i].fte;
        for (size_t i = 0; i < p->n_postings; i++)
            if (p->postings[i].provider == (int)q)
                used += cj_posting_fte(r, &p->postings[i]);
        k.s4_capacity &= used <= staff + 1e-9 && used <= pr->fte_capacity + 1e-9;
    }
    return k;
}

void cj_plan_rota_count(const cj_round *r, cj_plan *p) {
    cj_rota_summary *s = &p->rota;
    double known = 0;
    s->days = 0;
    s->changes = 0;
    for (size_t i = 0; i < p->n_postings; i++) {
        const cj_posting *x = &p->postings[i];
        if (x->known)
            known += cj_posting_fte(r, x);
        /* weekdays at this school not yet counted by an earlier posting there */
        unsigned before = 0;
        for (size_t o = 0; o < i; o++)
            if (p->postings[o].school == x->school)
                before |= p->postings[o].parts;
        for (int d = 0; d < CJ_DAY_PARTS / 2; d++)
            s->days += (x->parts >> (2 * d) & 3u) != 0 && (before >> (2 * d) & 3u) == 0;
        for (size_t o = 0; o < p->n_postings; o++) {
            const cj_posting *y = &p->postings[o];
            if (y->provider != x->provider || y->staff != x->staff ||
                y->school == x->school)
                continue;
            for (int d = 0; d < CJ_DAY_PARTS / 2; d++)
                s->changes +=
                    (x->parts >> (2 * d) & 1u) && (y->parts >> (2 * d + 1) & 1u);
        }
    }
    s->known_fte = round(known * 1e9) / 1e9;
}

bool cj_plan_post(cj_plan *p, const cj_posting *x) {
    cj_posting *v = realloc(p->postings, (p->n_postings + 1) * sizeof *v);
    if (!v)
        return false;
    v[p->n_postings++] = *x;
    p->postings = v;
    return true;
}

bool cj_plan_diagnose(cj_plan *p, const char *rule, const char *subject, double need,
                      double have, const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    cj_diagnosis *v = realloc(p->diagnosis, (p->n_diagnosis + 1) * sizeof *v);
    if (!v)
        return false;
    p->diagnosis = v;
    cj_diagnosis *d = &v[p->n_diagnosis];
    d->rule = cj_strdup(rule);
    d->subject = cj_strdup(subject);
    d->message = cj_strdup(buf);
    d->need = need;
    d->have = have;
    d->change = false;
    if (!d->rule || !d->message) {
        free(d->rule);
        free(d->subject);
        free(d->message);
        return false;
    }
    p->n_diagnosis++;
    return true;
}

const char *cj_plan_status_name(cj_plan_status s) {
    switch (s) {
    case CJ_PLAN_OPTIMAL:
        return "optimal";
    case CJ_PLAN_FEASIBLE:
        return "feasible";
    case CJ_PLAN_INFEASIBLE:
        return "infeasible";
    default:
        return "unknown";
    }
}

const char *cj_stop_name(cj_stop s) {
    switch (s) {
    case CJ_STOP_TIME:
        return "time";
    case CJ_STOP_NODES:
        return "nodes";
    case CJ_STOP_MEMORY:
        return "memory";
    case CJ_STOP_GAP:
        return "gap";
    default:
        return NULL;
    }
}

void cj_plan_evaluate(const cj_round *r, cj_plan *p) {
    const cj_policy *pol = &r->policy;
    p->part_score = p->part_continuity = p->part_coverage = 0;
    for (size_t s = 0; s < p->n_schools; s++) {
        cj_school_plan *sp = &p->schools[s];
        for (size_t k = 0; k < sp->n; k++) {
            p->part_score += sp->a[k].score * sp->a[k].fte;
            if (sp->a[k].incumbent && pol->continuity != CJ_CONT_NONE)
                p->part_continuity += pol->continuity_bonus * sp->a[k].fte;
        }
        const cj_cluster *c = &r->clusters[r->schools[s].cluster_idx];
        for (size_t e = 0; e < c->required.n; e++) {
            int ex = c->required.idx[e];
            bool covered = false;
            for (size_t k = 0; k < sp->n && !covered; k++)
                covered = r->provider_has[(size_t)sp->a[k].provider * r->n_expertise +
                                          (size_t)ex];
            sp->uncovered[ex] = !covered;
            if (!covered && pol->coverage == CJ_COVER_SOFT)
                p->part_coverage -= pol->coverage_penalty;
        }
    }
    p->objective = p->part_score + p->part_continuity + p->part_coverage;
}

bool cj_school_plan_same(const cj_school_plan *a, const cj_school_plan *b) {
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++) {
        bool found = false;
        for (size_t j = 0; j < b->n && !found; j++)
            found = a->a[i].provider == b->a[j].provider;
        if (!found)
            return false;
    }
    return true;
}
