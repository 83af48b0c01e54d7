/* schools/: eligibility and shortlists (SPEC section 2) on hand-made rounds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "helpers.h"

#include <math.h>

/*
 * Six providers at schools a and b (group g) and c (no group).  Written
 * scores (one topic) at a / b: p1 9/7 (mean 8), p2 8/8 (8), p3 6 (a only),
 * p4 7/-, p5 -/7 (b only), p6 5/5.  So the group ranking is p1 = p2 (8),
 * p4 = p5 (7), p3 (6), p6 (5).
 */
static const char *round_text =
    "{\"format\":\"cjos-round/1\",\"round\":{\"id\":\"r\"},"
    "\"policy\":{\"shortlist_size\":%d,\"use_shortlist\":%s},"
    "\"topics\":[{\"id\":\"t\",\"name\":\"T\"}],"
    "\"clusters\":[{\"id\":\"c\",\"name\":\"C\",\"fte\":{\"min\":0,\"max\":9}}],"
    "\"schools\":[{\"id\":\"a\",\"name\":\"A\",\"cluster\":\"c\",\"incumbents\":[\"p6\"]}"
    ","
    "{\"id\":\"b\",\"name\":\"B\",\"cluster\":\"c\"},{\"id\":\"c\",\"name\":\"C\","
    "\"cluster\":\"c\"}],"
    "\"interview_groups\":[{\"id\":\"g\",\"name\":\"G\",\"schools\":[\"a\",\"b\"]}],"
    "\"providers\":["
    "{\"id\":\"p1\",\"name\":\"1\",\"admitted\":[\"c\"],\"fte_capacity\":1,\"cost_per_"
    "fte\":1},"
    "{\"id\":\"p2\",\"name\":\"2\",\"admitted\":[\"c\"],\"fte_capacity\":1,\"cost_per_"
    "fte\":1},"
    "{\"id\":\"p3\",\"name\":\"3\",\"admitted\":[\"c\"],\"fte_capacity\":1,\"cost_per_"
    "fte\":1},"
    "{\"id\":\"p4\",\"name\":\"4\",\"admitted\":[\"c\"],\"fte_capacity\":1,\"cost_per_"
    "fte\":1},"
    "{\"id\":\"p5\",\"name\":\"5\",\"admitted\":[\"c\"],\"fte_capacity\":1,\"cost_per_"
    "fte\":1},"
    "{\"id\":\"p6\",\"name\":\"6\",\"admitted\":[\"c\"],\"fte_capacity\":1,\"cost_per_"
    "fte\":1}],"
    "\"scores\":["
    "{\"provider\":\"p1\",\"school\":\"a\",\"topics\":{\"t\":9}},"
    "{\"provider\":\"p1\",\"school\":\"b\",\"topics\":{\"t\":7}},"
    "{\"provider\":\"p2\",\"school\":\"a\",\"topics\":{\"t\":8}},"
    "{\"provider\":\"p2\",\"school\":\"b\",\"topics\":{\"t\":8},\"interview\":2},"
    "{\"provider\":\"p3\",\"school\":\"a\",\"topics\":{\"t\":6}},"
    "{\"provider\":\"p4\",\"school\":\"a\",\"topics\":{\"t\":7}},"
    "{\"provider\":\"p5\",\"school\":\"b\",\"topics\":{\"t\":7}},"
    "{\"provider\":\"p6\",\"school\":\"a\",\"topics\":{\"t\":5}},"
    "{\"provider\":\"p6\",\"school\":\"b\",\"topics\":{\"t\":5}},"
    "{\"provider\":\"p3\",\"school\":\"c\",\"topics\":{\"t\":4}}]%s}";

static cj_round *make(int size, bool use, const char *extra) {
    char buf[8192];
    snprintf(buf, sizeof buf, round_text, size, use ? "true" : "false", extra);
    cj_errors e = {0};
    cj_round *r = round_from_text(buf, &e);
    for (size_t i = 0; i < e.n; i++)
        fprintf(stderr, "%s: %s\n", e.v[i].path, e.v[i].message);
    cj_errors_clear(&e);
    return r;
}

