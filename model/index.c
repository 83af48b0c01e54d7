/* Open-addressing hash maps for id lookups: rounds are looked up far more
 * often than they are built, and linear scans over thousands of ids add up. */
#include "model.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *key;
    unsigned long long ukey;
    int value; /* -1: empty slot */
} slot;

struct cj_index {
    slot *s;
    size_t cap, n;
};

static uint64_t hash_str(const char *k) {
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *k; k++) {
        h ^= (unsigned char)*k;
        h *= 1099511628211ULL;
    }
    return h;
}

static uint64_t hash_u64(unsigned long long k) {
    uint64_t x = k + 0x9E3779B97F4A7C15ULL; /* splitmix64 finaliser */
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

cj_index *cj_index_new(size_t n) {
    cj_index *ix = calloc(1, sizeof *ix);
    if (!ix)
        return NULL;
    size_t cap = 16;
    while (cap < 2 * n + 2)
        cap *= 2;
    ix->s = malloc(cap * sizeof *ix->s);
    if (!ix->s) {
        free(ix);
        return NULL;
    }
    for (size_t i = 0; i < cap; i++)
        ix->s[i].value = -1;
    ix->cap = cap;
    return ix;
}

void cj_index_free(cj_index *ix) {
    if (ix) {
        free(ix->s);
        free(ix);
    }
}

static bool grow(cj_index *ix) {
    size_t cap = ix->cap * 2;
    slot *s = malloc(cap * sizeof *s);
    if (!s)
        return false;
    for (size_t i = 0; i < cap; i++)
        s[i].value = -1;
    for (size_t i = 0; i < ix->cap; i++) {
        slot *o = &ix->s[i];
        if (o->value < 0)
            continue;
        uint64_t h = o->key ? hash_str(o->key) : hash_u64(o->ukey);
        size_t j = h & (cap - 1);
        while (s[j].value >= 0)
            j = (j + 1) & (cap - 1);
        s[j] = *o;
    }
    free(ix->s);
    ix->s = s;
    ix->cap = cap;
    return true;
}

static int put(cj_index *ix, const char *key, unsigned long long ukey, int value) {
    if (2 * (ix->n + 1) > ix->cap && !grow(ix))
        return -2;
    uint64_t h = key ? hash_str(key) : hash_u64(ukey);
    size_t j = h & (ix->cap - 1);
    while (ix->s[j].value >= 0) {
        slot *o = &ix->s[j];
        if (key ? (o->key && strcmp(o->key, key) == 0) : (!o->key && o->ukey == ukey))
            return o->value;
        j = (j + 1) & (ix->cap - 1);
    }
    ix->s[j].key = key;
    ix->s[j].ukey = ukey;
    ix->s[j].value = value;
    ix->n++;
    return -1;
}

static int get(const cj_index *ix, const char *key, unsigned long long ukey) {
    if (!ix)
        return -1;
    uint64_t h = key ? hash_str(key) : hash_u64(ukey);
    size_t j = h & (ix->cap - 1);
    while (ix->s[j].value >= 0) {
        const slot *o = &ix->s[j];
        if (key ? (o->key && strcmp(o->key, key) == 0) : (!o->key && o->ukey == ukey))
            return o->value;
        j = (j + 1) & (ix->cap - 1);
    }
    return -1;
}

int cj_index_put(cj_index *ix, const char *key, int value) {
    return put(ix, key, 0, value);
}

int cj_index_put_u64(cj_index *ix, unsigned long long key, int value) {
    return put(ix, NULL, key, value);
}

int cj_index_get(const cj_index *ix, const char *key) {
    return get(ix, key, 0);
}

int cj_index_get_u64(const cj_index *ix, unsigned long long key) {
    return get(ix, NULL, key);
}
