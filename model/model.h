/*
 * model: the domain of a selection round, and nothing that reads, solves or
 * writes it.
 *
 * Owns the round (topics, clusters, schools, providers, scores, decisions and
 * the policy), its semantic validation, the plan a solver fills in, and the
 * error values every other module returns.  All structs here are plain data:
 * whoever calls a `_new` owns the result and calls the matching `_free`.
 * Strings inside a struct belong to that struct.
 */
#ifndef CJOS_MODEL_H
#define CJOS_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#define CJ_FORMAT_ROUND "cjos-round/1"
#define CJ_FORMAT_PLAN "cjos-plan/1"
#define CJ_ID_MAX 64
/* Limits on what a round may hold: far above any real round, low enough that
 * a hostile file is refused before it costs memory or time. */
#define CJ_MAX_STRING 10000 /* characters in a name, address, ... */
#define CJ_MAX_ENTITIES                                                                  \
    100000                   /* topics, expertise, clusters, schools, groups, providers */
#define CJ_MAX_PAIRS 5000000 /* scores, decisions */
#define CJ_MAX_LIST 100000   /* ids in one list */
/* Two scores within this distance are equal (SPEC §2, shortlist ties). */
#define CJ_SCORE_EPS 1e-9

/* ------------------------------------------------------------------ errors */

/* What went wrong, coarse enough for the command line to pick an exit code. */
typedef enum {
    CJ_OK = 0,
    CJ_ERR_USAGE,    /* the call itself is wrong */
    CJ_ERR_INPUT,    /* the round is invalid */
    CJ_ERR_READ,     /* the input cannot be read */
    CJ_ERR_WRITE,    /* the output cannot be written */
    CJ_ERR_INTERNAL, /* a bug, or the solver failed */
    CJ_ERR_NOMEM
} cj_code;

/*
 * One finding.  A finding with code CJ_OK is a note (information only).
 * `path` is a JSON path into the round ("$.scores[3].topics.x")
 * or NULL; `line`/`column` are 1-based and 0 where unknown.  A warning does
 * not make a round invalid.
 */
typedef struct {
    cj_code code;
    bool warning;
    char *message;
    char *path;
    int line, column;
    char *file; /* the file the finding is in, when not the command's round */
} cj_error;

/* A growable list of findings, in the order they were found. */
typedef struct {
    cj_error *v;
    size_t n, cap;
} cj_errors;

/* Adds a finding; printf-style message.  On allocation failure the finding is
 * dropped and `nomem` set, so the caller still reports something. */
