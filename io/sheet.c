/*
 * Score sheets: a CSV template with one row per admitted (provider, school)
 * pair for the scorers, and the import of the filled sheet into the round's
 * scores.  Every cell is checked; any error and nothing is written.
 */
#include "io_internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

char *cj_sheet_template(const cj_round *r, char sep, size_t *len) {
    cj_buf b = {0};
    char s[2] = {sep, 0};
    const char *fixed[] = {"provider", "provider_name", "school", "school_name"};
    for (int i = 0; i < 4; i++) {
        cj_buf_puts(&b, fixed[i]);
        cj_buf_puts(&b, s);
    }
    for (size_t t = 0; t < r->n_topics; t++) {
        cj_buf_csv(&b, r->topics[t].id);
        cj_buf_puts(&b, s);
    }
    cj_buf_puts(&b, "interview\r\n");
    for (size_t sc = 0; sc < r->n_schools; sc++) {
        const cj_school *school = &r->schools[sc];
        for (size_t p = 0; p < r->n_providers; p++) {
            if (!r->admitted_to[p * r->n_clusters + (size_t)school->cluster_idx])
                continue;
            const cj_provider *pr = &r->providers[p];
            cj_buf_csv(&b, pr->id);
            cj_buf_puts(&b, s);
            cj_buf_csv(&b, pr->name);
            cj_buf_puts(&b, s);
            cj_buf_csv(&b, school->id);
            cj_buf_puts(&b, s);
            cj_buf_csv(&b, school->name);
            for (size_t t = 0; t <= r->n_topics; t++)
                cj_buf_puts(&b, s);
            cj_buf_puts(&b, "\r\n");
        }
    }
    return cj_buf_take(&b, len);
}

/* A finding at a cell of the sheet. */
static void at(cj_errors *e, int row, int col, const char *fmt, const char *a,
               const char *b2) {
    cj_errors_add(e, CJ_ERR_INPUT, false, NULL, fmt, a, b2);
    e->v[e->n - 1].line = row;
    e->v[e->n - 1].column = col;
}

/* An id cell: spaces trimmed, and the quote we put before formula-like
 * cells taken off again. */
static const char *id_cell(char *c) {
    while (*c == ' ')
        c++;
    size_t n = strlen(c);
    while (n && c[n - 1] == ' ')
        c[--n] = '\0';
    if (c[0] == '\'' && strchr("=+-@", c[1]) && c[1])
        c++;
    return c;
}

static bool header(const cj_round *r, const cj_csv_row *h, int *col_of_topic, int *col_p,
                   int *col_s, int *col_i, cj_errors *e) {
    size_t before = cj_errors_count(e);
    *col_p = *col_s = *col_i = -1;
    for (size_t t = 0; t < r->n_topics; t++)
        col_of_topic[t] = -1;
    for (size_t c = 0; c < h->n; c++) {
        const char *name = id_cell(h->cell[c]);
        int t = cj_index_get(r->topic_ix, name);
        int *slot = strcmp(name, "provider") == 0    ? col_p
                    : strcmp(name, "school") == 0    ? col_s
                    : strcmp(name, "interview") == 0 ? col_i
                    : t >= 0                         ? &col_of_topic[t]
                                                     : NULL;
        if (!slot) {
            if (strcmp(name, "provider_name") != 0 && strcmp(name, "school_name") != 0 &&
                strncmp(name, "x-", 2) != 0)
                at(e, h->line, (int)c + 1, "unknown column '%s'%s", name,
                   r->n_topics ? ": expected provider, school, a topic id or interview"
                               : "");
            continue;
        }
        if (*slot >= 0)
            at(e, h->line, (int)c + 1, "column '%s' appears twice%s", name, "");
        *slot = (int)c;
    }
    if (*col_p < 0)
        at(e, h->line, 1, "missing column '%s'%s", "provider", "");
    if (*col_s < 0)
        at(e, h->line, 1, "missing column '%s'%s", "school", "");
    for (size_t t = 0; t < r->n_topics; t++)
        if (col_of_topic[t] < 0)
            at(e, h->line, 1, "missing column '%s' for a topic%s", r->topics[t].id, "");
    return cj_errors_count(e) == before;
}

static const char *cell_of(const cj_csv_row *row, int col) {
    return col >= 0 && (size_t)col < row->n ? row->cell[col] : "";
}

static bool blank(const char *c) {
    while (*c == ' ' || *c == '\t')
        c++;
    return *c == '\0';
}

