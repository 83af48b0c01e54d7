/* From bytes to a validated round, with every finding located in the text. */
#include "io_internal.h"

#include <jansson.h>
#include <string.h>

/* Errors found after parsing carry only paths: give them line and column. */
static void locate(const char *buf, size_t len, cj_errors *errs, size_t from) {
    cj_errors tail = {0};
    /* only the findings of this call: move them aside, locate, move back */
    for (size_t i = from; i < errs->n; i++) {
        cj_error *x = &errs->v[i];
        cj_errors_add(&tail, x->code, x->warning, x->path, "%s", x->message);
        /* positions already known (from the JSON parser) stay */
        tail.v[tail.n - 1].line = x->line;
        tail.v[tail.n - 1].column = x->column;
    }
    cj_json_locate(buf, len, &tail);
    for (size_t i = 0; i < tail.n && from + i < errs->n; i++) {
        errs->v[from + i].line = tail.v[i].line;
        errs->v[from + i].column = tail.v[i].column;
    }
    cj_errors_clear(&tail);
}

/* File order: people fix these files from top to bottom. */
static int by_position(const void *a, const void *b) {
    const cj_error *x = a, *y = b;
    long lx = x->line ? x->line : 1L << 30, ly = y->line ? y->line : 1L << 30;
    if (lx != ly)
        return lx < ly ? -1 : 1;
    return (x->column > y->column) - (x->column < y->column);
}

/* A stable sort (insertion; lists of findings are short) of errs[from..]. */
static void sort_findings(cj_errors *errs, size_t from) {
    for (size_t i = from + 1; i < errs->n; i++) {
        cj_error x = errs->v[i];
        size_t j = i;
        while (j > from && by_position(&errs->v[j - 1], &x) > 0) {
            errs->v[j] = errs->v[j - 1];
            j--;
        }
        errs->v[j] = x;
    }
}

cj_code cj_round_parse(const char *buf, size_t len, cj_round **out, cj_errors *errs) {
    *out = NULL;
    size_t from = errs->n;
    /* jansson skips NUL bytes between tokens instead of refusing them, so a
     * text and the document it parses to could differ: refuse them here */
    const char *nul = memchr(buf, '\0', len);
    if (nul) {
        int line = 1, col = 1;
        for (const char *c = buf; c < nul; c++) {
            if (*c == '\n') {
                line++;
                col = 1;
            } else if ((*c & 0xC0) != 0x80) {
                col++;
            }
        }
        cj_errors_add(errs, CJ_ERR_INPUT, false, NULL, "invalid JSON: a NUL byte");
        errs->v[errs->n - 1].line = line;
        errs->v[errs->n - 1].column = col;
        return CJ_ERR_INPUT;
    }
    json_error_t je;
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        cj_errors_add(errs, CJ_ERR_INPUT, false, NULL, "invalid JSON: %s", je.text);
        if (errs->n > from) {
            errs->v[errs->n - 1].line = je.line > 0 ? je.line : 0;
            /* jansson says column 0 at the end of a line: point at the line */
            errs->v[errs->n - 1].column = je.column > 0 ? je.column : 1;
        }
        return CJ_ERR_INPUT;
    }
    cj_round *r = cj_round_from_json(root, errs);
    json_decref(root);
    if (!r)
        return CJ_ERR_NOMEM;
    /* validate even after reader errors: people want the whole list at once;
     * but not a file that is too large to read, whose every reference fails */
    if (!r->over_limit)
        cj_round_validate(r, errs);
    size_t bad = 0;
    for (size_t i = from; i < errs->n; i++)
        bad += !errs->v[i].warning;
    if (errs->n > from) {
        locate(buf, len, errs, from);
        sort_findings(errs, from);
    }
    if (bad) {
        cj_round_free(r);
        for (size_t i = from; i < errs->n; i++)
            if (errs->v[i].code == CJ_ERR_NOMEM)
                return CJ_ERR_NOMEM;
        return CJ_ERR_INPUT;
    }
    *out = r;
    return CJ_OK;
}