void cj_errors_add(cj_errors *e, cj_code code, bool warning, const char *path,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Sets the file of findings from index `from` on (a copy of `file`). */
void cj_errors_set_file(cj_errors *e, size_t from, const char *file);
/* Number of findings that are not warnings. */
size_t cj_errors_count(const cj_errors *e);
/* Appends a copy of every finding of `from` (positions too) to `to`. */
void cj_errors_copy(cj_errors *to, const cj_errors *from);
/* Moves every finding of `from` to the end of `to`; `from` ends empty. */
void cj_errors_move(cj_errors *to, cj_errors *from);
/* Frees the findings; the list itself may be reused afterwards. */
void cj_errors_clear(cj_errors *e);

/*
 * JSON paths.  Each returns a new string the caller frees, or NULL when out
 * of memory.  Keys made of [A-Za-z0-9_-] are written `.key`, others
 * `['key']`, so every reader and the position scanner agree on one spelling.
 */
char *cj_path_key(const char *base, const char *key);
char *cj_path_index(const char *base, size_t index);

/* Duplicates a string; NULL in, NULL out. */
char *cj_strdup(const char *s);
/* True when `s` is a valid identifier: 1-64 characters of A-Z a-z 0-9 . _ - */
bool cj_id_valid(const char *s);

/* ------------------------------------------------------------------- index */

/* A hash map from id strings (borrowed, not copied) or from 64-bit keys to
 * non-negative ints.  Built once, read many times. */
typedef struct cj_index cj_index;

/* A new empty map sized for about `n` keys; NULL when out of memory. */
cj_index *cj_index_new(size_t n);
void cj_index_free(cj_index *ix);
/* Adds `key` -> `value` unless present.  Returns the value already stored for
 * the key (and stores nothing), -1 when it was added, -2 when out of memory. */
int cj_index_put(cj_index *ix, const char *key, int value);
int cj_index_put_u64(cj_index *ix, unsigned long long key, int value);
/* The value for `key`, or -1. */
int cj_index_get(const cj_index *ix, const char *key);
int cj_index_get_u64(const cj_index *ix, unsigned long long key);

/* ------------------------------------------------------------------- round */

typedef enum { CJ_CONT_NONE, CJ_CONT_PREFER, CJ_CONT_REQUIRE } cj_continuity;
typedef enum { CJ_COVER_HARD, CJ_COVER_SOFT, CJ_COVER_OFF } cj_coverage;
typedef enum { CJ_DECIDE_CHOSEN, CJ_DECIDE_EXCLUDED } cj_decision_kind;

typedef struct {
    bool set;
    double min, max;
} cj_range;

typedef struct {
    bool set;
    int min, max;
} cj_irange;

/* A list of ids as written, and their indices once validated (-1 unknown). */
typedef struct {
    char **id;
    int *idx;
    size_t n;
} cj_refs;

typedef struct {
    int pps_min, pps_max; /* providers_per_school */
    double min_fte;       /* min_fte_per_assignment */
    bool has_fte_step;    /* false: null, FTE is continuous */
    double fte_step;
    double interview_weight;
    int shortlist_size;
    bool use_shortlist;
    cj_continuity continuity;
    double continuity_bonus;
    cj_coverage coverage;
    double coverage_penalty;
    int staff_min, staff_max; /* staff_per_assignment (SPEC §6) */
    double day_part_fte;
} cj_policy;

typedef struct {
    char *id, *name;
    double weight;
} cj_topic;

typedef struct {
    char *id, *name;
} cj_expertise;

typedef struct {
    char *id, *name;
    cj_range fte; /* always set after a successful read */
    bool has_amount;
    double annual_amount;
    cj_refs required; /* expertise */
} cj_cluster;

typedef struct {
    char *id, *name, *cluster, *address, *city, *municipality, *level;
    int cluster_idx;
    cj_range fte;
    bool has_amount;
    double annual_amount;
    cj_irange providers;
    cj_refs incumbents;
    unsigned open; /* day-parts it can receive support, all when not given */
} cj_school;

typedef struct {
    char *id, *name;
    cj_refs schools;
} cj_group;

/* The ten day-parts of a week (SPEC §6), as bits of a mask: mon-am is bit 0,
 * mon-pm bit 1, ..., fri-pm bit 9. */
#define CJ_DAY_PARTS 10
#define CJ_ALL_DAY_PARTS 0x3FFu
/* The mask bit of a day-part name ("wed-pm"), or -1. */
int cj_day_part(const char *name);
/* The name of day-part bit `i` (0..9). */
const char *cj_day_part_name(int i);
/* How many day-parts a mask holds. */
int cj_day_count(unsigned mask);

/* One person of a provider's staff (SPEC §6): personal data, shown by id or
 * pseudonym only. */
typedef struct {
    char *id;
    double fte;
    bool skj;           /* SKJ-registered (HBO); false: MBO under supervision */
    cj_refs known_at;   /* schools */
    unsigned available; /* day-part mask, all when not given */
} cj_staff;

/* The day-parts a person's FTE comes to in whole day-parts of
 * `day_part_fte`, at most the CJ_DAY_PARTS of a week. */
int cj_staff_fte_day_parts(const cj_staff *st, double day_part_fte);

/* The day-parts a person can give at a school open `open` (a day-part mask):
 * cj_staff_fte_day_parts(), or the day-parts they are available there,
 * whichever is fewer. */
int cj_staff_day_parts(const cj_staff *st, unsigned open, double day_part_fte);

typedef struct {
    char *id, *name;
    cj_refs admitted; /* clusters */
    cj_refs expertise;
    double fte_capacity, cost_per_fte;
    bool has_max_schools;
    int max_schools;
    cj_staff *staff;
    size_t n_staff;
} cj_provider;

/* One topic mark of a score entry, as written. */
typedef struct {
    char *topic;
    double value;
} cj_mark;

typedef struct {
    char *provider, *school;
    int provider_idx, school_idx;
    cj_mark *marks;
    size_t n_marks;
    double *topic_value; /* by topic index, after validation */
    bool has_interview;
    double interview;
} cj_score;

typedef struct {
    char *school, *provider;
    int school_idx, provider_idx;
    cj_decision_kind kind;
} cj_decision;

/*
 * A round as read.  Counts and arrays are owned by the round.  `validated`
 * turns true once cj_round_validate() found no error; only then are the
 * `_idx` fields and `topic_value` filled and safe to use.
 */
typedef struct {
    char *id, *name, *period_start, *period_end, *currency;
    cj_policy policy;
    cj_topic *topics;
    size_t n_topics;
    cj_expertise *expertise;
    size_t n_expertise;
    cj_cluster *clusters;
    size_t n_clusters;
    cj_school *schools;
    size_t n_schools;
    cj_group *groups;
    size_t n_groups;
    cj_provider *providers;
    size_t n_providers;
    cj_score *scores;
    size_t n_scores;
    cj_decision *decisions;
    size_t n_decisions;
    /* provider_has[p * n_expertise + e]: provider p has expertise e */
    bool *provider_has;
    /* admitted_to[p * n_clusters + c]: provider p is admitted to cluster c */
    bool *admitted_to;
    /* id -> index maps, built by validation */
    cj_index *topic_ix, *expertise_ix, *cluster_ix, *school_ix, *provider_ix;
    /* (provider * n_schools + school) -> score entry */
    cj_index *pair_ix;
    bool validated;
    bool over_limit; /* the reader refused a collection as too large */
    bool staffed;    /* some provider lists its staff (SPEC §6) */
} cj_round;

/* Sets every policy field to its SPEC default. */
void cj_policy_defaults(cj_policy *p);
/* A new empty round with the default policy; NULL when out of memory. */
cj_round *cj_round_new(void);
/* Frees the round and everything in it; NULL is fine. */
void cj_round_free(cj_round *r);

/*
 * Checks everything SPEC §1 asks beyond types and keys: ids, uniqueness,
 * references, ranges, scores, groups and decisions.  Adds one finding per
 * problem (warnings too) and returns the number of errors.  On zero errors
 * resolves every reference to an index and sets `validated`.
 */
size_t cj_round_validate(cj_round *r, cj_errors *errs);

/*
 * Sets one number of a validated round by its path ("clusters.c4.fte.max",
 * "schools.horizon.annual_amount", "providers.duin.fte_capacity",
 * "policy.providers_per_school.max", ...; docs/whatif.md lists them).
 * Returns false when the path names no such number (or a whole number gets
 * a fraction); with `check_only` changes nothing.  Validate the round again
 * before solving it.
 */
bool cj_round_set(cj_round *r, const char *path, double value, bool check_only);

/*
 * Which way a larger value of a cj_round_set() number moves the rules of
 * SPEC §3: 1 when it only takes plans away (a minimum, a rate), -1 when it
 * only lets plans in (a maximum, an amount, a capacity), 0 when it changes
 * what plans are worth or is not such a number.
 */
int cj_round_tightens(const char *path);

/*
 * The part of validated round r that holds the schools and providers marked
 * in school_in and provider_in (by index): those, the clusters of those
 * schools, the groups whose first school is among them, and the scores and
 * decisions between them; references to anything left out are dropped.  A
 * new round, not yet validated, that the caller frees with cj_round_free();
 * NULL when out of memory.  Providers keep all their staff, in order.
 */
cj_round *cj_round_part(const cj_round *r, const bool *school_in,
                        const bool *provider_in);

/* Index lookups by id; -1 when absent (validated rounds only). */
int cj_round_school(const cj_round *r, const char *id);
int cj_round_provider(const cj_round *r, const char *id);
/* The score entry of pair (p,s), or -1 (validated rounds only). */
int cj_round_pair(const cj_round *r, int provider, int school);

/* written(p,s) of SPEC §2 for score entry `k` (validated rounds only). */
double cj_score_written(const cj_round *r, size_t k);
/* score(p,s) of SPEC §2 for score entry `k` (validated rounds only). */
double cj_score_total(const cj_round *r, size_t k);

/* -------------------------------------------------------------------- plan */

typedef enum {
    CJ_PLAN_OPTIMAL,
    CJ_PLAN_FEASIBLE,
    CJ_PLAN_INFEASIBLE,
    CJ_PLAN_UNKNOWN /* a limit stopped the search before any plan was found */
} cj_plan_status;

/* Which limit stopped the search of a plan that is not proven. */
typedef enum {
    CJ_STOP_NONE, /* none: the search went through */
    CJ_STOP_TIME,
    CJ_STOP_NODES,
    CJ_STOP_MEMORY, /* GLPK's memory passed the memory limit */
    CJ_STOP_GAP     /* the plan was proven within the gap limit of the optimum */
} cj_stop;

typedef struct {
    int provider; /* index into the round's providers */
    double fte;
    double score;   /* score(p,s) */
    double written; /* written(p,s) */
    bool incumbent, chosen;
} cj_assignment;

typedef struct {
    cj_assignment *a;
    size_t n;
    /* uncovered[e]: required expertise e left uncovered (soft coverage) */
    bool *uncovered;
} cj_school_plan;

/* One person's place in a staffed plan (SPEC §6): where, for whom, when. */
typedef struct {
    int school, provider;
    int staff;      /* index into the provider's staff */
    unsigned parts; /* day-parts at this school, as a mask */
    int backup;     /* the colleague (staff index) who covers a long absence, -1 none */
    bool known;     /* the person already works at this school (known_at) */
} cj_posting;

/* The lower levels of a staffed plan's objective, as reached. */
typedef struct {
    bool staffed;     /* the plan carries a rota */
    bool proven;      /* known, days and changes are proven best */
    double known_fte; /* FTE given by staff who know their school */
    int days;         /* sum over schools of the weekdays with support */
    int changes;      /* staff who change school within a day, summed over days */
} cj_rota_summary;

/* A diagnosis line: what must give way, in words, with the rule it names. */
typedef struct {
    char *rule;    /* "C1", "C3", ... */
    char *subject; /* the school, cluster or provider id, or NULL */
    char *message;
    double need, have; /* the amounts the message speaks of, NaN if none */
    bool change;       /* a change that would make a plan exist (else a cause) */
} cj_diagnosis;

/*
 * A solved (or unsolvable) plan for one round.  `schools` has one entry per
 * school of the round, in the round's order.  The plan refers to the round by
 * index and does not own it: the round must outlive the plan.
 */
typedef struct {
    cj_plan_status status;
    double objective; /* SPEC §3 objective of this plan */
    double bound;     /* best bound known, equal to objective when proven */
    double gap;       /* relative gap, 0 when optimal */
    double part_score, part_continuity, part_coverage;
    cj_school_plan *schools;
    size_t n_schools;
    cj_diagnosis *diagnosis;
    size_t n_diagnosis;
    cj_errors warnings;
    /* staffed rounds: every person's posting, by school then provider then
     * staff in round order */
    cj_posting *postings;
    size_t n_postings;
    cj_rota_summary rota;
    /* solver facts, for the reader */
    int n_rows, n_cols, n_int;
    double time_limit; /* seconds, 0 for none */
    bool careful;      /* solved again with GLPK's plainest settings after it failed */
    /* (last, so that the fields before them keep their places) */
    long node_limit;    /* branch-and-bound nodes, 0 for none */
    long nodes;         /* the nodes the search for the plan took */
    long memory_limit;  /* MiB of GLPK's memory, 0 for none */
    cj_stop stopped_by; /* of a feasible or unknown plan: which limit */
    double gap_limit;   /* relative gap at which the search may stop, 0 for none */
} cj_plan;

/* A new plan with room for `n_schools` empty school entries and `n_expertise`
 * coverage flags each; NULL when out of memory. */
cj_plan *cj_plan_new(size_t n_schools, size_t n_expertise);
/* Frees the plan; NULL is fine. */
void cj_plan_free(cj_plan *p);
/* Appends an assignment to school `s`; false when out of memory. */
bool cj_plan_assign(cj_plan *p, size_t s, const cj_assignment *a);
/* The FTE of a posting: its day-parts times the round's day_part_fte. */
double cj_posting_fte(const cj_round *r, const cj_posting *x);
/* The staffing rules of SPEC §6 as checked on a plan's postings (not taken
 * from the solver's word): each true when it holds everywhere. */
typedef struct {
    bool s1_people;   /* min..max people per provider and school */
    bool s1_fte;      /* each pair's FTE is its people's day-parts */
    bool s2_place;    /* nobody in two places in one day-part */
    bool s2_fte;      /* nobody beyond their FTE */
    bool s2_times;    /* only when available and the school is open */
    bool s3_mbo;      /* MBO staff beside an SKJ colleague of their provider */
    bool s4_capacity; /* no provider beyond what its staff give */
    bool backup;      /* everyone with a colleague there has a backup */
} cj_rota_rules;

/* Checks the rules on the plan's postings (staffed plans). */
cj_rota_rules cj_plan_rota_rules(const cj_round *r, const cj_plan *p);

/* Counts the rota summary (known FTE, weekdays, changes within a day) from
 * the plan's postings; `staffed` and `proven` are left as they are. */
void cj_plan_rota_count(const cj_round *r, cj_plan *p);
/* Appends a posting; false when out of memory. */
bool cj_plan_post(cj_plan *p, const cj_posting *x);
/* Appends a diagnosis line (printf-style message); false when out of memory. */
bool cj_plan_diagnose(cj_plan *p, const char *rule, const char *subject, double need,
                      double have, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/*
 * Recomputes the SPEC §3 objective of the plan's assignments into `objective`
 * and its parts, and the `uncovered` flags of every school (soft and hard
 * coverage alike; under "off" nothing is counted against the objective).
 */
void cj_plan_evaluate(const cj_round *r, cj_plan *p);
/* True when two plans give a school the same set of providers. */
bool cj_school_plan_same(const cj_school_plan *a, const cj_school_plan *b);
/* "optimal", "feasible", "infeasible" or "unknown". */
const char *cj_plan_status_name(cj_plan_status s);
/* "time", "nodes", "memory" or "gap"; NULL for CJ_STOP_NONE. */
const char *cj_stop_name(cj_stop s);

#endif
