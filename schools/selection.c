/* Eligibility and shortlists (SPEC §2). */
#include "schools.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_pair(const void *a, const void *b) {
    const cj_pair *x = a, *y = b;
    if (x->school != y->school)
        return x->school < y->school ? -1 : 1;
    return (x->provider > y->provider) - (x->provider < y->provider);
}

static int cmp_invite(const void *a, const void *b) {
    const cj_invite *x = a, *y = b;
    if (x->group_score > y->group_score)
        return -1;
    if (x->group_score < y->group_score)
        return 1;
    return (x->provider > y->provider) - (x->provider < y->provider);
}

/* The decision on pair (p,s) into *buf, or NULL when there is none. */
static cj_decision_kind *decision_of(const cj_round *r, const cj_index *dix, int p, int s,
                                     cj_decision_kind *buf) {
    int k = cj_index_get_u64(dix, (unsigned long long)p * r->n_schools + (unsigned)s);
    if (k < 0)
        return NULL;
    *buf = r->decisions[k].kind;
    return buf;
}

static cj_index *index_decisions(const cj_round *r) {
    cj_index *ix = cj_index_new(r->n_decisions);
    for (size_t k = 0; ix && k < r->n_decisions; k++) {
        const cj_decision *d = &r->decisions[k];
        if (cj_index_put_u64(ix,
                             (unsigned long long)d->provider_idx * r->n_schools +
                                 (unsigned)d->school_idx,
                             (int)k) == -2) {
            cj_index_free(ix);
            return NULL;
        }
    }
    return ix;
}

/* Ranks one group over the base-eligible pairs `all`, indexed by school. */
static bool rank_group(const cj_round *r, cj_shortlist_group *g, const cj_pair *all,
                       const size_t *first, double *sum, int *cnt) {
    int *touched = malloc((r->n_providers ? r->n_providers : 1) * sizeof *touched);
    if (!touched)
        return false;
    size_t nt = 0;
    for (size_t k = 0; k < g->n_schools; k++) {
        int s = g->schools[k];
        for (size_t i = first[s]; i < first[s + 1]; i++) {
            int p = all[i].provider;
            if (cnt[p] == 0)
                touched[nt++] = p;
            sum[p] += all[i].written;
            cnt[p]++;
        }
    }
    g->ranking = calloc(nt ? nt : 1, sizeof *g->ranking);
    if (!g->ranking) {
        free(touched);
        return false;
    }
    for (size_t k = 0; k < nt; k++) {
        int p = touched[k];
        g->ranking[k] = (cj_invite){p, sum[p] / cnt[p], cnt[p], 0, false, false};
        sum[p] = 0;
        cnt[p] = 0;
    }
    free(touched);
    g->n_ranking = nt;
    qsort(g->ranking, nt, sizeof *g->ranking, cmp_invite);
    size_t K = (size_t)r->policy.shortlist_size;
    for (size_t k = 0; k < nt; k++) {
        cj_invite *v = &g->ranking[k];
        bool same =
            k > 0 && fabs(g->ranking[k - 1].group_score - v->group_score) <= CJ_SCORE_EPS;
        v->rank = same ? g->ranking[k - 1].rank : (int)k + 1;
        if (k < K) {
            v->invited = true;
        } else if (K > 0 &&
                   fabs(g->ranking[K - 1].group_score - v->group_score) <= CJ_SCORE_EPS) {
            v->invited = v->tie = true;
            g->tie_at_cutoff = true;
        }
        g->n_invited += v->invited;
    }
    return true;
}

