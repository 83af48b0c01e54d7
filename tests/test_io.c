/* io/: parsing with positions, digests, escaping, files and rendering. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "helpers.h"
#include "io_internal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static void tiny_round_reads(void **state) {
    (void)state;
    cj_round *r = data_round("tiny.json");
    assert_non_null(r);
    assert_string_equal(r->id, "tiny");
    assert_int_equal(r->n_topics, 2);
    assert_int_equal(r->n_schools, 2);
    assert_int_equal(r->n_providers, 3);
    assert_int_equal(r->n_scores, 4);
    assert_true(r->policy.has_fte_step);
    assert_true(r->policy.fte_step == 0.1);
    assert_true(r->topics[1].weight == 2);
    assert_true(r->topics[0].weight == 1); /* the default */
    assert_string_equal(r->schools[0].city, "Zoetermeer");
    assert_true(r->providers[1].has_max_schools && r->providers[1].max_schools == 2);
    assert_false(r->providers[0].has_max_schools);
    assert_true(r->scores[1].has_interview && r->scores[1].interview == 7);
    cj_round_free(r);
}

static void positions_point_at_the_key(void **state) {
    (void)state;
    const char *text =
        "{\n"
        "  \"format\": \"cjos-round/1\",\n"
        "  \"round\": {\"id\": \"r\"},\n"
        "  \"topics\": [{\"id\": \"a\", \"name\": \"A\"}],\n"
        "  \"clusters\": [{\"id\": \"c\", \"name\": \"C\",\n"
        "                \"fte\": {\"min\": 0, \"max\": 1}}],\n"
        "  \"schools\": [{\"id\": \"s\", \"name\": \"Café\", \"cluster\": \"c\","
        " \"colour\": 1}],\n"
        "  \"providers\": [{\"id\": \"p\", \"name\": \"P\", \"admitted\": [\"x\"],"
        " \"fte_capacity\": 1, \"cost_per_fte\": 1}],\n"
        "  \"scores\": []\n"
        "}\n";
    cj_errors e = {0};
    assert_null(round_from_text(text, &e));
    assert_int_equal(e.n, 2);
    /* the unknown key on line 7; the column counts characters, not bytes */
    assert_string_equal(e.v[0].path, "$.schools[0].colour");
    assert_int_equal(e.v[0].line, 7);
    assert_int_equal(e.v[0].column, 59);
    assert_string_equal(e.v[1].path, "$.providers[0].admitted[0]");
    assert_int_equal(e.v[1].line, 8);
    assert_int_equal(e.v[1].column, 55);
    cj_errors_clear(&e);
}

static void bad_json_has_line_and_column(void **state) {
    (void)state;
    cj_errors e = {0};
    assert_null(round_from_text("{\n  \"a\": 1,\n  \"a\": 2\n}", &e));
    assert_int_equal(e.n, 1);
    assert_non_null(strstr(e.v[0].message, "duplicate object key"));
    assert_int_equal(e.v[0].line, 3);
    cj_errors_clear(&e);
    assert_null(round_from_text("[1, 2]", &e));
    assert_true(has_finding(&e, "$", "a round is a JSON object"));
    cj_errors_clear(&e);
    assert_null(round_from_text("{\"x\": NaN}", &e));
    assert_int_equal(e.v[0].line, 1);
    cj_errors_clear(&e);
}

