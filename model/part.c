/*
 * A part of a round: the round restricted to some of its schools, with the
 * clusters, providers, groups, scores and decisions that belong to them
 * (solver/parts.c solves the independent parts of a round one by one).
 * Providers keep all their staff, in order, so that a posting's staff index
 * means the same person in the part and in the round.
 */
#include "model.h"

#include <stdlib.h>
#include <string.h>

/* Copies string `s` into *to; false when out of memory (NULL copies as NULL). */
static bool dup(char **to, const char *s) {
    *to = s ? cj_strdup(s) : NULL;
    return !s || *to;
}

/* Copies the refs of `from` whose ids `keep` accepts (all when NULL). */
static bool refs_copy(cj_refs *to, const cj_refs *from, const cj_round *r,
                      int (*find)(const cj_round *, const char *), const bool *keep) {
    memset(to, 0, sizeof *to);
    if (!from->n)
        return true;
    to->id = calloc(from->n, sizeof *to->id);
    if (!to->id)
        return false;
    for (size_t i = 0; i < from->n; i++) {
        if (keep) {
            int k = find(r, from->id[i]);
            if (k < 0 || !keep[k])
                continue;
        }
        if (!dup(&to->id[to->n++], from->id[i]))
            return false;
    }
    return true;
}

static int find_cluster(const cj_round *r, const char *id) {
    return cj_index_get(r->cluster_ix, id);
}