static const char *pid(const cj_round *r, const cj_invite *v) {
    return r->providers[v->provider].id;
}

static void ranking_and_tie_at_cutoff(void **state) {
    (void)state;
    cj_round *r = make(3, false, "");
    assert_non_null(r);
    cj_selection *sel = cj_selection_new(r);
    assert_int_equal(sel->n_groups, 2); /* g, and school c on its own */
    const cj_shortlist_group *g = &sel->groups[0];
    assert_string_equal(g->id, "g");
    assert_int_equal(g->n_ranking, 6);
    /* ties broken by round order; the interview does not count */
    assert_string_equal(pid(r, &g->ranking[0]), "p1");
    assert_string_equal(pid(r, &g->ranking[1]), "p2");
    assert_string_equal(pid(r, &g->ranking[2]), "p4");
    assert_string_equal(pid(r, &g->ranking[3]), "p5");
    assert_true(fabs(g->ranking[1].group_score - 8) < 1e-12);
    assert_int_equal(g->ranking[1].rank, 1);
    assert_int_equal(g->ranking[2].rank, 3);
    assert_int_equal(g->ranking[3].rank, 3);
    assert_int_equal(g->ranking[4].rank, 5);
    /* cut-off at 3 falls on p4 = p5: both invited, p5 through the tie */
    assert_int_equal(g->n_invited, 4);
    assert_true(g->tie_at_cutoff);
    assert_true(g->ranking[3].invited && g->ranking[3].tie);
    assert_false(g->ranking[2].tie);
    assert_false(g->ranking[4].invited);
    assert_true(cj_selection_shortlisted(sel, 4, 1));  /* p5 at b */
    assert_false(cj_selection_shortlisted(sel, 2, 0)); /* p3 at a */
    cj_selection_free(sel);
    cj_round_free(r);
}

static void school_in_no_group_and_few_applicants(void **state) {
    (void)state;
    cj_round *r = make(5, false, "");
    cj_selection *sel = cj_selection_new(r);
    const cj_shortlist_group *c = &sel->groups[1];
    assert_int_equal(c->group, -1);
    assert_string_equal(c->id, "c");
    assert_int_equal(c->n_ranking, 1); /* fewer applicants than places */
    assert_int_equal(c->n_invited, 1);
    assert_false(c->tie_at_cutoff);
    assert_int_equal(sel->group_of[2], 1);
    const cj_shortlist_group *g = &sel->groups[0];
    assert_int_equal(g->n_invited, 5);
    assert_false(g->tie_at_cutoff);
    assert_false(g->ranking[5].invited);
    cj_selection_free(sel);
    cj_round_free(r);
}

static void excluded_pairs_do_not_count(void **state) {
    (void)state;
    cj_round *r = make(1, false,
                       ",\"decisions\":[{\"school\":\"a\",\"provider\":\"p1\","
                       "\"decision\":\"excluded\"}]");
    cj_selection *sel = cj_selection_new(r);
    const cj_shortlist_group *g = &sel->groups[0];
    /* p1 now has only b (7): p2 leads alone */
    assert_string_equal(pid(r, &g->ranking[0]), "p2");
    assert_int_equal(g->n_invited, 1);
    for (size_t i = 0; i < sel->n_pairs; i++)
        assert_false(sel->pairs[i].provider == 0 && sel->pairs[i].school == 0);
    cj_selection_free(sel);
    cj_round_free(r);
}

