/*
 * Line and column for JSON paths.  jansson keeps no positions once a document
 * is parsed, so when validation finds errors we scan the (already well-formed)
 * text once more and note where each erring path starts.  Nothing is done for
 * a valid file.
 */
#include "io_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *b;
    size_t n, i;
    int line, col;
    char *path;
    size_t plen, pcap;
    cj_errors *e;
    size_t *order; /* indices of errors with a path, sorted by path */
    size_t n_order;
} S;

typedef struct {
    const char *path;
    size_t idx;
} keyed;

static void adv(S *s) {
    unsigned char c = (unsigned char)s->b[s->i++];
    if (c == '\n') {
        s->line++;
        s->col = 1;
    } else if ((c & 0xC0) != 0x80) {
        s->col++;
    }
}

static void ws(S *s) {
    while (s->i < s->n && strchr(" \t\r\n", s->b[s->i]) && s->b[s->i])
        adv(s);
}

static int by_path(const void *a, const void *b) {
    const keyed *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

/* Gives the current position to every error whose path is the current one. */
static void mark(S *s, int line, int col) {
    size_t lo = 0, hi = s->n_order;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(s->e->v[s->order[mid]].path, s->path) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < s->n_order; lo++) {
        cj_error *x = &s->e->v[s->order[lo]];
        if (strcmp(x->path, s->path) != 0)
            break;
        if (x->line == 0) {
            x->line = line;
            x->column = col;
        }
    }
}

static bool push(S *s, const char *seg) {
    size_t k = strlen(seg);
    if (s->plen + k + 1 > s->pcap) {
        size_t cap = (s->plen + k + 1) * 2;
        char *p = realloc(s->path, cap);
        if (!p)
            return false;
        s->path = p;
        s->pcap = cap;
    }
    memcpy(s->path + s->plen, seg, k + 1);
    s->plen += k;
    return true;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return 0;
}

static unsigned hex4(const char *p) {
    return (unsigned)(hexval(p[0]) << 12 | hexval(p[1]) << 8 | hexval(p[2]) << 4 |
                      hexval(p[3]));
}

static char *utf8(char *o, unsigned cp) {
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xC0 | cp >> 6);
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xE0 | cp >> 12);
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (char)(0xF0 | cp >> 18);
        *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    }
    return o;
}

/* Reads a string token at s->i; returns its decoded text (caller frees). */
static char *string(S *s) {
    size_t start = s->i + 1, end = start;
    while (end < s->n && s->b[end] != '"')
        end += s->b[end] == '\\' ? 2 : 1;
    char *out = malloc(end - start + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t k = start; k < end && k < s->n; k++) {
        char c = s->b[k];
        if (c != '\\') {
            *o++ = c;
            continue;
        }
        c = s->b[++k];
        switch (c) {
        case 'b':
            *o++ = '\b';
            break;
        case 'f':
            *o++ = '\f';
            break;
        case 'n':
            *o++ = '\n';
            break;
        case 'r':
            *o++ = '\r';
            break;
        case 't':
            *o++ = '\t';
            break;
        case 'u': {
            unsigned cp = hex4(s->b + k + 1);
            k += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && k + 6 < end && s->b[k + 1] == '\\') {
                unsigned lo = hex4(s->b + k + 3);
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                k += 6;
            }
            o = utf8(o, cp);
            break;
        }
        default:
            *o++ = c;
        }
    }
    *o = '\0';
    while (s->i < s->n && s->i <= end)
        adv(s);
    return out;
}

static void value(S *s);

static void object(S *s) {
    adv(s); /* { */
    for (;;) {
        ws(s);
        if (s->i >= s->n || s->b[s->i] == '}')
            break;
        int line = s->line, col = s->col;
        char *key = string(s);
        size_t keep = s->plen;
        char *seg = key ? cj_path_key("", key) : NULL;
        if (seg && push(s, seg))
            mark(s, line, col);
        free(seg);
        free(key);
        ws(s);
        if (s->i < s->n)
            adv(s); /* : */
        value(s);
        s->plen = keep;
        s->path[keep] = '\0';
        ws(s);
        if (s->i < s->n && s->b[s->i] == ',')
            adv(s);
        else if (s->i < s->n && s->b[s->i] != '}')
            break; /* not JSON as we know it: stop rather than loop */
    }
    if (s->i < s->n)
        adv(s);
}

static void array(S *s) {
    adv(s); /* [ */
    for (size_t k = 0;; k++) {
        ws(s);
        if (s->i >= s->n || s->b[s->i] == ']')
            break;
        size_t keep = s->plen;
        char seg[32];
        snprintf(seg, sizeof seg, "[%zu]", k);
        if (push(s, seg))
            mark(s, s->line, s->col);
        value(s);
        s->plen = keep;
        s->path[keep] = '\0';
        ws(s);
        if (s->i < s->n && s->b[s->i] == ',')
            adv(s);
        else if (s->i < s->n && s->b[s->i] != ']')
            break; /* not JSON as we know it: stop rather than loop */
    }
    if (s->i < s->n)
        adv(s);
}

static void value(S *s) {
    ws(s);
    if (s->i >= s->n)
        return;
    char c = s->b[s->i];
    if (c == '{')
        object(s);
    else if (c == '[')
        array(s);
    else if (c == '"')
        free(string(s));
    else if (!strchr(",]}:", c))
        while (s->i < s->n && !strchr(",]} \t\r\n", s->b[s->i]))
            adv(s);
}

void cj_json_locate(const char *buf, size_t len, cj_errors *errs) {
    S s = {buf, len, 0, 1, 1, NULL, 0, 0, errs, NULL, 0};
    s.order = malloc((errs->n ? errs->n : 1) * sizeof *s.order);
    if (!s.order)
        return;
    for (size_t i = 0; i < errs->n; i++)
        if (errs->v[i].path && errs->v[i].line == 0)
            s.order[s.n_order++] = i;
    keyed *k = malloc((s.n_order ? s.n_order : 1) * sizeof *k);
    if (!k) {
        free(s.order);
        return;
    }
    for (size_t i = 0; i < s.n_order; i++)
        k[i] = (keyed){errs->v[s.order[i]].path, s.order[i]};
    qsort(k, s.n_order, sizeof *k, by_path);
    for (size_t i = 0; i < s.n_order; i++)
        s.order[i] = k[i].idx;
    free(k);
    if (s.n_order && push(&s, "$")) {
        ws(&s);
        mark(&s, s.line, s.col);
        value(&s);
    }
    free(s.order);
    free(s.path);
}
