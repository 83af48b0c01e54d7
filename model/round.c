/* Lifetime of a round, its defaults, and the score formulas of SPEC §2. */
#include "model.h"

#include <math.h>

#include <stdlib.h>
#include <string.h>

void cj_policy_defaults(cj_policy *p) {
    p->pps_min = 1;
    p->pps_max = 2;
    p->min_fte = 0.1;
    p->has_fte_step = false;
    p->fte_step = 0;
    p->interview_weight = 0.5;
    p->shortlist_size = 5;
    p->use_shortlist = false;
    p->continuity = CJ_CONT_PREFER;
    p->continuity_bonus = 0.5;
    p->coverage = CJ_COVER_HARD;
    p->coverage_penalty = 10;
    p->staff_min = 2;
    p->staff_max = 4;
    p->day_part_fte = 0.1;
}

static const char *const day_parts[CJ_DAY_PARTS] = {
    "mon-am", "mon-pm", "tue-am", "tue-pm", "wed-am",
    "wed-pm", "thu-am", "thu-pm", "fri-am", "fri-pm"};

int cj_day_part(const char *name) {
    for (int i = 0; i < CJ_DAY_PARTS; i++)
        if (strcmp(day_parts[i], name) == 0)
            return i;
    return -1;
}

int cj_day_count(unsigned mask) {
    int n = 0;
    for (; mask; mask &= mask - 1)
        n++;
    return n;
}

int cj_staff_fte_day_parts(const cj_staff *st, double day_part_fte) {
    /* compared before it is made an int: a round may give a person far more
     * FTE than a week holds (found by fuzzing: 2.2e104) */
    double byfte = floor(st->fte / day_part_fte + 1e-9);
    return byfte < CJ_DAY_PARTS ? (int)byfte : CJ_DAY_PARTS;
}

int cj_staff_day_parts(const cj_staff *st, unsigned open, double day_part_fte) {
    int week = cj_day_count(st->available & open);
    int byfte = cj_staff_fte_day_parts(st, day_part_fte);
    return byfte < week ? byfte : week;
}

const char *cj_day_part_name(int i) {
    return i >= 0 && i < CJ_DAY_PARTS ? day_parts[i] : "?";
}

cj_round *cj_round_new(void) {
    cj_round *r = calloc(1, sizeof *r);
    if (r)
        cj_policy_defaults(&r->policy);
    return r;
}

static void refs_free(cj_refs *x) {
    for (size_t i = 0; i < x->n; i++)
        free(x->id[i]);
    free(x->id);
    free(x->idx);
}

void cj_round_free(cj_round *r) {
    if (!r)
        return;
    free(r->id);
    free(r->name);
    free(r->period_start);
    free(r->period_end);
    free(r->currency);
    for (size_t i = 0; i < r->n_topics; i++) {
        free(r->topics[i].id);
        free(r->topics[i].name);
    }
    free(r->topics);
    for (size_t i = 0; i < r->n_expertise; i++) {
        free(r->expertise[i].id);
        free(r->expertise[i].name);
    }
    free(r->expertise);
    for (size_t i = 0; i < r->n_clusters; i++) {
        cj_cluster *c = &r->clusters[i];
        free(c->id);
        free(c->name);
        refs_free(&c->required);
    }
    free(r->clusters);
    for (size_t i = 0; i < r->n_schools; i++) {
        cj_school *s = &r->schools[i];
        free(s->id);
        free(s->name);
        free(s->cluster);
        free(s->address);
        free(s->city);
        free(s->municipality);
        free(s->level);
        refs_free(&s->incumbents);
    }
    free(r->schools);
    for (size_t i = 0; i < r->n_groups; i++) {
        free(r->groups[i].id);
        free(r->groups[i].name);
        refs_free(&r->groups[i].schools);
    }
    free(r->groups);
    for (size_t i = 0; i < r->n_providers; i++) {
        cj_provider *p = &r->providers[i];
        free(p->id);
        free(p->name);
        refs_free(&p->admitted);
        refs_free(&p->expertise);
        for (size_t k = 0; k < p->n_staff; k++) {
            free(p->staff[k].id);
            refs_free(&p->staff[k].known_at);
        }
        free(p->staff);
    }
    free(r->providers);
    for (size_t i = 0; i < r->n_scores; i++) {
        cj_score *s = &r->scores[i];
        free(s->provider);
        free(s->school);
        for (size_t k = 0; k < s->n_marks; k++)
            free(s->marks[k].topic);
        free(s->marks);
        free(s->topic_value);
    }
    free(r->scores);
    for (size_t i = 0; i < r->n_decisions; i++) {
        free(r->decisions[i].school);
        free(r->decisions[i].provider);
    }
    free(r->decisions);
    free(r->provider_has);
    free(r->admitted_to);
    cj_index_free(r->topic_ix);
    cj_index_free(r->expertise_ix);
    cj_index_free(r->cluster_ix);
    cj_index_free(r->school_ix);
    cj_index_free(r->provider_ix);
    cj_index_free(r->pair_ix);
    free(r);
}

int cj_round_school(const cj_round *r, const char *id) {
    return cj_index_get(r->school_ix, id);
}

int cj_round_provider(const cj_round *r, const char *id) {
    return cj_index_get(r->provider_ix, id);
}

int cj_round_pair(const cj_round *r, int provider, int school) {
    return cj_index_get_u64(r->pair_ix, (unsigned long long)provider * r->n_schools +
                                            (unsigned)school);
}

double cj_score_written(const cj_round *r, size_t k) {
    const cj_score *s = &r->scores[k];
    double num = 0, den = 0;
    for (size_t t = 0; t < r->n_topics; t++) {
        num += r->topics[t].weight * s->topic_value[t];
        den += r->topics[t].weight;
    }
    return num / den;
}

double cj_score_total(const cj_round *r, size_t k) {
    double w = cj_score_written(r, k);
    const cj_score *s = &r->scores[k];
    if (!s->has_interview)
        return w;
    double iw = r->policy.interview_weight;
    return (1 - iw) * w + iw * s->interview;
}
