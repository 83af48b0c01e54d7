/*
 * Commands that change a round: importing a score sheet and recording a
 * school's decision.  They edit the JSON document itself, so keys cjos does
 * not use ($schema, x-...) and the order of the file survive, validate the
 * result as a round, and only then write it.
 */
#include "io_internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool same_pair(json_t *a, json_t *b) {
    const char *p1 = json_string_value(json_object_get(a, "provider"));
    const char *s1 = json_string_value(json_object_get(a, "school"));
    const char *p2 = json_string_value(json_object_get(b, "provider"));
    const char *s2 = json_string_value(json_object_get(b, "school"));
    return p1 && s1 && p2 && s2 && strcmp(p1, p2) == 0 && strcmp(s1, s2) == 0;
}

/* Puts `entries` into the array `key` of the round text: an entry for a pair
 * already there replaces it in place, others are appended.  Returns the new
 * text (caller frees) or NULL. */
static char *merge(const char *buf, size_t len, const char *key, json_t *entries,
                   size_t *out_len) {
    json_error_t je;
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return NULL;
    json_t *arr = json_object_get(root, key);
    if (!json_is_array(arr)) {
        arr = json_array();
        json_object_set_new(root, key, arr);
    }
    size_t i;
    json_t *e;
    json_array_foreach(entries, i, e) {
        size_t k;
        json_t *old;
        bool done = false;
        json_array_foreach(arr, k, old) {
            if (same_pair(old, e)) {
                json_array_set(arr, k, e);
                done = true;
                break;
            }
        }
        if (!done)
            json_array_append(arr, e);
    }
    return cj_json_text(root, out_len);
}

/* Validates the new round text and writes it where the command says: -o,
 * standard output, or over the round itself with a backup (--in-place). */
static cj_code finish(const cj_command *c, const char *old, size_t old_len,
                      const char *text, size_t len, cj_errors *errs) {
    cj_round *r = NULL;
    size_t from = errs->n;
    cj_code code = cj_round_parse(text, len, &r, errs);
    cj_round_free(r);
    if (code != CJ_OK) {
        cj_errors_set_file(errs, from, "(the changed round)");
        return code;
    }
    if (!c->in_place)
        return cj_file_write(c->output ? c->output : "-", c->input, text, len, false,
                             errs);
    size_t n = strlen(c->input);
    char *bak = malloc(n + 5);
    if (!bak) {
        cj_errors_add(errs, CJ_ERR_NOMEM, false, NULL, "out of memory");
        return CJ_ERR_NOMEM;
    }
    snprintf(bak, n + 5, "%s.bak", c->input);
    code = cj_file_write(bak, NULL, old, old_len, false, errs);
    if (code == CJ_OK)
        code = cj_file_write(c->input, NULL, text, len, false, errs);
    free(bak);
    return code;
}

cj_code cj_command_scores_template(const cj_command *c, cj_errors *errs) {
    cj_loaded L;
    size_t n;
    cj_code code = cj_load(c, false, &L, errs);
    if (code != CJ_OK)
        return code;
    char *text = cj_sheet_template(L.round, c->separator ? c->separator : ',', &n);
    code = cj_emit(c, text, n, errs);
    cj_loaded_free(&L);
    return code;
}

cj_code cj_command_scores_import(const cj_command *c, cj_errors *errs) {
    cj_loaded L;
    cj_code code = cj_load(c, true, &L, errs);
    if (code != CJ_OK)
        return code;
    const cj_round *r = L.round;
    size_t slen, rows = 0;
    bool comma = false;
    char *sheet = cj_file_read(c->sheet, c->max_input, &slen, NULL, errs);
    cj_csv *csv = NULL;
    json_t *scores = NULL;
    code = sheet ? CJ_OK : CJ_ERR_READ;
    if (code == CJ_OK) {
        size_t from = errs->n;
        csv = cj_csv_parse(sheet, slen, c->separator, errs);
        if (csv)
            scores = cj_sheet_import(r, csv, &rows, &comma, errs);
        cj_errors_set_file(errs, from, c->sheet);
        if (!scores)
            code = CJ_ERR_INPUT;
    }
    if (code == CJ_OK) {
        cj_errors_add(errs, CJ_OK, true, NULL, /* a note: how the sheet was read */
                      "read %zu scored rows, %s-separated%s%s", rows,
                      csv->sep == ';' ? "semicolon" : "comma",
                      comma ? " with decimal commas" : "",
                      csv->bom ? ", UTF-8 with BOM" : "");
        cj_errors_set_file(errs, errs->n - 1, c->sheet);
        size_t n;
        char *text = merge(L.text, L.len, "scores", scores, &n);
        code = text ? finish(c, L.text, L.len, text, n, errs) : CJ_ERR_NOMEM;
        free(text);
    }
    json_decref(scores);
    cj_csv_free(csv);
    free(sheet);
    cj_loaded_free(&L);
    return code;
}

