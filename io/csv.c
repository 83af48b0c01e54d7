/*
 * CSV as spreadsheets write it: RFC 4180 quoting, a comma or (Dutch Excel) a
 * semicolon between cells, UTF-8 with or without a byte order mark, CRLF or
 * LF.  Cells keep the line and column they came from, for messages.
 */
#include "io_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool push_cell(cj_csv_row *r, const char *s, size_t n) {
    char **cell = realloc(r->cell, (r->n + 1) * sizeof *cell);
    if (!cell)
        return false;
    r->cell = cell;
    char *c = malloc(n + 1);
    if (!c)
        return false;
    memcpy(c, s, n);
    c[n] = '\0';
    r->cell[r->n++] = c;
    return true;
}

/* The separator of the first line: the more frequent of ';' and ',' outside
 * quotes (a comma when neither occurs). */
static char detect(const char *b, size_t n) {
    size_t semi = 0, comma = 0;
    bool q = false;
    for (size_t i = 0; i < n && (q || (b[i] != '\n' && b[i] != '\r')); i++) {
        if (b[i] == '"')
            q = !q;
        else if (!q && b[i] == ';')
            semi++;
        else if (!q && b[i] == ',')
            comma++;
    }
    return semi > comma ? ';' : ',';
}

cj_csv *cj_csv_parse(const char *b, size_t n, char sep, cj_errors *errs) {
    cj_csv *csv = calloc(1, sizeof *csv);
    if (!csv)
        return NULL;
    if (n >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0) {
        csv->bom = true;
        b += 3;
        n -= 3;
    }
    csv->sep = sep ? sep : detect(b, n);
    char *cell = malloc(n + 1);
    size_t i = 0;
    int line = 1;
    bool ok = cell != NULL;
    while (ok && i < n) {
        cj_csv_row row = {0};
        row.line = line;
        for (;;) { /* one cell */
            size_t k = 0;
            if (i < n && b[i] == '"') {
                int qline = line;
                i++;
                for (;;) {
                    if (i >= n) {
                        cj_errors_add(errs, CJ_ERR_INPUT, false, NULL,
                                      "a quoted cell opened on line %d is never closed",
                                      qline);
                        errs->v[errs->n - 1].line = qline;
                        errs->v[errs->n - 1].column = (int)row.n + 1;
                        ok = false;
                        break;
                    }
                    if (b[i] == '"' && i + 1 < n && b[i + 1] == '"') {
                        cell[k++] = '"';
                        i += 2;
                    } else if (b[i] == '"') {
                        i++;
                        break;
                    } else {
                        line += b[i] == '\n';
                        cell[k++] = b[i++];
                    }
                }
                while (ok && i < n && b[i] != csv->sep && b[i] != '\n' && b[i] != '\r')
                    cell[k++] = b[i++]; /* text after the closing quote: keep it */
            } else {
                while (i < n && b[i] != csv->sep && b[i] != '\n' && b[i] != '\r')
                    cell[k++] = b[i++];
            }
            if (!ok || !push_cell(&row, cell, k)) {
                ok = false;
                break;
            }
            if (i < n && b[i] == csv->sep) {
                i++;
                continue;
            }
            if (i < n && b[i] == '\r')
                i++;
            if (i < n && b[i] == '\n')
                i++;
            line++;
            break;
        }
        bool blank = row.n == 1 && row.cell[0][0] == '\0';
        cj_csv_row *rows =
            ok && !blank ? realloc(csv->rows, (csv->n + 1) * sizeof *rows) : NULL;
        if (rows) {
            csv->rows = rows;
            csv->rows[csv->n++] = row;
        } else {
            for (size_t c = 0; c < row.n; c++)
                free(row.cell[c]);
            free(row.cell);
        }
    }
    free(cell);
    if (!ok) {
        cj_csv_free(csv);
        return NULL;
    }
    return csv;
}

void cj_csv_free(cj_csv *csv) {
    if (!csv)
        return;
    for (size_t r = 0; r < csv->n; r++) {
        for (size_t c = 0; c < csv->rows[r].n; c++)
            free(csv->rows[r].cell[c]);
        free(csv->rows[r].cell);
    }
    free(csv->rows);
    free(csv);
}

bool cj_csv_number(const char *cell, char sep, double *out, bool *comma) {
    char buf[64];
    while (*cell == ' ' || *cell == '\t')
        cell++;
    size_t n = strlen(cell);
    while (n && (cell[n - 1] == ' ' || cell[n - 1] == '\t'))
        n--;
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, cell, n);
    buf[n] = '\0';
    char *c = strchr(buf, ',');
    if (c) {
        /* a decimal comma only where the comma cannot be the separator */
        if (sep != ';' || strchr(c + 1, ',') || strchr(buf, '.'))
            return false;
        *c = '.';
        if (comma)
            *comma = true;
    }
    char *end;
    double v = strtod(buf, &end);
    if (end == buf || *end != '\0' || !isfinite(v))
        return false;
    *out = v;
    return true;
}
