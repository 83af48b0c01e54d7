/*
 * Staff pseudonyms (SPEC §6): staff are personal data, so every output can
 * show a person as "staff-" and ten hex digits of HMAC-SHA256(salt, id)
 * instead of their id.  The same salt gives the same pseudonym in every
 * output of a run (and in later runs with that salt); without the salt the
 * pseudonym cannot be traced back to the id.  A salt cjos makes itself is
 * never written anywhere.
 */
#include "io_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 64

void cj_hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen,
                    unsigned char out[32]) {
    unsigned char k[BLOCK] = {0};
    if (klen > BLOCK)
        cj_sha256(key, klen, k);
    else
        memcpy(k, key, klen);
    unsigned char *buf = malloc(BLOCK + (mlen > 32 ? mlen : 32));
    if (!buf) {
        memset(out, 0, 32);
        return;
    }
    for (int i = 0; i < BLOCK; i++)
        buf[i] = k[i] ^ 0x36;
    memcpy(buf + BLOCK, msg, mlen);
    unsigned char inner[32];
    cj_sha256(buf, BLOCK + mlen, inner);
    for (int i = 0; i < BLOCK; i++)
        buf[i] = k[i] ^ 0x5c;
    memcpy(buf + BLOCK, inner, 32);
    cj_sha256(buf, BLOCK + 32, out);
    free(buf);
}

char *cj_salt_new(void) {
    unsigned char raw[32];
    FILE *f = fopen("/dev/urandom", "rb");
    size_t got = f ? fread(raw, 1, sizeof raw, f) : 0;
    if (f)
        fclose(f);
    if (got != sizeof raw)
        return NULL;
    char *s = malloc(2 * sizeof raw + 1);
    for (size_t i = 0; s && i < sizeof raw; i++)
        snprintf(s + 2 * i, 3, "%02x", raw[i]);
    return s;
}

/* The pseudonym of `id` under `salt`: "staff-" and ten hex digits. */
static char *pseudonym(const char *salt, const char *id) {
    unsigned char d[32];
    cj_hmac_sha256(salt, strlen(salt), id, strlen(id), d);
    char *s = malloc(sizeof "staff-" + 10);
    if (s)
        snprintf(s, sizeof "staff-" + 10, "staff-%02x%02x%02x%02x%02x", d[0], d[1], d[2],
                 d[3], d[4]);
    return s;
}

bool cj_round_pseudonymize(cj_round *r, const char *salt, bool *collided) {
    *collided = false;
    size_t total = 0;
    for (size_t p = 0; p < r->n_providers; p++)
        total += r->providers[p].n_staff;
    cj_index *seen = cj_index_new(total);
    if (!seen)
        return false;
    bool ok = true;
    for (size_t p = 0; ok && p < r->n_providers; p++)
        for (size_t k = 0; ok && k < r->providers[p].n_staff; k++) {
            cj_staff *st = &r->providers[p].staff[k];
            char *ps = pseudonym(salt, st->id);
            if (!ps) {
                ok = false;
                break;
            }
            free(st->id);
            st->id = ps;
            if (cj_index_put(seen, ps, 0) >= 0)
                *collided = true;
        }
    cj_index_free(seen);
    return ok;
}
