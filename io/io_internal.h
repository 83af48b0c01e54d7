/* Shared by the files of io/. */
#ifndef CJOS_IO_INTERNAL_H
#define CJOS_IO_INTERNAL_H

#include "io.h"

#include <stdarg.h>

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



/* Sums of a plan per school, cluster and provider, for every writer. */
typedef struct {
    double *school_fte, *school_cost, *cluster_fte, *cluster_cost, *prov_fte, *prov_cost;
    int *prov_schools;
    double fte, cost;
    size_t assignments;
} cj_totals;

bool cj_totals_compute(const cj_round *r, const cj_plan *p, cj_totals *t);
void cj_totals_free(cj_totals *t);

/* The writers behind cj_plan_render(). */
char *cj_plan_render_json(const cj_round *r, const cj_plan *p, const cj_plan_meta *m,
                          const cj_totals *t, size_t *len);
char *cj_plan_render_md(const cj_round *r, const cj_plan *p, const cj_plan_meta *m,
                        const cj_totals *t, size_t *len);
char *cj_plan_render_csv(const cj_round *r, const cj_plan *p, size_t *len);
#endif