/* One score cell: a number within 0..10, or a finding. */
static bool mark(const cj_csv *csv, const cj_csv_row *row, int col, double *v,
                 bool *comma, cj_errors *e) {
    const char *c = cell_of(row, col);
    if (!cj_csv_number(c, csv->sep, v, comma)) {
        at(e, row->line, col + 1, "'%s' is not a number%s", c,
           csv->sep == ',' && strchr(c, ',')
               ? " (a decimal comma needs ';' between cells)"
               : "");
        return false;
    }
    if (*v < 0 || *v > 10) {
        char num[32];
        snprintf(num, sizeof num, "%g", *v);
        at(e, row->line, col + 1, "%s is out of range 0..10%s", num, "");
        return false;
    }
    return true;
}

json_t *cj_sheet_import(const cj_round *r, const cj_csv *csv, size_t *n_rows, bool *comma,
                        cj_errors *e) {
    size_t before = cj_errors_count(e);
    *n_rows = 0;
    *comma = false;
    if (csv->n == 0) {
        cj_errors_add(e, CJ_ERR_INPUT, false, NULL, "the sheet is empty");
        return NULL;
    }
    int *tcol = malloc((r->n_topics + 1) * sizeof *tcol);
    int cp, cs, ci;
    json_t *scores = json_array();
    cj_index *seen = cj_index_new(csv->n);
    if (!tcol || !scores || !seen || !header(r, &csv->rows[0], tcol, &cp, &cs, &ci, e)) {
        free(tcol);
        json_decref(scores);
        cj_index_free(seen);
        return NULL;
    }
    for (size_t k = 1; k < csv->n; k++) {
        const cj_csv_row *row = &csv->rows[k];
        char pbuf[256], sbuf[256];
        snprintf(pbuf, sizeof pbuf, "%s", cell_of(row, cp));
        snprintf(sbuf, sizeof sbuf, "%s", cell_of(row, cs));
        const char *pid = id_cell(pbuf), *sid = id_cell(sbuf);
        int p = cj_round_provider(r, pid), s = cj_round_school(r, sid);
        size_t filled = 0;
        for (size_t t = 0; t < r->n_topics; t++)
            filled += !blank(cell_of(row, tcol[t]));
        bool interview = ci >= 0 && !blank(cell_of(row, ci));
        if (filled == 0 && !interview)
            continue; /* not scored: this provider wrote no plan for this school */
        bool ok = true;
        if (p < 0) {
            at(e, row->line, cp + 1, "unknown provider '%s'%s", pid, "");
            ok = false;
        }
        if (s < 0) {
            at(e, row->line, cs + 1, "unknown school '%s'%s", sid, "");
            ok = false;
        }
        if (ok && !r->admitted_to[(size_t)p * r->n_clusters +
                                  (size_t)r->schools[s].cluster_idx]) {
            at(e, row->line, cp + 1,
               "provider '%s' is not admitted to the cluster of school '%s'", pid, sid);
            ok = false;
        }
        if (ok) {
            unsigned long long key = (unsigned long long)p * r->n_schools + (unsigned)s;
            int prev = cj_index_put_u64(seen, key, csv->rows[k].line);
            if (prev >= 0) {
                char first[32];
                snprintf(first, sizeof first, "%d", prev);
                at(e, row->line, cp + 1,
                   "duplicate row for this provider and school (first on "
                   "row %s)%s",
                   first, "");
                ok = false;
            }
        }
        json_t *topics = json_object();
        for (size_t t = 0; t < r->n_topics; t++) {
            double v;
            if (blank(cell_of(row, tcol[t]))) {
                at(e, row->line, tcol[t] + 1, "missing score for topic '%s'%s",
                   r->topics[t].id, "");
                ok = false;
            } else if (mark(csv, row, tcol[t], &v, comma, e)) {
                json_object_set_new(topics, r->topics[t].id, json_real(v));
            } else {
                ok = false;
            }
        }
        double iv = 0;
        if (interview && !mark(csv, row, ci, &iv, comma, e))
            ok = false;
        if (!ok) {
            json_decref(topics);
            continue;
        }
        json_t *o = json_object();
        json_object_set_new(o, "provider", json_string(pid));
        json_object_set_new(o, "school", json_string(sid));
        json_object_set_new(o, "topics", topics);
        if (interview)
            json_object_set_new(o, "interview", json_real(iv));
        json_array_append_new(scores, o);
        (*n_rows)++;
    }
    free(tcol);
    cj_index_free(seen);
    if (cj_errors_count(e) > before) {
        json_decref(scores);
        return NULL;
    }
    return scores;
}
