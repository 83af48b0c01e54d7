/* model/: ids, paths, the index, findings, validation and score formulas. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "helpers.h"

#include <math.h>

static void ids(void **state) {
    (void)state;
    assert_true(cj_id_valid("sbo-zoetermeer"));
    assert_true(cj_id_valid("A.b_c-9"));
    assert_false(cj_id_valid(""));
    assert_false(cj_id_valid("with space"));
    assert_false(cj_id_valid("é"));
    char long_id[66];
    memset(long_id, 'a', 65);
    long_id[65] = '\0';
    assert_false(cj_id_valid(long_id));
    long_id[64] = '\0';
    assert_true(cj_id_valid(long_id));
}

static void paths(void **state) {
    (void)state;
    char *p = cj_path_key("$.scores[3].topics", "continuity");
    assert_string_equal(p, "$.scores[3].topics.continuity");
    free(p);
    p = cj_path_key("$", "a.b");
    assert_string_equal(p, "$['a.b']");
    free(p);
    p = cj_path_key("$", "it's");
    assert_string_equal(p, "$['it\\'s']");
    free(p);
    p = cj_path_index("$.schools", 12);
    assert_string_equal(p, "$.schools[12]");
    free(p);
}

static void index_maps(void **state) {
    (void)state;
    cj_index *ix = cj_index_new(2);
    char keys[1000][8];
    for (int i = 0; i < 1000; i++) {
        snprintf(keys[i], sizeof keys[i], "k%d", i);
        assert_int_equal(cj_index_put(ix, keys[i], i), -1);
    }
    for (int i = 0; i < 1000; i++)
        assert_int_equal(cj_index_get(ix, keys[i]), i);
    assert_int_equal(cj_index_put(ix, "k7", 99), 7); /* duplicate: first value */
    assert_int_equal(cj_index_get(ix, "nope"), -1);
    assert_int_equal(cj_index_put_u64(ix, 7ULL << 40, 5), -1);
    assert_int_equal(cj_index_get_u64(ix, 7ULL << 40), 5);
    assert_int_equal(cj_index_get_u64(ix, 7), -1);
    cj_index_free(ix);
}

static void findings(void **state) {
    (void)state;
    cj_errors a = {0}, b = {0};
    cj_errors_add(&a, CJ_ERR_INPUT, false, "$.x", "bad %d", 1);
    cj_errors_add(&a, CJ_ERR_INPUT, true, NULL, "careful");
    a.v[0].line = 3;
    assert_int_equal(cj_errors_count(&a), 1);
    cj_errors_move(&b, &a);
    assert_int_equal(a.n, 0);
    assert_int_equal(b.n, 2);
    assert_string_equal(b.v[0].message, "bad 1");
    assert_string_equal(b.v[0].path, "$.x");
    assert_int_equal(b.v[0].line, 3);
    assert_null(b.v[1].path);
    cj_errors_clear(&b);
}

static const char *base =
    "{\"format\":\"cjos-round/1\",\"round\":{\"id\":\"r\"},"
    "\"topics\":[{\"id\":\"a\",\"name\":\"A\"},{\"id\":\"b\",\"name\":\"B\",\"weight\":3}"
    "],"
    "\"expertise\":[{\"id\":\"e\",\"name\":\"E\"}],"
    "\"clusters\":[{\"id\":\"c\",\"name\":\"C\",\"fte\":{\"min\":0,\"max\":2},"
    "\"required_expertise\":[\"e\"]},{\"id\":\"d\",\"name\":\"D\",\"fte\":{\"min\":0,"
    "\"max\":1}}],"
    "\"schools\":[{\"id\":\"s\",\"name\":\"S\",\"cluster\":\"c\"},"
    "{\"id\":\"t\",\"name\":\"T\",\"cluster\":\"d\"}],"
    "\"providers\":[{\"id\":\"p\",\"name\":\"P\",\"admitted\":[\"c\"],\"expertise\":["
    "\"e\"],"
    "\"fte_capacity\":1,\"cost_per_fte\":90000}],"
    "\"scores\":[{\"provider\":\"p\",\"school\":\"s\",\"topics\":{\"a\":6,\"b\":8},"
    "\"interview\":9}]%s}";

/* The base round with `extra` spliced in before the closing brace. */
static cj_round *variant(const char *extra, cj_errors *e) {
    char buf[4096];
    snprintf(buf, sizeof buf, base, extra);
    return round_from_text(buf, e);
}