static bool build_groups(const cj_round *r, cj_selection *sel) {
    size_t lone = 0;
    sel->group_of = malloc((r->n_schools ? r->n_schools : 1) * sizeof *sel->group_of);
    if (!sel->group_of)
        return false;
    for (size_t s = 0; s < r->n_schools; s++)
        sel->group_of[s] = -1;
    for (size_t g = 0; g < r->n_groups; g++)
        for (size_t k = 0; k < r->groups[g].schools.n; k++)
            sel->group_of[r->groups[g].schools.idx[k]] = (int)g;
    for (size_t s = 0; s < r->n_schools; s++)
        lone += sel->group_of[s] < 0;
    sel->n_groups = r->n_groups + lone;
    sel->groups = calloc(sel->n_groups ? sel->n_groups : 1, sizeof *sel->groups);
    if (!sel->groups)
        return false;
    for (size_t g = 0; g < r->n_groups; g++) {
        cj_shortlist_group *x = &sel->groups[g];
        x->group = (int)g;
        x->id = r->groups[g].id;
        x->name = r->groups[g].name;
        x->n_schools = r->groups[g].schools.n;
        x->schools = malloc((x->n_schools ? x->n_schools : 1) * sizeof(int));
        if (!x->schools)
            return false;
        if (x->n_schools) /* an empty list has no index array at all */
            memcpy(x->schools, r->groups[g].schools.idx, x->n_schools * sizeof(int));
    }
    size_t g = r->n_groups;
    for (size_t s = 0; s < r->n_schools; s++) {
        if (sel->group_of[s] >= 0)
            continue;
        cj_shortlist_group *x = &sel->groups[g];
        x->group = -1;
        x->id = r->schools[s].id;
        x->name = r->schools[s].name;
        x->n_schools = 1;
        x->schools = malloc(sizeof(int));
        if (!x->schools)
            return false;
        x->schools[0] = (int)s;
        sel->group_of[s] = (int)g++;
    }
    return true;
}

bool cj_selection_shortlisted(const cj_selection *sel, int provider, int school) {
    const cj_shortlist_group *g = &sel->groups[sel->group_of[school]];
    for (size_t k = 0; k < g->n_ranking; k++)
        if (g->ranking[k].provider == provider)
            return g->ranking[k].invited;
    return false;
}

static bool is_incumbent(const cj_school *s, int p) {
    for (size_t k = 0; k < s->incumbents.n; k++)
        if (s->incumbents.idx[k] == p)
            return true;
    return false;
}

static void warn_incumbents(const cj_round *r, const cj_index *dix, cj_selection *sel) {
    for (size_t s = 0; s < r->n_schools; s++) {
        const cj_school *sc = &r->schools[s];
        for (size_t k = 0; k < sc->incumbents.n; k++) {
            int p = sc->incumbents.idx[k];
            bool found = false;
            for (size_t i = sel->first[s]; i < sel->first[s + 1] && !found; i++)
                found = sel->pairs[i].provider == p;
            if (found)
                continue;
            const char *why = "it has no score there";
            cj_decision_kind d;
            if (cj_round_pair(r, p, (int)s) >= 0)
                why = decision_of(r, dix, p, (int)s, &d) && d == CJ_DECIDE_EXCLUDED
                          ? "it is excluded"
                          : "it is not on the shortlist";
            char path[96];
            snprintf(path, sizeof path, "$.schools[%zu].incumbents[%zu]", s, k);
            cj_errors_add(&sel->warnings, CJ_ERR_INPUT, true, path,
                          "incumbent '%s' of school '%s' is not eligible: %s",
                          r->providers[p].id, sc->id, why);
        }
    }
}

/* Staffed rounds (SPEC §6): providers whose staff cannot carry what the
 * round says of them. */
static void warn_staff(const cj_round *r, cj_selection *sel) {
    double dpf = r->policy.day_part_fte;
    for (size_t p = 0; r->staffed && p < r->n_providers; p++) {
        const cj_provider *pr = &r->providers[p];
        bool used = false;
        for (size_t i = 0; i < sel->n_pairs && !used; i++)
            used = sel->pairs[i].provider == (int)p;
        if (!used)
            continue;
        char path[64];
        snprintf(path, sizeof path, "$.providers[%zu]", p);
        if (pr->n_staff == 0) {
            cj_errors_add(&sel->warnings, CJ_ERR_INPUT, true, path,
                          "provider '%s' lists no staff: it is planned without a rota",
                          pr->id);
            continue;
        }
        double total = 0;
        bool skj = false;
        for (size_t k = 0; k < pr->n_staff; k++) {
            total += floor(pr->staff[k].fte / dpf + 1e-9) * dpf;
            skj |= pr->staff[k].skj;
        }
        if (!skj)
            cj_errors_add(&sel->warnings, CJ_ERR_INPUT, true, path,
                          "provider '%s' has no SKJ-registered staff: its MBO staff "
                          "cannot work anywhere (S3), so it gets no school",
                          pr->id);
        else if (pr->fte_capacity > total + 1e-9)
            cj_errors_add(&sel->warnings, CJ_ERR_INPUT, true, path,
                          "provider '%s' has fte_capacity %g but its staff give at most "
                          "%g FTE: the plan uses at most that (S4)",
                          pr->id, pr->fte_capacity, round(total * 1e9) / 1e9);
    }
}

