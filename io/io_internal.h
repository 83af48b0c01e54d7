/* Shared by the files of io/. */
#ifndef CJOS_IO_INTERNAL_H
#define CJOS_IO_INTERNAL_H

#include "io.h"

#include <stdarg.h>

/* The limit that stopped a search, as the Markdown and HTML plans name it
 * ("the time limit"), in Dutch when `nl`; NULL for CJ_STOP_NONE. */
static inline const char *cj_stop_limit(cj_stop s, bool nl) {
    switch (s) {
    case CJ_STOP_TIME:
        return nl ? "de tijdslimiet" : "the time limit";
    case CJ_STOP_NODES:
        return nl ? "de limiet op knopen" : "the node limit";
    case CJ_STOP_MEMORY:
        return nl ? "de geheugenlimiet" : "the memory limit";
    case CJ_STOP_GAP:
        return nl ? "de limiet op de gap" : "the gap limit";
    default:
        return NULL;
    }
}

/* The command's solver options for runs that need only the objective. */
static inline cj_solve_options cj_objective_only(const cj_solve_options *o) {
    cj_solve_options v = *o;
    v.objective_only = true;
    return v;
}

/* Converts a parsed jansson document (json_t *) into a round, adding a
 * finding per type, key or enumeration problem.  NULL only when out of memory. */
cj_round *cj_round_from_json(void *json_root, cj_errors *errs);

/* Fills line and column of every finding whose path occurs in the text. */
void cj_json_locate(const char *buf, size_t len, cj_errors *errs);

/* A growable text buffer for the Markdown and CSV writers. */
typedef struct {
    char *s;
    size_t n, cap;
    bool failed;
} cj_buf;

void cj_buf_printf(cj_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cj_buf_puts(cj_buf *b, const char *s);
/* A CSV cell: quoted when needed, and defused when a spreadsheet would run it
 * as a formula. */
void cj_buf_csv(cj_buf *b, const char *cell);
/* A Markdown table cell: pipes and line breaks escaped. */
void cj_buf_md(cj_buf *b, const char *cell);
/* Hands the text over (NUL-terminated) or NULL when anything failed. */
char *cj_buf_take(cj_buf *b, size_t *len);

/* Numbers as people read them: 1234567.5 -> "1,234,567.50" (money), FTE as %g. */
void cj_fmt_money(char *out, size_t n, double x);
/* A number with `decimals`, with a decimal comma in Dutch; returns `out`. */
const char *cj_fmt_local(char *out, size_t n, double x, int decimals, bool nl);
/* Whole euros with thousands separators: 114,000 or (Dutch) 114.000. */
const char *cj_fmt_euros(char *out, size_t n, double x, bool nl);

/* Sums of a plan per school, cluster and provider, for every writer. */
typedef struct {
    double *school_fte, *school_cost, *cluster_fte, *cluster_cost, *prov_fte, *prov_cost;
    int *prov_schools;
    double fte, cost;
    size_t assignments;
} cj_totals;

bool cj_totals_compute(const cj_round *r, const cj_plan *p, cj_totals *t);
void cj_totals_free(cj_totals *t);

/* A CSV file as rows of cells; `line` is where the row starts (1-based). */
typedef struct {
    char **cell;
    size_t n;
    int line;
} cj_csv_row;

typedef struct {
    cj_csv_row *rows; /* blank lines left out */
    size_t n;
    char sep; /* ',' or ';' */
    bool bom;
} cj_csv;

/* Parses `n` bytes; `sep` 0 detects the separator from the first line.
 * NULL (with a finding) on an unclosed quote or out of memory. */
cj_csv *cj_csv_parse(const char *buf, size_t n, char sep, cj_errors *errs);
void cj_csv_free(cj_csv *csv);
/* A number cell: "7.5", or "7,5" in a ';'-separated file (then *comma is
 * set).  False when the cell is not one number. */
bool cj_csv_number(const char *cell, char sep, double *out, bool *comma);

/* The score-sheet template: one row per admitted pair, empty score cells. */
char *cj_sheet_template(const cj_round *r, char sep, size_t *len);
/* The filled rows of a sheet as new score entries (a json_t array, caller
 * decrefs), or NULL with a finding per bad cell (line = row, column = cell).
 * *comma tells whether decimal commas were read. */
struct json_t;
struct json_t *cj_sheet_import(const cj_round *r, const cj_csv *csv, size_t *n_rows,
                               bool *comma, cj_errors *e);

/* Reads the assignments of a plan file made for round `r`; NULL with
 * findings when it is not a plan of this round.  A different input digest
 * (`sha256`, may be NULL) is a warning. */
cj_plan *cj_plan_parse(const char *buf, size_t len, const cj_round *r, const char *sha256,
                       cj_errors *errs);

/* What forcing a provider into a school would cost: the best objective with
 * the pair forced, or NAN when no plan exists then. */
typedef struct {
    int provider, school;
    double objective;
} cj_price;

/* Award reasons as Markdown, in "nl" or "en"; `school` -1 for all;
 * `see_provider` (NULL: all) leaves out providers the reader may not see. */
char *cj_reasons_render(const cj_round *r, const cj_selection *sel, const cj_plan *plan,
                        const cj_price *prices, size_t n_prices, int school,
                        const bool *see_provider, const char *lang, size_t *len);

/* A command's round: read, validated, selected, and its text when asked. */
typedef struct {
    char *text; /* NULL unless kept */
    size_t len;
    char sha256[65];
    cj_round *round;
    cj_selection *sel;
    /* the salt of staff pseudonyms, when asked for; never written out */
    char *salt;
} cj_loaded;

/* HMAC-SHA256 (RFC 2104) of `msg` under `key`. */
void cj_hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen,
                    unsigned char out[32]);
