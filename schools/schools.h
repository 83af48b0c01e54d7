/*
 * schools: the selection round as the procurement team runs it (SPEC §2).
 *
 * Owns which (provider, school) pairs are eligible, their written and total
 * scores, and the shortlist of each interview group.  Reads a validated round;
 * never solves anything.
 */
#ifndef CJOS_SCHOOLS_H
#define CJOS_SCHOOLS_H

#include "model.h"

/* One eligible (provider, school) pair with its scores. */
typedef struct {
    int provider, school, score_idx;
    double written, score;
    bool incumbent, chosen, shortlisted;
} cj_pair;

/* One provider's place in an interview group's ranking. */
typedef struct {
    int provider;
    double group_score; /* mean written score over the group's schools it applied to */
    int n_schools;
    int rank;     /* 1-based; providers with equal group scores share a rank */
    bool invited; /* within the shortlist size, or tied with the last one invited */
    bool tie;     /* invited only through a tie at the cut-off */
} cj_invite;

/* An interview group, or the group of one formed by a school in none. */
typedef struct {
    int group; /* index into the round's interview groups, -1 for a group of one */
    const char *id, *name;
    int *schools;
    size_t n_schools;
    cj_invite *ranking; /* best first */
    size_t n_ranking, n_invited;
    bool tie_at_cutoff;
} cj_shortlist_group;

/*
 * The selection of a round.  `pairs` holds the pairs the model may use, by
 * school in round order and within a school by provider in round order;
 * those of school s are pairs[first[s]] .. pairs[first[s+1]-1].
 */
typedef struct {
    cj_pair *pairs;
    size_t n_pairs;
    size_t *first;
    cj_shortlist_group *groups;
    size_t n_groups;
    int *group_of; /* school -> index into groups */
    cj_errors warnings;
} cj_selection;

/*
 * Computes scores, eligibility and shortlists of a validated round.  Returns a
 * new selection the caller frees with cj_selection_free(), or NULL when out of
 * memory.  Findings that do not stop a plan (an incumbent that is not
 * eligible) are in `warnings`.
 */
cj_selection *cj_selection_new(const cj_round *r);
void cj_selection_free(cj_selection *s);

/* True when provider p is on the shortlist of school s. */
bool cj_selection_shortlisted(const cj_selection *sel, int provider, int school);

/* ------------------------------------------------------------ award reasons */

/* Why a provider that scored higher is not at a school in a plan. */
typedef enum {
    CJ_WHY_EXCLUDED,       /* the school excluded it */
    CJ_WHY_SHORTLIST,      /* not on the shortlist, and the round uses it */
    CJ_WHY_COUNT,          /* the school has its maximum number of providers (a = max) */
    CJ_WHY_CAPACITY,       /* a = capacity left, b = the minimum FTE */
    CJ_WHY_MAX_SCHOOLS,    /* a = its maximum number of schools */
    CJ_WHY_AMOUNT,         /* a = school amount left, b = cost of the minimum FTE */
    CJ_WHY_CLUSTER_AMOUNT, /* a = cluster amount left, b = cost of the minimum FTE */
    CJ_WHY_CLUSTER_FTE,    /* a = the cluster's FTE maximum, reached */
    CJ_WHY_EXPERTISE, /* lacks required expertise `expertise` the plan's providers bring
                       */
    CJ_WHY_COST /* a = its cost per FTE, b = the cheapest in the plan at the school */
} cj_why_kind;

typedef struct {
    cj_why_kind kind;
    double a, b;
    int expertise;
} cj_why;

/*
 * The rules that stand in the way of provider `p` at school `s` in `plan`
 * (computed from the plan's totals, so they are the rules as they bind in
 * this plan).  Writes at most `cap` reasons to `out` and returns how many
 * there are.
 */
/*
 * The providers with a score at school `s` that are not there in `plan` but
 * scored higher than one that is (or, when nobody is, every scored
 * provider), in round order.  Writes at most `cap` provider indices to `out`
 * and returns how many there are.
 */
size_t cj_reasons_candidates(const cj_round *r, const cj_plan *plan, int s, int *out,
                             size_t cap);

size_t cj_reasons_blocking(const cj_round *r, const cj_selection *sel,
                           const cj_plan *plan, int s, int p, cj_why *out, size_t cap);

#endif
