/* Findings (errors and warnings) and the JSON paths they point at. */
#include "model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *cj_strdup(const char *s) {
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* vsnprintf into a new string; NULL when out of memory. */
static char *vformat(const char *fmt, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

void cj_errors_add(cj_errors *e, cj_code code, bool warning, const char *path,
                   const char *fmt, ...) {
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 8;
        cj_error *v = realloc(e->v, cap * sizeof *v);
        if (!v)
            return;
        e->v = v;
        e->cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    char *msg = vformat(fmt, ap);
    va_end(ap);
    cj_error *x = &e->v[e->n];
    x->code = code;
    x->warning = warning;
    x->message = msg ? msg : cj_strdup("out of memory");
    x->path = cj_strdup(path);
    x->line = x->column = 0;
    x->file = NULL;
    if (x->message)
        e->n++;
}

void cj_errors_set_file(cj_errors *e, size_t from, const char *file) {
    for (size_t i = from; i < e->n; i++) {
        free(e->v[i].file);
        e->v[i].file = cj_strdup(file);
    }
}

size_t cj_errors_count(const cj_errors *e) {
    size_t k = 0;
    for (size_t i = 0; i < e->n; i++)
        k += !e->v[i].warning;
    return k;
}

void cj_errors_move(cj_errors *to, cj_errors *from) {
    cj_errors_copy(to, from);
    cj_errors_clear(from);
}

void cj_errors_copy(cj_errors *to, const cj_errors *from) {
    for (size_t i = 0; i < from->n; i++) {
        const cj_error *x = &from->v[i];
        size_t before = to->n;
        cj_errors_add(to, x->code, x->warning, x->path, "%s", x->message);
        if (to->n > before) {
            to->v[to->n - 1].line = x->line;
            to->v[to->n - 1].column = x->column;
            to->v[to->n - 1].file = cj_strdup(x->file);
        }
    }
}

void cj_errors_clear(cj_errors *e) {
    for (size_t i = 0; i < e->n; i++) {
        free(e->v[i].message);
        free(e->v[i].path);
        free(e->v[i].file);
    }
    free(e->v);
    e->v = NULL;
    e->n = e->cap = 0;
}

static bool plain_key(const char *k) {
    if (!*k)
        return false;
    for (const char *c = k; *c; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
              (*c >= '0' && *c <= '9') || *c == '_' || *c == '-' || *c == '$'))
            return false;
    }
    return true;
}

char *cj_path_key(const char *base, const char *key) {
    size_t bl = strlen(base), kl = strlen(key);
    char *s = malloc(bl + 2 * kl + 6);
    if (!s)
        return NULL;
    memcpy(s, base, bl);
    char *o = s + bl;
    if (plain_key(key)) {
        *o++ = '.';
        memcpy(o, key, kl);
        o += kl;
    } else {
        *o++ = '[';
        *o++ = '\'';
        for (const char *c = key; *c; c++) {
            if (*c == '\'' || *c == '\\')
                *o++ = '\\';
            *o++ = *c;
        }
        *o++ = '\'';
        *o++ = ']';
    }
    *o = '\0';
    return s;
}

char *cj_path_index(const char *base, size_t index) {
    size_t bl = strlen(base);
    char *s = malloc(bl + 24);
    if (s)
        snprintf(s, bl + 24, "%s[%zu]", base, index);
    return s;
}

bool cj_id_valid(const char *s) {
    size_t n = 0;
    for (const char *c = s; *c; c++, n++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
              (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' || *c == '-'))
            return false;
    }
    return n >= 1 && n <= CJ_ID_MAX;
}