/* A new random salt (64 hex digits) the caller frees; NULL when the system
 * gives no randomness or memory. */
char *cj_salt_new(void);
/* Replaces every staff id of the round by its pseudonym under `salt`
 * (io/pseudonym.c).  Sets *collided when two people got the same one.  False
 * when out of memory (ids then partly replaced). */
bool cj_round_pseudonymize(cj_round *r, const char *salt, bool *collided);

/* Reads and validates the round of command `c`.  On CJ_OK the caller frees
 * `out` with cj_loaded_free(); on failure nothing is left to free. */
cj_code cj_load(const cj_command *c, bool keep_text, cj_loaded *out, cj_errors *errs);
void cj_loaded_free(cj_loaded *l);

/* Writes a command's output (consumes `text`; NULL means out of memory). */
cj_code cj_emit(const cj_command *c, char *text, size_t len, cj_errors *errs);

/* A jansson value as indented text with a final newline (15 significant
 * digits, keys in insertion order); consumes `json`.  NULL when out of memory. */
char *cj_json_text(struct json_t *json, size_t *len);

/* The plan as a jansson object (cjos-plan/1); the caller decrefs it. */
struct json_t *cj_plan_json(const cj_round *r, const cj_plan *p, const cj_plan_meta *m,
                            const cj_totals *t);

/* The K best plans that differ (cjos-alternatives/1, docs/views.md,
 * "Alternatives"). */
char *cj_alternatives_render(const cj_round *r, cj_plan *const *plans, size_t n, size_t k,
                             int school, const cj_plan_meta *m, cj_out_format fmt,
                             const char *lang, size_t *len);

/* Two plan documents compared (cjos-comparison/1); the caller decrefs. */
struct json_t *cj_compare_json(struct json_t *a, struct json_t *b, const char *fa,
                               const char *fb);
char *cj_compare_render(struct json_t *comparison, cj_out_format fmt, const char *lang,
                        size_t *len);

/* The HTML reports (io/html.c). */
char *cj_plan_render_html(const cj_round *r, const cj_plan *p, const cj_plan_meta *m,
                          const cj_totals *t, const char *lang, size_t *len);
char *cj_alternatives_render_html(const cj_round *r, cj_plan *const *plans, size_t n,
                                  const cj_plan_meta *m, const char *lang, size_t *len);
char *cj_compare_render_html(struct json_t *comparison, const char *lang, size_t *len);

/* Who a view is for (io/audience.c). */
typedef enum {
    CJ_AUDIENCE_ALL,
    CJ_AUDIENCE_SCHOOL,
    CJ_AUDIENCE_PROVIDER
} cj_audience_kind;

typedef struct {
    cj_audience_kind kind;
    int index;      /* the school or provider */
    bool *school;   /* visible schools, NULL for everyone */
    bool *provider; /* visible providers */
} cj_audience;

/* Parses --audience (procurement, school:ID, provider:ID; NULL: procurement)
 * and works out what that audience sees; `plan` may be NULL.  Free with
 * cj_audience_free(). */
cj_code cj_audience_make(const char *spec, const cj_round *r, const cj_selection *sel,
                         const cj_plan *plan, cj_audience *a, cj_errors *errs);
void cj_audience_free(cj_audience *a);
/* The round cut down to what the audience sees (from the round's text), or
 * NULL with a finding. */
cj_round *cj_round_view(const char *text, size_t len, const cj_round *r,
                        const cj_audience *a, cj_errors *errs);
/* The plan in terms of the view round; NULL when out of memory. */
cj_plan *cj_plan_view(const cj_round *full, const cj_plan *p, const cj_round *view,
                      const cj_audience *a);
/* A view round (cj_round_view) with the pseudonyms of the loaded round. */
cj_round *cj_loaded_view(const cj_loaded *L, const cj_audience *a, cj_errors *errs);

/* The staff and week of a staffed plan (io/rota_text.c). */
/* The postings at school `s` of provider `prov` (-1: of every provider):
 * indices a..b of the plan's, which are sorted by school, then provider. */
void cj_rota_range(const cj_plan *p, size_t s, int prov, size_t *a, size_t *b);
void cj_rota_summary_md(cj_buf *b, const cj_plan *p);
void cj_rota_md(cj_buf *b, const cj_round *r, const cj_plan *p);
/* Staffing rule `i` of the checked rules `k`: its SPEC name, its words in
 * English and Dutch, whether it holds.  Returns the number of rules. */
size_t cj_rota_rule(const cj_rota_rules *k, size_t i, const char **rule, const char **en,
                    const char **nl, bool *holds);
/* CSV: the extra header cells, and one posting's cells (NULL: empty ones). */
void cj_rota_csv_header(cj_buf *b);
void cj_rota_csv_cells(cj_buf *b, const cj_round *r, const cj_posting *x);

/* The writers behind cj_plan_render(). */
char *cj_plan_render_json(const cj_round *r, const cj_plan *p, const cj_plan_meta *m,
                          const cj_totals *t, size_t *len);
char *cj_plan_render_md(const cj_round *r, const cj_plan *p, const cj_plan_meta *m,
                        const cj_totals *t, size_t *len);
char *cj_plan_render_csv(const cj_round *r, const cj_plan *p, size_t *len);
#endif