static void sha256_vectors(void **state) {
    (void)state;
    char hex[65];
    cj_sha256_hex("", 0, hex);
    assert_string_equal(
        hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    cj_sha256_hex("abc", 3, hex);
    assert_string_equal(
        hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two =
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"; /* 56 bytes */
    cj_sha256_hex(two, strlen(two), hex);
    assert_string_equal(
        hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* RFC 4231, test cases 1 and 2. */
static void hmac_sha256_vectors(void **state) {
    (void)state;
    unsigned char d[32], key[20];
    char hex[65];
    memset(key, 0x0b, sizeof key);
    cj_hmac_sha256(key, sizeof key, "Hi There", 8, d);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    assert_string_equal(
        hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    cj_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, d);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    assert_string_equal(
        hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

static void pseudonyms_are_stable_and_hide_the_ids(void **state) {
    (void)state;
    cj_round *a = data_round("staffed.json"), *b = data_round("staffed.json");
    assert_non_null(a);
    assert_non_null(b);
    bool collided = true;
    assert_true(cj_round_pseudonymize(a, "salt one", &collided));
    assert_false(collided);
    assert_true(cj_round_pseudonymize(b, "salt one", &collided));
    const cj_staff *x = a->providers[0].staff, *y = b->providers[0].staff;
    assert_string_equal(x[0].id, y[0].id); /* the same person, the same pseudonym */
    assert_string_not_equal(x[0].id, x[1].id);
    assert_int_equal(strlen(x[0].id), strlen("staff-") + 10);
    assert_null(strstr(x[0].id, "d-01"));
    cj_round *c = data_round("staffed.json");
    assert_true(cj_round_pseudonymize(c, "salt two", &collided));
    assert_string_not_equal(c->providers[0].staff[0].id, x[0].id);
    char *s1 = cj_salt_new(), *s2 = cj_salt_new();
    assert_non_null(s1);
    assert_non_null(s2);
    assert_int_equal(strlen(s1), 64);
    assert_string_not_equal(s1, s2);
    free(s1);
    free(s2);
    cj_round_free(a);
    cj_round_free(b);
    cj_round_free(c);
}

static void csv_cells_are_defused(void **state) {
    (void)state;
    cj_buf b = {0};
    cj_buf_csv(&b, "plain");
    cj_buf_puts(&b, "|");
    cj_buf_csv(&b, "=HYPERLINK(\"x\")");
    cj_buf_puts(&b, "|");
    cj_buf_csv(&b, "a,b");
    cj_buf_puts(&b, "|");
    cj_buf_csv(&b, "-1");
    size_t n;
    char *s = cj_buf_take(&b, &n);
    assert_string_equal(s, "plain|\"'=HYPERLINK(\"\"x\"\")\"|\"a,b\"|\"'-1\"");
    free(s);
    char m[48];
    cj_fmt_money(m, sizeof m, 1234567.5);
    assert_string_equal(m, "1,234,567.50");
    cj_fmt_money(m, sizeof m, -950);
    assert_string_equal(m, "-950.00");
}

static void files_are_replaced_whole(void **state) {
    (void)state;
    char dir[] = "/tmp/cjos-io-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128], in[128];
    snprintf(path, sizeof path, "%s/out.json", dir);
    snprintf(in, sizeof in, "%s/in.json", dir);
    cj_errors e = {0};
    assert_int_equal(cj_file_write(path, NULL, "first", 5, false, &e), CJ_OK);
    assert_int_equal(cj_file_write(path, NULL, "second", 6, true, &e), CJ_OK);
    size_t n;
    char *s = cj_file_read(path, 0, &n, NULL, &e);
    assert_string_equal(s, "second");
    free(s);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600); /* personal data: owner only */
    /* never over the input */
    assert_int_equal(cj_file_write(in, NULL, "round", 5, false, &e), CJ_OK);
    assert_int_equal(cj_file_write(in, in, "plan", 4, false, &e), CJ_ERR_WRITE);
    assert_true(has_finding(&e, NULL, "it is the input file"));
    s = cj_file_read(in, 0, &n, NULL, &e);
    assert_string_equal(s, "round");
    free(s);
    /* a full disk is an error, not a truncated file */
    assert_int_equal(cj_file_write("/dev/full", NULL, "x", 1, false, &e), CJ_ERR_WRITE);
    assert_true(has_finding(&e, NULL, "No space left"));
    /* the input limit */
    assert_null(cj_file_read(path, 3, &n, NULL, &e));
    assert_true(has_finding(&e, NULL, "larger than the input limit of 3 bytes"));
    cj_errors_clear(&e);
    unlink(path);
    unlink(in);
    rmdir(dir);
}

static void plan_json_starts_with_the_contract(void **state) {
    (void)state;
    cj_round *r = data_round("tiny.json");
    cj_plan *p = cj_plan_new(r->n_schools, r->n_expertise);
    cj_assignment a = {1, 0.3, 7.0, 7.0, false, false};
    cj_plan_assign(p, 0, &a);
    p->status = CJ_PLAN_FEASIBLE;
    cj_plan_evaluate(r, p);
    p->bound = 3;
    p->gap = 0.3;
    cj_plan_meta m = {"abc", "cjos test", "5.0", false};
    size_t n;
    char *s = cj_plan_render(r, p, &m, CJ_OUT_JSON, NULL, &n);
    assert_non_null(s);
    assert_int_equal(strlen(s), n);
    assert_int_equal(
        strncmp(s, "{\n  \"format\": \"cjos-plan/1\",\n  \"round\": \"tiny\",", 47), 0);
    assert_non_null(strstr(s, "\"status\": \"feasible\""));
    assert_non_null(strstr(s, "\"fte\": 0.3,")); /* 15 digits: not 0.29999999999999999 */
    assert_non_null(strstr(s, "\"cost\": 30300.0"));
    free(s);
    s = cj_plan_render(r, p, &m, CJ_OUT_CSV, NULL, &n);
    assert_non_null(
        strstr(s, "\r\nhorizon,SBO Horizon,sbo,veen,Provider Veen (illustrative),"
                  "0.3,30300.00,7,7,false,false,150000.00\r\n"));
    free(s);
    s = cj_plan_render(r, p, &m, CJ_OUT_MD, NULL, &n);
    assert_non_null(strstr(s, "status **feasible**"));
    assert_non_null(strstr(s, "gap 30.00%"));
    free(s);
    cj_plan_free(p);
    cj_round_free(r);
}

static void csv_reading(void **state) {
    (void)state;
    cj_errors e = {0};
    const char *text = "\xEF\xBB\xBF"
                       "a;b;c\r\n\"x;y\";\"say \"\"hi\"\"\";\"two\nlines\"\r\n\r\n1;2;3";
    cj_csv *csv = cj_csv_parse(text, strlen(text), 0, &e);
    assert_non_null(csv);
    assert_true(csv->bom);
    assert_int_equal(csv->sep, ';');
    assert_int_equal(csv->n, 3); /* the blank line is left out */
    assert_string_equal(csv->rows[1].cell[0], "x;y");
    assert_string_equal(csv->rows[1].cell[1], "say \"hi\"");
    assert_string_equal(csv->rows[1].cell[2], "two\nlines");
    assert_int_equal(csv->rows[1].line, 2);
    assert_int_equal(csv->rows[2].line, 5); /* rows keep their line in the file */
    cj_csv_free(csv);
    csv = cj_csv_parse("a,b\n\"open,1\n", 13, 0, &e);
    assert_null(csv);
    assert_true(has_finding(&e, NULL, "never closed"));
    cj_errors_clear(&e);
    double v;
    bool comma = false;
    assert_true(cj_csv_number(" 7,5 ", ';', &v, &comma) && v == 7.5 && comma);
    assert_true(cj_csv_number("8", ',', &v, NULL) && v == 8);
    assert_false(cj_csv_number("7,5", ',', &v, NULL));
    assert_false(cj_csv_number("1.000,5", ';', &v, NULL));
    assert_false(cj_csv_number("", ';', &v, NULL));
    assert_false(cj_csv_number("nan", ';', &v, NULL));
    assert_false(cj_csv_number("7x", ';', &v, NULL));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tiny_round_reads),
        cmocka_unit_test(positions_point_at_the_key),
        cmocka_unit_test(bad_json_has_line_and_column),
        cmocka_unit_test(sha256_vectors),
        cmocka_unit_test(hmac_sha256_vectors),
        cmocka_unit_test(pseudonyms_are_stable_and_hide_the_ids),
        cmocka_unit_test(csv_cells_are_defused),
        cmocka_unit_test(files_are_replaced_whole),
        cmocka_unit_test(plan_json_starts_with_the_contract),
        cmocka_unit_test(csv_reading),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