static void valid_round_resolves_references(void **state) {
    (void)state;
    cj_errors e = {0};
    cj_round *r = variant("", &e);
    assert_non_null(r);
    assert_int_equal(e.n, 0);
    assert_true(r->validated);
    assert_int_equal(r->schools[1].cluster_idx, 1);
    assert_int_equal(cj_round_school(r, "t"), 1);
    assert_int_equal(cj_round_provider(r, "p"), 0);
    assert_int_equal(cj_round_pair(r, 0, 0), 0);
    assert_int_equal(cj_round_pair(r, 0, 1), -1);
    assert_true(r->provider_has[0]);
    assert_true(r->admitted_to[0]);
    assert_false(r->admitted_to[1]);
    /* written = (6*1 + 8*3)/4 = 7.5; score = 0.5*7.5 + 0.5*9 = 8.25 */
    assert_true(fabs(cj_score_written(r, 0) - 7.5) < 1e-12);
    assert_true(fabs(cj_score_total(r, 0) - 8.25) < 1e-12);
    cj_round_free(r);
}

/* Each case: what is spliced in, the path and message text expected. */
static void semantic_errors(void **state) {
    (void)state;
    static const struct {
        const char *extra, *path, *text;
    } cases[] = {
        {",\"decisions\":[{\"school\":\"t\",\"provider\":\"p\",\"decision\":\"chosen\"}]",
         "$.decisions[0]", "a pair that has no score"},
        {",\"decisions\":[{\"school\":\"s\",\"provider\":\"p\",\"decision\":\"chosen\"},"
         "{\"school\":\"s\",\"provider\":\"p\",\"decision\":\"excluded\"}]",
         "$.decisions[1]", "duplicate decision"},
        {",\"interview_groups\":[{\"id\":\"g\",\"name\":\"G\",\"schools\":[\"s\"]},"
         "{\"id\":\"h\",\"name\":\"H\",\"schools\":[\"t\",\"s\"]}]",
         "$.interview_groups[1].schools[1]", "already in interview group 'g'"},
        {",\"interview_groups\":[{\"id\":\"g\",\"name\":\"G\",\"schools\":[\"zz\"]}]",
         "$.interview_groups[0].schools[0]", "unknown school 'zz'"},
        {",\"policy\":{\"interview_weight\":1.5}", "$.policy.interview_weight",
         "out of range 0..1"},
        {",\"policy\":{\"providers_per_school\":{\"min\":3,\"max\":2}}",
         "$.policy.providers_per_school", "min 3 is greater than max 2"},
        {",\"policy\":{\"fte_step\":0}", "$.policy.fte_step", "must be > 0"},
        {",\"policy\":{\"shortlist_size\":0}", "$.policy.shortlist_size", "out of range"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cj_errors e = {0};
        cj_round *r = variant(cases[i].extra, &e);
        assert_null(r);
        if (!has_finding(&e, cases[i].path, cases[i].text)) {
            for (size_t k = 0; k < e.n; k++)
                fprintf(stderr, "  got %s: %s\n", e.v[k].path, e.v[k].message);
            fail_msg("case %zu: no '%s' at %s", i, cases[i].text, cases[i].path);
        }
        cj_errors_clear(&e);
    }
}

static void score_errors(void **state) {
    (void)state;
    cj_errors e = {0};
    const char *text =
        "{\"format\":\"cjos-round/1\",\"round\":{\"id\":\"r\"},"
        "\"topics\":[{\"id\":\"a\",\"name\":\"A\"}],"
        "\"clusters\":[{\"id\":\"c\",\"name\":\"C\",\"fte\":{\"min\":0,\"max\":2}},"
        "{\"id\":\"d\",\"name\":\"D\",\"fte\":{\"min\":0,\"max\":2}}],"
        "\"schools\":[{\"id\":\"s\",\"name\":\"S\",\"cluster\":\"c\"},"
        "{\"id\":\"t\",\"name\":\"T\",\"cluster\":\"d\"}],"
        "\"providers\":[{\"id\":\"p\",\"name\":\"P\",\"admitted\":[\"c\",\"c\"],"
        "\"fte_capacity\":-1,\"cost_per_fte\":1,\"max_schools\":0}],"
        "\"scores\":[{\"provider\":\"p\",\"school\":\"t\",\"topics\":{\"a\":1}},"
        "{\"provider\":\"p\",\"school\":\"s\",\"topics\":{\"x-note\":\"free text\"}},"
        "{\"provider\":\"q\",\"school\":\"s\",\"topics\":{\"a\":-0.5}}]}";
    assert_null(round_from_text(text, &e));
    assert_true(has_finding(&e, "$.scores[0]", "not admitted to cluster 'd'"));
    assert_true(has_finding(&e, "$.scores[1].topics", "missing topic 'a'"));
    assert_true(has_finding(&e, "$.scores[2].provider", "unknown provider 'q'"));
    assert_true(has_finding(&e, "$.scores[2].topics.a", "out of range 0..10"));
    assert_true(has_finding(&e, "$.providers[0].admitted[1]", "listed twice"));
    assert_true(has_finding(&e, "$.providers[0].fte_capacity", "-1 is out of range"));
    assert_true(has_finding(&e, "$.providers[0].max_schools", "0 is out of range"));
    /* an x- key among the topics is an extension, not a topic */
    assert_false(has_finding(&e, NULL, "x-note"));
    cj_errors_clear(&e);
}

static void plan_evaluation(void **state) {
    (void)state;
    cj_errors e = {0};
    cj_round *r = variant(
        ",\"policy\":{\"expertise_coverage\":\"soft\",\"coverage_penalty\":4}", &e);
    assert_non_null(r);
    cj_plan *p = cj_plan_new(r->n_schools, r->n_expertise);
    cj_assignment a = {0, 0.5, 8.25, 7.5, false, false};
    assert_true(cj_plan_assign(p, 0, &a));
    cj_plan_evaluate(r, p);
    assert_true(fabs(p->objective - 4.125) < 1e-12);
    assert_false(p->schools[0].uncovered[0]);
    cj_plan_free(p);
    p = cj_plan_new(r->n_schools, r->n_expertise);
    cj_plan_evaluate(r, p); /* nobody at s: its expertise costs the penalty */
    assert_true(p->schools[0].uncovered[0]);
    assert_true(fabs(p->objective + 4) < 1e-12);
    assert_true(cj_plan_diagnose(p, "C3", "c", 2, 1, "cluster '%s' short", "c"));
    assert_string_equal(p->diagnosis[0].message, "cluster 'c' short");
    assert_string_equal(cj_plan_status_name(CJ_PLAN_FEASIBLE), "feasible");
    cj_plan_free(p);
    cj_round_free(r);
}

static void day_parts(void **state) {
    (void)state;
    assert_int_equal(cj_day_part("mon-am"), 0);
    assert_int_equal(cj_day_part("wed-pm"), 5);
    assert_int_equal(cj_day_part("fri-pm"), 9);
    assert_int_equal(cj_day_part("sat-am"), -1);
    assert_string_equal(cj_day_part_name(7), "thu-pm");
    assert_int_equal(CJ_ALL_DAY_PARTS, (1u << CJ_DAY_PARTS) - 1);
}

/* The rota summary counted from postings by hand: known FTE, weekdays per
 * school, and people who change school within a day. */
static void rota_summary_from_postings(void **state) {
    (void)state;
    cj_errors e = {0};
    cj_round *r = variant("", &e);
    assert_non_null(r);
    cj_plan *p = cj_plan_new(r->n_schools, r->n_expertise);
    unsigned mon_am = 1u << 0, mon_pm = 1u << 1, tue_am = 1u << 2, fri_pm = 1u << 9;
    /* person 0 of provider 0: school 0 on Monday morning and Tuesday, known
     * there; school 1 on Monday afternoon (a change) and Friday afternoon */
    cj_posting a = {0, 0, 0, mon_am | tue_am, 1, true};
    cj_posting b = {1, 0, 0, mon_pm | fri_pm, -1, false};
    cj_posting c = {0, 0, 1, mon_pm, 0, false}; /* a colleague at school 0 */
    assert_true(cj_plan_post(p, &a) && cj_plan_post(p, &b) && cj_plan_post(p, &c));
    r->policy.day_part_fte = 0.1;
    assert_true(fabs(cj_posting_fte(r, &a) - 0.2) < 1e-12);
    cj_plan_rota_count(r, p);
    assert_true(fabs(p->rota.known_fte - 0.2) < 1e-12);
    assert_int_equal(p->rota.days, 2 + 2); /* school 0: mon, tue; school 1: mon, fri */
    assert_int_equal(p->rota.changes, 1);
    cj_plan_free(p);
    cj_round_free(r);
}

/* Each staffing rule, checked on postings made to break it. */
static void rota_rules_are_checked_on_the_postings(void **state) {
    (void)state;
    cj_round *r = data_round("staffed.json");
    assert_non_null(r);
    cj_plan *p = cj_plan_new(r->n_schools, r->n_expertise);
    /* horizon: duin with d-01 (SKJ) mon-am tue-am and d-02 (MBO) mon-am: 0.3 */
    cj_assignment a = {0, 0.3, 7.5, 7.5, true, false};
    assert_true(cj_plan_assign(p, 0, &a));
    cj_posting x = {0, 0, 0, 1u << 0 | 1u << 2, 1, true},
               y = {0, 0, 1, 1u << 0, 0, false};
    assert_true(cj_plan_post(p, &x) && cj_plan_post(p, &y));
    cj_rota_rules k = cj_plan_rota_rules(r, p);
    assert_true(k.s1_people && k.s1_fte && k.s2_place && k.s2_fte && k.s2_times &&
                k.s3_mbo && k.s4_capacity && k.backup);
    p->schools[0].a[0].fte = 0.4; /* S1: FTE not the day-parts */
    assert_false(cj_plan_rota_rules(r, p).s1_fte);
    p->schools[0].a[0].fte = 0.3;
    p->postings[1].parts = 1u << 5; /* S2: wed-pm, horizon is closed */
    assert_false(cj_plan_rota_rules(r, p).s2_times);
    p->postings[1].parts = 1u << 0;
    p->postings[0].staff = 1; /* d-02 twice on monday morning, and alone as MBO */
    k = cj_plan_rota_rules(r, p);
    assert_false(k.s2_place);
    assert_false(k.s3_mbo);
    assert_false(k.backup); /* its backup d-01 is not there any more */
    p->postings[0].staff = 0;
    p->n_postings = 1; /* one person where two are the minimum */
    assert_false(cj_plan_rota_rules(r, p).s1_people);
    cj_plan_free(p);
    cj_round_free(r);
}

static void setting_numbers_by_path(void **state) {
    (void)state;
    cj_errors e = {0};
    cj_round *r = variant("", &e);
    assert_non_null(r);
    /* asking changes nothing; setting does, and only the field named */
    assert_true(cj_round_set(r, "schools.s.providers.max", 3, true));
    assert_false(r->schools[0].providers.set);
    assert_true(cj_round_set(r, "schools.s.providers.max", 3, false));
    assert_true(r->schools[0].providers.set);
    assert_int_equal(r->schools[0].providers.min, 1); /* from the policy */
    assert_int_equal(r->schools[0].providers.max, 3);
    assert_true(cj_round_set(r, "clusters.c.fte.max", 1.5, false));
    assert_true(r->clusters[0].fte.max == 1.5);
    assert_true(cj_round_set(r, "providers.p.fte_capacity", 0.7, false));
    assert_true(r->providers[0].fte_capacity == 0.7);
    assert_false(cj_round_set(r, "providers.p.max_schools", 1.5, false)); /* whole only */
    assert_false(cj_round_set(r, "schools.nowhere.annual_amount", 1, true));
    assert_false(cj_round_set(r, "schools.s.colour", 1, true));
    assert_int_equal(cj_round_validate(r, &e), 0);
    cj_round_free(r);
}

/* Which way each number of docs/whatif.md moves the rules as it grows. */
static void numbers_that_tighten_the_rules(void **state) {
    (void)state;
    const char *up[] = {
        "clusters.c4.fte.min",           "schools.s.fte.min",
        "schools.s.providers.min",       "policy.providers_per_school.min",
        "policy.min_fte_per_assignment", "providers.p.cost_per_fte"};
    const char *down[] = {"clusters.c4.fte.max",       "clusters.c4.annual_amount",
                          "schools.a.b.annual_amount", "schools.s.fte.max",
                          "schools.s.providers.max",   "policy.providers_per_school.max",
                          "providers.p.fte_capacity",  "providers.p.max_schools"};
    const char *neither[] = {"policy.interview_weight", "policy.continuity_bonus",
                             "policy.coverage_penalty", "policy.fte_step", "schools"};
    for (size_t i = 0; i < sizeof up / sizeof *up; i++)
        assert_int_equal(cj_round_tightens(up[i]), 1);
    for (size_t i = 0; i < sizeof down / sizeof *down; i++)
        assert_int_equal(cj_round_tightens(down[i]), -1);
    for (size_t i = 0; i < sizeof neither / sizeof *neither; i++)
        assert_int_equal(cj_round_tightens(neither[i]), 0);
}

/* A part of a round: the schools and providers asked for, their clusters,
 * groups, scores and decisions, and no reference to what is left out. */
/* A person's day-parts: their FTE in whole day-parts, at most the day-parts
 * they are there; an FTE far beyond a week's is a week (it overflowed an
 * int, found by fuzzing). */
static void day_parts_of_a_person(void **state) {
    (void)state;
    unsigned mon_tue = (1u << cj_day_part("mon-am")) | (1u << cj_day_part("mon-pm")) |
                       (1u << cj_day_part("tue-am")) | (1u << cj_day_part("tue-pm"));
    cj_staff st = {.fte = 0.3, .available = CJ_ALL_DAY_PARTS};
    assert_int_equal(cj_staff_day_parts(&st, CJ_ALL_DAY_PARTS, 0.1), 3);
    assert_int_equal(cj_staff_day_parts(&st, CJ_ALL_DAY_PARTS, 0.2), 1);
    st.fte = 1.0;
    assert_int_equal(cj_staff_day_parts(&st, CJ_ALL_DAY_PARTS, 0.1), 10);
    assert_int_equal(cj_staff_day_parts(&st, mon_tue, 0.1), 4);
    st.available = 1u << cj_day_part("mon-am");
    assert_int_equal(cj_staff_day_parts(&st, mon_tue, 0.1), 1);
    assert_int_equal(cj_staff_fte_day_parts(&st, 0.1), 10);
    st.fte = 0.3;
    assert_int_equal(cj_staff_fte_day_parts(&st, 0.1), 3);
    assert_int_equal(cj_staff_day_parts(&st, CJ_ALL_DAY_PARTS, 0.1), 1);
    st = (cj_staff){.fte = 2.2e104, .available = CJ_ALL_DAY_PARTS};
    assert_int_equal(cj_staff_fte_day_parts(&st, 0.1), 10);
    assert_int_equal(cj_staff_day_parts(&st, CJ_ALL_DAY_PARTS, 0.1), 10);
    assert_int_equal(cj_staff_day_parts(&st, mon_tue, 1e-300), 4);
}

static void a_part_of_a_round(void **state) {
    (void)state;
    cj_round *r = data_round("tiny.json");
    assert_non_null(r);
    bool schools[2] = {true, false};         /* horizon, not keerkring */
    bool providers[3] = {true, true, false}; /* duin, veen, not polder */
    cj_round *p = cj_round_part(r, schools, providers);
    assert_non_null(p);
    cj_errors e = {0};
    assert_int_equal(cj_round_validate(p, &e), 0);
    cj_errors_clear(&e);
    assert_int_equal(p->n_schools, 1);
    assert_string_equal(p->schools[0].id, "horizon");
    assert_int_equal(p->n_clusters, 1);
    assert_string_equal(p->clusters[0].id, "sbo");
    assert_int_equal(p->n_providers, 2);
    /* veen is admitted to sbo and c3; only sbo is in the part */
    assert_string_equal(p->providers[1].id, "veen");
    assert_int_equal(p->providers[1].admitted.n, 1);
    assert_string_equal(p->providers[1].admitted.id[0], "sbo");
    /* veen's score at keerkring stays behind */
    assert_int_equal(p->n_scores, 2);
    assert_int_equal(p->n_groups, 1);
    assert_int_equal(p->n_topics, r->n_topics);
    assert_true(p->validated);
    /* the same scores as in the whole round */
    int k = cj_round_pair(p, cj_round_provider(p, "veen"), cj_round_school(p, "horizon"));
    int w = cj_round_pair(r, cj_round_provider(r, "veen"), cj_round_school(r, "horizon"));
    assert_true(k >= 0 && w >= 0);
    assert_float_equal(cj_score_total(p, (size_t)k), cj_score_total(r, (size_t)w), 1e-12);
    cj_round_free(p);
    cj_round_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ids),
        cmocka_unit_test(paths),
        cmocka_unit_test(index_maps),
        cmocka_unit_test(findings),
        cmocka_unit_test(valid_round_resolves_references),
        cmocka_unit_test(semantic_errors),
        cmocka_unit_test(score_errors),
        cmocka_unit_test(plan_evaluation),
        cmocka_unit_test(day_parts),
        cmocka_unit_test(setting_numbers_by_path),
        cmocka_unit_test(numbers_that_tighten_the_rules),
        cmocka_unit_test(rota_summary_from_postings),
        cmocka_unit_test(rota_rules_are_checked_on_the_postings),
        cmocka_unit_test(day_parts_of_a_person),
        cmocka_unit_test(a_part_of_a_round),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