cj_round *cj_round_part(const cj_round *r, const bool *school_in,
                        const bool *provider_in) {
    cj_round *p = cj_round_new();
    bool *cluster_in = calloc(r->n_clusters + 1, sizeof *cluster_in);
    if (!p || !cluster_in)
        goto fail;
    for (size_t s = 0; s < r->n_schools; s++)
        if (school_in[s])
            cluster_in[r->schools[s].cluster_idx] = true;
    p->policy = r->policy;
    p->staffed = r->staffed; /* a part's providers are held to the same rules */
    if (!dup(&p->id, r->id) || !dup(&p->name, r->name) ||
        !dup(&p->period_start, r->period_start) || !dup(&p->period_end, r->period_end) ||
        !dup(&p->currency, r->currency))
        goto fail;
    p->topics = calloc(r->n_topics + 1, sizeof *p->topics);
    p->expertise = calloc(r->n_expertise + 1, sizeof *p->expertise);
    p->clusters = calloc(r->n_clusters + 1, sizeof *p->clusters);
    p->schools = calloc(r->n_schools + 1, sizeof *p->schools);
    p->groups = calloc(r->n_groups + 1, sizeof *p->groups);
    p->providers = calloc(r->n_providers + 1, sizeof *p->providers);
    p->scores = calloc(r->n_scores + 1, sizeof *p->scores);
    p->decisions = calloc(r->n_decisions + 1, sizeof *p->decisions);
    if (!p->topics || !p->expertise || !p->clusters || !p->schools || !p->groups ||
        !p->providers || !p->scores || !p->decisions)
        goto fail;
    for (size_t i = 0; i < r->n_topics; i++, p->n_topics++) {
        p->topics[i].weight = r->topics[i].weight;
        if (!dup(&p->topics[i].id, r->topics[i].id) ||
            !dup(&p->topics[i].name, r->topics[i].name))
            goto fail;
    }
    for (size_t i = 0; i < r->n_expertise; i++, p->n_expertise++)
        if (!dup(&p->expertise[i].id, r->expertise[i].id) ||
            !dup(&p->expertise[i].name, r->expertise[i].name))
            goto fail;
    for (size_t i = 0; i < r->n_clusters; i++) {
        if (!cluster_in[i])
            continue;
        const cj_cluster *c = &r->clusters[i];
        cj_cluster *d = &p->clusters[p->n_clusters++];
        *d = (cj_cluster){.fte = c->fte,
                          .has_amount = c->has_amount,
                          .annual_amount = c->annual_amount};
        if (!dup(&d->id, c->id) || !dup(&d->name, c->name) ||
            !refs_copy(&d->required, &c->required, r, NULL, NULL))
            goto fail;
    }
    for (size_t i = 0; i < r->n_schools; i++) {
        if (!school_in[i])
            continue;
        const cj_school *s = &r->schools[i];
        cj_school *d = &p->schools[p->n_schools++];
        *d = (cj_school){.fte = s->fte,
                         .has_amount = s->has_amount,
                         .annual_amount = s->annual_amount,
                         .providers = s->providers,
                         .open = s->open};
        if (!dup(&d->id, s->id) || !dup(&d->name, s->name) ||
            !dup(&d->cluster, s->cluster) || !dup(&d->address, s->address) ||
            !dup(&d->city, s->city) || !dup(&d->municipality, s->municipality) ||
            !dup(&d->level, s->level) ||
            !refs_copy(&d->incumbents, &s->incumbents, r, cj_round_provider, provider_in))
            goto fail;
    }
    for (size_t i = 0; i < r->n_groups; i++) {
        const cj_group *g = &r->groups[i];
        if (!g->schools.n || !school_in[g->schools.idx[0]])
            continue; /* a group lies in one part (solver/parts.c) */
        cj_group *d = &p->groups[p->n_groups++];
        if (!dup(&d->id, g->id) || !dup(&d->name, g->name) ||
            !refs_copy(&d->schools, &g->schools, r, NULL, NULL))
            goto fail;
    }
    for (size_t i = 0; i < r->n_providers; i++) {
        if (!provider_in[i])
            continue;
        const cj_provider *q = &r->providers[i];
        cj_provider *d = &p->providers[p->n_providers++];
        *d = (cj_provider){.fte_capacity = q->fte_capacity,
                           .cost_per_fte = q->cost_per_fte,
                           .has_max_schools = q->has_max_schools,
                           .max_schools = q->max_schools};
        if (!dup(&d->id, q->id) || !dup(&d->name, q->name) ||
            !refs_copy(&d->admitted, &q->admitted, r, find_cluster, cluster_in) ||
            !refs_copy(&d->expertise, &q->expertise, r, NULL, NULL))
            goto fail;
        /* every member, in order: a posting's staff index means the same */
        d->staff = calloc(q->n_staff + 1, sizeof *d->staff);
        if (!d->staff)
            goto fail;
        for (size_t k = 0; k < q->n_staff; k++, d->n_staff++) {
            const cj_staff *m = &q->staff[k];
            cj_staff *e = &d->staff[k];
            *e = (cj_staff){.fte = m->fte, .skj = m->skj, .available = m->available};
            if (!dup(&e->id, m->id) ||
                !refs_copy(&e->known_at, &m->known_at, r, cj_round_school, school_in))
                goto fail;
        }
    }
    for (size_t i = 0; i < r->n_scores; i++) {
        const cj_score *s = &r->scores[i];
        if (!school_in[s->school_idx] || !provider_in[s->provider_idx])
            continue;
        cj_score *d = &p->scores[p->n_scores++];
        *d = (cj_score){.has_interview = s->has_interview, .interview = s->interview};
        if (!dup(&d->provider, s->provider) || !dup(&d->school, s->school))
            goto fail;
        d->marks = calloc(s->n_marks + 1, sizeof *d->marks);
        if (!d->marks)
            goto fail;
        for (size_t k = 0; k < s->n_marks; k++, d->n_marks++) {
            d->marks[k].value = s->marks[k].value;
            if (!dup(&d->marks[k].topic, s->marks[k].topic))
                goto fail;
        }
    }
    for (size_t i = 0; i < r->n_decisions; i++) {
        const cj_decision *c = &r->decisions[i];
        if (!school_in[c->school_idx] || !provider_in[c->provider_idx])
            continue;
        cj_decision *d = &p->decisions[p->n_decisions++];
        d->kind = c->kind;
        if (!dup(&d->school, c->school) || !dup(&d->provider, c->provider))
            goto fail;
    }
    free(cluster_in);
    return p;
fail:
    free(cluster_in);
    cj_round_free(p);
    return NULL;
}
