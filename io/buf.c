/* A growable text buffer and the escaping rules of the text formats. */
#include "io_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool reserve(cj_buf *b, size_t more) {
    if (b->failed)
        return false;
    if (b->n + more + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->n + more + 1)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
        b->failed = true;
        return false;
    }
    b->s = s;
    b->cap = cap;
    return true;
}

void cj_buf_printf(cj_buf *b, const char *fmt, ...) {
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n >= 0 && reserve(b, (size_t)n)) {
        vsnprintf(b->s + b->n, (size_t)n + 1, fmt, ap2);
        b->n += (size_t)n;
    }
    va_end(ap2);
}

void cj_buf_puts(cj_buf *b, const char *s) {
    size_t n = strlen(s);
    if (reserve(b, n)) {
        memcpy(b->s + b->n, s, n + 1);
        b->n += n;
    }
}

void cj_buf_csv(cj_buf *b, const char *cell) {
    if (!cell)
        cell = "";
    bool formula = strchr("=+-@\t\r", cell[0]) && cell[0];
    bool quote = formula || strpbrk(cell, ",;\"\r\n") != NULL;
    if (quote)
        cj_buf_puts(b, "\"");
    if (formula)
        cj_buf_puts(b, "'");
    for (const char *c = cell; *c; c++) {
        char one[3] = {*c, 0, 0};
        if (*c == '"')
            one[1] = '"';
        cj_buf_puts(b, one);
    }
    if (quote)
        cj_buf_puts(b, "\"");
}

void cj_buf_md(cj_buf *b, const char *cell) {
    if (!cell)
        return;
    for (const char *c = cell; *c; c++) {
        if (*c == '|')
            cj_buf_puts(b, "\\|");
        else if (*c == '\n' || *c == '\r')
            cj_buf_puts(b, " ");
        else {
            char one[2] = {*c, 0};
            cj_buf_puts(b, one);
        }
    }
}

char *cj_buf_take(cj_buf *b, size_t *len) {
    if (!reserve(b, 0)) {
        free(b->s);
        *b = (cj_buf){0};
        return NULL;
    }
    b->s[b->n] = '\0';
    char *s = b->s;
    *len = b->n;
    *b = (cj_buf){0};
    return s;
}

void cj_fmt_money(char *out, size_t n, double x) {
    char digits[64];
    snprintf(digits, sizeof digits, "%.2f", fabs(x) < 0.005 ? 0.0 : x);
    char *dot = strchr(digits, '.');
    const char *start = digits[0] == '-' ? digits + 1 : digits;
    size_t intlen = (size_t)(dot - start), o = 0;
    if (digits[0] == '-' && o + 1 < n)
        out[o++] = '-';
    for (size_t i = 0; i < intlen && o + 2 < n; i++) {
        if (i && (intlen - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = start[i];
    }
    for (const char *c = dot; *c && o + 1 < n; c++)
        out[o++] = *c;
    out[o] = '\0';
}

const char *cj_fmt_local(char *out, size_t n, double x, int decimals, bool nl) {
    snprintf(out, n, "%.*f", decimals, x);
    if (nl)
        for (char *c = out; *c; c++)
            if (*c == '.')
                *c = ',';
    return out;
}

const char *cj_fmt_euros(char *out, size_t n, double x, bool nl) {
    char m[64];
    cj_fmt_money(m, sizeof m, x);
    char *dot = strrchr(m, '.');
    if (dot)
        *dot = '\0';
    size_t k = 0;
    for (const char *c = m; *c && k + 1 < n; c++)
        out[k++] = nl && *c == ',' ? '.' : *c;
    out[k] = '\0';
    return out;
}