cj_selection *cj_selection_new(const cj_round *r) {
    cj_selection *sel = calloc(1, sizeof *sel);
    cj_pair *all = malloc((r->n_scores ? r->n_scores : 1) * sizeof *all);
    size_t *first = calloc(r->n_schools + 1, sizeof *first);
    double *sum = calloc(r->n_providers ? r->n_providers : 1, sizeof *sum);
    int *cnt = calloc(r->n_providers ? r->n_providers : 1, sizeof *cnt);
    cj_index *dix = index_decisions(r);
    bool ok = sel && all && first && sum && cnt && dix;

    /* base eligibility: a score entry, admitted (validated), not excluded */
    size_t n = 0;
    for (size_t k = 0; ok && k < r->n_scores; k++) {
        const cj_score *sc = &r->scores[k];
        cj_decision_kind d;
        cj_decision_kind *dp = decision_of(r, dix, sc->provider_idx, sc->school_idx, &d);
        if (dp && d == CJ_DECIDE_EXCLUDED)
            continue;
        all[n++] = (cj_pair){
            .provider = sc->provider_idx,
            .school = sc->school_idx,
            .score_idx = (int)k,
            .written = cj_score_written(r, k),
            .score = cj_score_total(r, k),
            .incumbent = is_incumbent(&r->schools[sc->school_idx], sc->provider_idx),
            .chosen = dp != NULL};
    }
    if (ok) {
        qsort(all, n, sizeof *all, cmp_pair);
        for (size_t i = 0; i < n; i++)
            first[all[i].school + 1]++;
        for (size_t s = 0; s < r->n_schools; s++)
            first[s + 1] += first[s];
        ok = build_groups(r, sel);
    }
    for (size_t g = 0; ok && g < sel->n_groups; g++)
        ok = rank_group(r, &sel->groups[g], all, first, sum, cnt);

    if (ok) {
        sel->first = calloc(r->n_schools + 1, sizeof *sel->first);
        sel->pairs = malloc((n ? n : 1) * sizeof *sel->pairs);
        ok = sel->first && sel->pairs;
    }
    for (size_t i = 0; ok && i < n; i++) {
        cj_pair *p = &all[i];
        p->shortlisted = cj_selection_shortlisted(sel, p->provider, p->school);
        if (r->policy.use_shortlist && !p->shortlisted && !p->chosen)
            continue;
        sel->pairs[sel->n_pairs++] = *p;
        sel->first[p->school + 1]++;
    }
    for (size_t s = 0; ok && s < r->n_schools; s++)
        sel->first[s + 1] += sel->first[s];
    if (ok) {
        warn_incumbents(r, dix, sel);
        warn_staff(r, sel);
    }
    cj_index_free(dix);
    free(all);
    free(first);
    free(sum);
    free(cnt);
    if (!ok) {
        cj_selection_free(sel);
        return NULL;
    }
    return sel;
}

void cj_selection_free(cj_selection *s) {
    if (!s)
        return;
    free(s->pairs);
    free(s->first);
    for (size_t g = 0; g < s->n_groups; g++) {
        free(s->groups[g].schools);
        free(s->groups[g].ranking);
    }
    free(s->groups);
    free(s->group_of);
    cj_errors_clear(&s->warnings);
    free(s);
}