static void use_shortlist_limits_pairs_and_warns(void **state) {
    (void)state;
    cj_round *r = make(2, true,
                       ",\"decisions\":[{\"school\":\"a\",\"provider\":\"p3\","
                       "\"decision\":\"chosen\"}]");
    cj_selection *sel = cj_selection_new(r);
    /* a: p1, p2 shortlisted, p3 chosen; b: p1, p2; c: p3 alone in its group */
    size_t want[3] = {3, 2, 1};
    for (int s = 0; s < 3; s++)
        assert_int_equal(sel->first[s + 1] - sel->first[s], want[s]);
    const cj_pair *p3a = &sel->pairs[sel->first[0] + 2];
    assert_int_equal(p3a->provider, 2);
    assert_true(p3a->chosen);
    assert_false(p3a->shortlisted);
    /* the incumbent p6 of a is not shortlisted: a warning, not an error */
    assert_int_equal(sel->warnings.n, 1);
    assert_true(sel->warnings.v[0].warning);
    assert_true(
        has_finding(&sel->warnings, "$.schools[0].incumbents[0]",
                    "incumbent 'p6' of school 'a' is not eligible: it is not on the "
                    "shortlist"));
    cj_selection_free(sel);
    cj_round_free(r);
}

static void pair_scores(void **state) {
    (void)state;
    cj_round *r = make(5, false, "");
    cj_selection *sel = cj_selection_new(r);
    /* p2 at b: written 8, interview 2, weight 0.5 -> 5 */
    const cj_pair *x = NULL;
    for (size_t i = 0; i < sel->n_pairs; i++)
        if (sel->pairs[i].provider == 1 && sel->pairs[i].school == 1)
            x = &sel->pairs[i];
    assert_non_null(x);
    assert_true(fabs(x->written - 8) < 1e-12);
    assert_true(fabs(x->score - 5) < 1e-12);
    /* p6 at a is the incumbent */
    assert_true(sel->pairs[sel->first[0] + 4].incumbent); /* a: p1 p2 p3 p4 p6 */
    cj_selection_free(sel);
    cj_round_free(r);
}

static bool has_why(const cj_why *w, size_t n, cj_why_kind k) {
    for (size_t i = 0; i < n; i++)
        if (w[i].kind == k)
            return true;
    return false;
}

static void blocking_rules_follow_the_plan(void **state) {
    (void)state;
    cj_round *r = data_round("reasons.json");
    assert_non_null(r);
    cj_selection *sel = cj_selection_new(r);
    cj_plan *p = cj_plan_new(r->n_schools, r->n_expertise);
    /* horizon: veen 1.2 (the whole amount); vuurtoren: kust 0.5 (its capacity) */
    cj_assignment veen = {2, 1.2, 6.5, 6.5, false, false},
                  kust = {1, 0.5, 9.25, 9.25, false, false};
    cj_plan_assign(p, 0, &veen);
    cj_plan_assign(p, 1, &kust);
    cj_plan_evaluate(r, p);
    int cand[8];
    /* duin ties with veen (6.5): only kust scored higher */
    assert_int_equal(cj_reasons_candidates(r, p, 0, cand, 8), 1);
    assert_int_equal(cand[0], 1);
    cj_why w[16];
    size_t n = cj_reasons_blocking(r, sel, p, 0, 1, w, 16);
    assert_true(has_why(w, n, CJ_WHY_CAPACITY));
    assert_true(has_why(w, n, CJ_WHY_AMOUNT));
    assert_false(has_why(w, n, CJ_WHY_COUNT)); /* one provider of at most two */
    for (size_t i = 0; i < n; i++)
        if (w[i].kind == CJ_WHY_CAPACITY)
            assert_true(fabs(w[i].a) < 1e-9 && fabs(w[i].b - 0.1) < 1e-9);
    cj_plan_free(p);
    cj_selection_free(sel);
    cj_round_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ranking_and_tie_at_cutoff),
        cmocka_unit_test(school_in_no_group_and_few_applicants),
        cmocka_unit_test(excluded_pairs_do_not_count),
        cmocka_unit_test(use_shortlist_limits_pairs_and_warns),
        cmocka_unit_test(pair_scores),
        cmocka_unit_test(blocking_rules_follow_the_plan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