/* One --choose or --exclude of `decide`, checked against the round. */
static bool decision(const cj_round *r, int s, const char *pid, bool choose, json_t *out,
                     cj_errors *errs) {
    const char *opt = choose ? "--choose" : "--exclude";
    int p = cj_round_provider(r, pid);
    if (p < 0) {
        cj_errors_add(errs, CJ_ERR_INPUT, false, NULL, "%s '%s': unknown provider", opt,
                      pid);
        return false;
    }
    if (cj_round_pair(r, p, s) < 0) {
        cj_errors_add(errs, CJ_ERR_INPUT, false, NULL,
                      "%s '%s': provider '%s' has no score at school '%s', so it is not "
                      "eligible there",
                      opt, pid, pid, r->schools[s].id);
        return false;
    }
    json_t *d = json_object();
    json_object_set_new(d, "school", json_string(r->schools[s].id));
    json_object_set_new(d, "provider", json_string(pid));
    json_object_set_new(d, "decision", json_string(choose ? "chosen" : "excluded"));
    json_array_append_new(out, d);
    return true;
}

cj_code cj_command_decide(const cj_command *c, cj_errors *errs) {
    cj_loaded L;
    cj_code code = cj_load(c, true, &L, errs);
    if (code != CJ_OK)
        return code;
    const cj_round *r = L.round;
    size_t before = cj_errors_count(errs);
    int s = cj_round_school(r, c->school);
    json_t *ds = json_array();
    if (s < 0) {
        cj_errors_add(errs, CJ_ERR_INPUT, false, NULL, "--school '%s': unknown school",
                      c->school);
    } else {
        for (size_t i = 0; i < c->n_choose; i++)
            decision(r, s, c->choose[i], true, ds, errs);
        for (size_t i = 0; i < c->n_exclude; i++) {
            for (size_t j = 0; j < c->n_choose; j++)
                if (strcmp(c->exclude[i], c->choose[j]) == 0)
                    cj_errors_add(errs, CJ_ERR_INPUT, false, NULL,
                                  "provider '%s' is both chosen and excluded",
                                  c->exclude[i]);
            decision(r, s, c->exclude[i], false, ds, errs);
        }
        /* chosen after this decision: earlier choices not overruled, plus these */
        int chosen = 0;
        for (size_t k = 0; k < r->n_decisions; k++) {
            const cj_decision *d = &r->decisions[k];
            bool overruled = false;
            for (size_t i = 0; i < c->n_choose + c->n_exclude; i++)
                overruled |= strcmp(r->providers[d->provider_idx].id,
                                    i < c->n_choose ? c->choose[i]
                                                    : c->exclude[i - c->n_choose]) == 0;
            chosen += d->school_idx == s && d->kind == CJ_DECIDE_CHOSEN && !overruled;
        }
        chosen += (int)c->n_choose;
        const cj_school *sc = &r->schools[s];
        int pmax = sc->providers.set ? sc->providers.max : r->policy.pps_max;
        if (chosen > pmax)
            cj_errors_add(
                errs, CJ_ERR_INPUT, false, NULL,
                "school '%s' would have %d chosen providers, more than its maximum "
                "of %d",
                sc->id, chosen, pmax);
    }
    if (cj_errors_count(errs) > before) {
        code = CJ_ERR_INPUT;
    } else {
        size_t n;
        char *text = merge(L.text, L.len, "decisions", ds, &n);
        code = text ? finish(c, L.text, L.len, text, n, errs) : CJ_ERR_NOMEM;
        free(text);
    }
    json_decref(ds);
    cj_loaded_free(&L);
    return code;
}
