/* Helpers shared by the unit tests: rounds from text and from tests/data. */
#ifndef CJOS_TEST_HELPERS_H
#define CJOS_TEST_HELPERS_H

#include "io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef CJ_TEST_DATA
#define CJ_TEST_DATA "tests/data"
#endif

/* Parses `text`; returns the round (NULL when invalid) and the findings. */
static inline cj_round *round_from_text(const char *text, cj_errors *errs) {
    cj_round *r = NULL;
    cj_round_parse(text, strlen(text), &r, errs);
    return r;
}

/* Reads tests/data/NAME into a new string, or NULL. */
static inline char *data_file(const char *name, size_t *len) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", CJ_TEST_DATA, name);
    cj_errors e = {0};
    char *s = cj_file_read(path, 0, len, NULL, &e);
    cj_errors_clear(&e);
    return s;
}

/* The round in tests/data/NAME, validated, or NULL. */
static inline cj_round *data_round(const char *name) {
    size_t len;
    char *s = data_file(name, &len);
    if (!s)
        return NULL;
    cj_errors e = {0};
    cj_round *r = NULL;
    cj_round_parse(s, len, &r, &e);
    cj_errors_clear(&e);
    free(s);
    return r;
}

/* True when some finding's path is `path` and its message contains `text`. */
static inline bool has_finding(const cj_errors *e, const char *path, const char *text) {
    for (size_t i = 0; i < e->n; i++)
        if ((!path || (e->v[i].path && strcmp(e->v[i].path, path) == 0)) &&
            strstr(e->v[i].message, text))
            return true;
    return false;
}

#endif
