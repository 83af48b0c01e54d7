/*
 * The staff of a staffed round in the model (SPEC §6, docs/rota.md).
 *
 * Who comes and how many day-parts each gives are decided with the plan
 * itself, so the first objective is never bought with a rota that cannot
 * exist.  Which day-parts they are is left to cj_rota_place(): per person,
 * counts of day-parts at schools fit in a week exactly when, for every set of
 * the person's schools, the counts fit in the day-parts those schools are
 * open and the person is available (Hall's condition for a matching of
 * day-parts to schools).  The rows below state that condition for every
 * union of opening times that can bind, which is few: a week has ten
 * day-parts, and most schools share their opening times.
 */
#include "solver_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool grow(cj_lp *lp, size_t *cap) {
    size_t c = *cap ? *cap * 2 : 64;
    int **arrays[] = {&lp->sk_pair, &lp->sk_staff, &lp->sk_n, &lp->sk_z};
    for (size_t i = 0; i < 4; i++) {
        int *v = realloc(*arrays[i], (c + 1) * sizeof *v);
        if (!v)
            return false;
        *arrays[i] = v;
    }
    *cap = c;
    return true;
}

/* S1 and S3 for pair i, over its entries a..b of the staff arrays. */
static bool pair_rows(cj_lp *lp, const cj_round *r, const cj_selection *sel, size_t i,
                      size_t a, size_t b, cj_triplets *t) {
    glp_prob *P = lp->P;
    const cj_pair *pa = &sel->pairs[i];
    const cj_staff *staff = r->providers[pa->provider].staff;
    char name[80];
    int s = pa->school + 1, p = pa->provider + 1;
    bool ok = true;

    cj_lp_name(lp, name, sizeof name, "S1link_s%d_p%d", s, p);
    int link = cj_lp_row(P, name, 0, 0);
    ok = cj_trip_add(t, link, lp->fcol[i], 1);
    cj_lp_name(lp, name, sizeof name, "S1min_s%d_p%d", s, p);
    int lo = cj_lp_row(P, name, 0, HUGE_VAL);
    cj_lp_name(lp, name, sizeof name, "S1max_s%d_p%d", s, p);
    int hi = cj_lp_row(P, name, -HUGE_VAL, 0);
    ok = ok && cj_trip_add(t, lo, lp->ycol[i], -r->policy.staff_min) &&
         cj_trip_add(t, hi, lp->ycol[i], -r->policy.staff_max);
    for (size_t e = a; ok && e < b; e++) {
        int n = lp->sk_n[e], z = lp->sk_z[e], k = lp->sk_staff[e];
        double cap = glp_get_col_ub(P, n);
        ok = cj_trip_add(t, link, n, -1) && cj_trip_add(t, lo, z, 1) &&
             cj_trip_add(t, hi, z, 1);
        /* z is 1 exactly when the person gives at least one day-part */
        cj_lp_name(lp, name, sizeof name, "S1come_s%d_p%d_k%d", s, p, k + 1);
        int row = cj_lp_row(P, name, -HUGE_VAL, 0);
        ok = ok && cj_trip_add(t, row, n, 1) && cj_trip_add(t, row, z, -cap);
        cj_lp_name(lp, name, sizeof name, "S1some_s%d_p%d_k%d", s, p, k + 1);
        row = cj_lp_row(P, name, 0, HUGE_VAL);
        ok = ok && cj_trip_add(t, row, n, 1) && cj_trip_add(t, row, z, -1);
        cj_lp_name(lp, name, sizeof name, "S1pair_s%d_p%d_k%d", s, p, k + 1);
        row = cj_lp_row(P, name, -HUGE_VAL, 0);
        ok = ok && cj_trip_add(t, row, z, 1) && cj_trip_add(t, row, lp->ycol[i], -1);
        if (staff[k].skj)
            continue;
        /* S3: MBO staff only where an SKJ colleague of theirs works too */
        cj_lp_name(lp, name, sizeof name, "S3_s%d_p%d_k%d", s, p, k + 1);
        row = cj_lp_row(P, name, -HUGE_VAL, 0);
        ok = ok && cj_trip_add(t, row, z, 1);
        for (size_t o = a; ok && o < b; o++)
            if (staff[lp->sk_staff[o]].skj)
                ok = cj_trip_add(t, row, lp->sk_z[o], -1);
    }
    return ok;
}

/* S2 for one person: entries `e[0..ne)` of the staff arrays are theirs, with
 * the day-parts `mask[]` they could work at each.  One row for their whole
 * week and one per union of opening times that can bind. */
static bool person_rows(cj_lp *lp, const cj_staff *st, double dpf, const size_t *e,
                        size_t ne, const unsigned *mask, int gid, cj_triplets *t) {
    glp_prob *P = lp->P;
    char name[80];
    int most = cj_staff_day_parts(st, CJ_ALL_DAY_PARTS, dpf);
    cj_lp_name(lp, name, sizeof name, "S2week_k%d", gid);
    int row = cj_lp_row(P, name, -HUGE_VAL, most);
    for (size_t j = 0; j < ne; j++)
        if (!cj_trip_add(t, row, lp->sk_n[e[j]], 1))
            return false;

    /* the unions of the entries' day-part sets (at most 2^10) */
    bool seen[1u << CJ_DAY_PARTS] = {false};
    unsigned list[1u << CJ_DAY_PARTS];
    size_t nl = 0;
    for (size_t j = 0; j < ne; j++) {
        size_t before = nl;
        if (!seen[mask[j]]) {
            seen[mask[j]] = true;
            list[nl++] = mask[j];
        }
        for (size_t u = 0; u < before; u++) {
            unsigned m = list[u] | mask[j];
            if (!seen[m]) {
                seen[m] = true;
                list[nl++] = m;
            }
        }
    }
    for (size_t u = 0; u < nl; u++) {
        int room = cj_day_count(list[u]);
        if (room >= most)
            continue; /* the week row is as tight */
        double could = 0;
        size_t inside = 0;
        for (size_t j = 0; j < ne; j++)
            if ((mask[j] & ~list[u]) == 0) {
                could += glp_get_col_ub(P, lp->sk_n[e[j]]);
                inside++;
            }
        if (inside < 2 || could <= room)
            continue; /* one school's own bound, or cannot bind */
        cj_lp_name(lp, name, sizeof name, "S2hall_k%d_%03x", gid, list[u]);
        row = cj_lp_row(P, name, -HUGE_VAL, room);
        for (size_t j = 0; j < ne; j++)
            if ((mask[j] & ~list[u]) == 0 && !cj_trip_add(t, row, lp->sk_n[e[j]], 1))
                return false;
    }
    return true;
}

void cj_lp_prefer_known(cj_lp *lp, const cj_round *r, const cj_selection *sel) {
    for (size_t e = 0; e < lp->n_sk; e++) {
        const cj_pair *pa = &sel->pairs[lp->sk_pair[e]];
        const cj_staff *st = &r->providers[pa->provider].staff[lp->sk_staff[e]];
        for (size_t j = 0; j < st->known_at.n; j++)
            if (st->known_at.idx[j] == pa->school)
                glp_set_obj_coef(lp->P, lp->sk_n[e], 1);
    }
}

bool cj_lp_staff(cj_lp *lp, const cj_round *r, const cj_selection *sel, cj_triplets *t) {
    glp_prob *P = lp->P;
    double dpf = r->policy.day_part_fte;
    size_t cap = 0;
    unsigned *mask = NULL;
    char name[80];
    bool ok = true;
    lp->n_sk = 0;
    for (size_t i = 0; ok && i < sel->n_pairs; i++) {
        const cj_pair *pa = &sel->pairs[i];
        const cj_provider *pr = &r->providers[pa->provider];
        if (pr->n_staff == 0)
            continue; /* planned without a rota (docs/rota.md) */
        size_t a = lp->n_sk;
        double fmax = glp_get_col_ub(P, lp->fcol[i]);
        for (size_t k = 0; ok && k < pr->n_staff; k++) {
            const cj_staff *st = &pr->staff[k];
            unsigned m = st->available & r->schools[pa->school].open;
            double most = cj_staff_day_parts(st, r->schools[pa->school].open, dpf);
            if (fmax < most)
                most = fmax;
            if (most < 1)
                continue;
            if (lp->n_sk >= cap) {
                if (!grow(lp, &cap)) {
                    ok = false;
                    break;
                }
                unsigned *v = realloc(mask, (cap + 1) * sizeof *v);
                if (!v) {
                    ok = false;
                    break;
                }
                mask = v;
            }
            size_t e = lp->n_sk++;
            int n = glp_add_cols(P, 1), z = glp_add_cols(P, 1);
            cj_lp_name(lp, name, sizeof name, "d_s%d_p%d_k%zu", pa->school + 1,
                       pa->provider + 1, k + 1);
            glp_set_col_name(P, n, name);
            glp_set_col_kind(P, n, GLP_IV);
            glp_set_col_bnds(P, n, GLP_DB, 0, most);
            cj_lp_name(lp, name, sizeof name, "z_s%d_p%d_k%zu", pa->school + 1,
                       pa->provider + 1, k + 1);
            glp_set_col_name(P, z, name);
            glp_set_col_kind(P, z, GLP_BV);
            lp->sk_pair[e] = (int)i;
            lp->sk_staff[e] = (int)k;
            lp->sk_n[e] = n;
            lp->sk_z[e] = z;
            mask[e] = m;
        }
        ok = ok && pair_rows(lp, r, sel, i, a, lp->n_sk, t);
    }

    /* per person: their entries, by a counting sort on a round-wide number */
    size_t *off = ok ? calloc(r->n_providers + 1, sizeof *off) : NULL;
    for (size_t p = 0; off && p < r->n_providers; p++)
        off[p + 1] = off[p] + r->providers[p].n_staff;
    size_t people = off ? off[r->n_providers] : 0;
    size_t *start = off ? calloc(people + 2, sizeof *start) : NULL;
    size_t *e = start ? malloc((lp->n_sk + 1) * sizeof *e) : NULL;
    unsigned *em = e ? malloc((lp->n_sk + 1) * sizeof *em) : NULL;
    ok = ok && em;
    for (size_t j = 0; ok && j < lp->n_sk; j++)
        start[off[sel->pairs[lp->sk_pair[j]].provider] + (size_t)lp->sk_staff[j] + 2]++;
    for (size_t g = 0; ok && g < people; g++)
        start[g + 2] += start[g + 1];
    for (size_t j = 0; ok && j < lp->n_sk; j++) {
        size_t g = off[sel->pairs[lp->sk_pair[j]].provider] + (size_t)lp->sk_staff[j];
        em[start[g + 1]] = mask[j];
        e[start[g + 1]++] = j;
    }
    for (size_t p = 0; ok && p < r->n_providers; p++) {
        const cj_provider *pr = &r->providers[p];
        for (size_t k = 0; ok && k < pr->n_staff; k++) {
            size_t g = off[p] + k, a = start[g], ne = start[g + 1] - a;
            if (ne)
                ok =
                    person_rows(lp, &pr->staff[k], dpf, e + a, ne, em + a, (int)g + 1, t);
        }
    }
    free(off);
    free(start);
    free(e);
    free(em);
    free(mask);
    return ok;
}

/* ------------------------------------------------------- staffing by hand */

int cj_staff_most_at(const cj_staff *st, unsigned can, int cap, double day_part_fte) {
    int most = cj_day_count(can);
    int week = cj_staff_day_parts(st, CJ_ALL_DAY_PARTS, day_part_fte);
    most = cap < most ? cap : most;
    return week < most ? week : most;
}

int cj_staff_known_most(int want, int could, int knowing, int staff_min) {
    if (want > 0 && staff_min > knowing)
        want = want > staff_min - knowing ? want - (staff_min - knowing) : 0;
    return could < want ? could : want;
}

/* One entry of the staffing by hand. */
typedef struct {
    size_t person; /* round-wide number */
    unsigned can;  /* day-parts they could work at the school */
    int cap;       /* the column's bound */
    int most;      /* at most (cj_staff_most_at) */
    int n;         /* day-parts given so far */
    bool known, skj;
} hand;

typedef struct {
    hand *h;
    unsigned *used; /* per person: day-parts placed anywhere */
    int *left;      /* per person: day-parts of their week not yet placed */
    int need, come; /* of the pair at hand: day-parts still to place, people */
    int staff_min, staff_max;
} by_hand;

/* Gives entry e of the pair at hand as many day-parts as it can, leaving
 * enough for the people the pair still needs to reach its minimum. */
static void give(by_hand *b, hand *e) {
    bool new = e->n == 0;
    if (new && b->come >= b->staff_max)
        return;
    int others = b->staff_min - b->come - (new ? 1 : 0);
    int most = b->need - (others > 0 ? others : 0);
    while (most > 0 && e->n < e->cap && b->left[e->person] > 0) {
        unsigned free = e->can & ~b->used[e->person];
        if (!free)
            break;
        b->used[e->person] |= free & -free;
        b->left[e->person]--;
        e->n++;
        b->need--;
        most--;
    }
    if (new && e->n > 0)
        b->come++;
}

bool cj_lp_staff_by_hand(cj_lp *lp, const cj_lp *relaxed, const cj_round *r,
                         const cj_selection *sel) {
    glp_prob *P = lp->P;
    int nc = glp_get_num_cols(P);
    size_t people = 0;
    for (size_t p = 0; p < r->n_providers; p++)
        people += r->providers[p].n_staff;
    size_t *off = calloc(r->n_providers + 1, sizeof *off);
    double *v = calloc((size_t)nc + 1, sizeof *v);
    hand *h = calloc(lp->n_sk + 1, sizeof *h);
    unsigned *used = calloc(people + 1, sizeof *used);
    int *left = calloc(people + 1, sizeof *left);
    /* the plan without staff, column by column (any other column of the
     * staffed model stays 0, and the rows below say whether that holds) */
    bool ok = off && v && h && used && left && relaxed->val &&
              cj_lp_map_plan(relaxed, relaxed->val, lp, v);
    for (size_t p = 0; ok && p < r->n_providers; p++) {
        off[p + 1] = off[p] + r->providers[p].n_staff;
        for (size_t k = 0; k < r->providers[p].n_staff; k++)
            left[off[p] + k] = cj_staff_day_parts(
                &r->providers[p].staff[k], CJ_ALL_DAY_PARTS, r->policy.day_part_fte);
    }
    double bound = 0, known = 0;
    by_hand b = {h, used, left, 0, 0, r->policy.staff_min, r->policy.staff_max};
    for (size_t e = 0; ok && e < lp->n_sk; e++) {
        const cj_pair *pa = &sel->pairs[lp->sk_pair[e]];
        const cj_staff *st = &r->providers[pa->provider].staff[lp->sk_staff[e]];
        h[e].person = off[pa->provider] + (size_t)lp->sk_staff[e];
        h[e].can = st->available & r->schools[pa->school].open;
        h[e].cap = (int)glp_get_col_ub(P, lp->sk_n[e]);
        h[e].most = cj_staff_most_at(st, h[e].can, h[e].cap, r->policy.day_part_fte);
        h[e].skj = st->skj;
        for (size_t j = 0; j < st->known_at.n; j++)
            h[e].known |= st->known_at.idx[j] == pa->school;
    }
    /* entries come pair by pair (cj_lp_staff); first those who know the
     * school, then the ones already coming, then SKJ staff, then MBO staff,
     * each first among people not yet placed anywhere (someone at two
     * schools may have to change school within a day) */
    for (int pass = 0; ok && pass < 6; pass++) {
        for (size_t a = 0; a < lp->n_sk;) {
            size_t z = a;
            int i = lp->sk_pair[a], placed = 0;
            b.come = 0;
            while (z < lp->n_sk && lp->sk_pair[z] == i) {
                placed += h[z].n;
                b.come += h[z].n > 0;
                z++;
            }
            b.need = v[lp->ycol[i]] > 0.5 ? (int)lround(v[lp->fcol[i]]) - placed : 0;
            for (size_t e = a; b.need > 0 && e < z; e++) {
                bool fresh = used[h[e].person] == 0;
                bool pick = pass == 0   ? h[e].known
                            : pass == 1 ? h[e].n > 0
                            : pass == 2 ? h[e].skj && fresh
                            : pass == 3 ? h[e].skj
                            : pass == 4 ? fresh
                                        : true;
                if (pick)
                    give(&b, &h[e]);
            }
            if (pass == 0) {
                /* no staffing gives more day-parts to people who know it */
                int could = 0, knowing = 0;
                for (size_t e = a; e < z; e++)
                    if (h[e].known) {
                        could += h[e].most;
                        knowing++;
                    }
                int want = v[lp->ycol[i]] > 0.5 ? (int)lround(v[lp->fcol[i]]) : 0;
                bound += cj_staff_known_most(want, could, knowing, b.staff_min);
            }
            a = z;
        }
    }
    for (size_t e = 0; ok && e < lp->n_sk; e++) {
        v[lp->sk_n[e]] = h[e].n;
        v[lp->sk_z[e]] = h[e].n > 0;
        if (h[e].known)
            known += h[e].n;
    }
    ok = ok && known >= bound - 1e-9 && cj_lp_meets(P, v, 1e-6) == 1;
    if (ok) {
        free(lp->val);
        lp->val = v;
        v = NULL;
    }
    free(off);
    free(v);
    free(h);
    free(used);
    free(left);
    return ok;
}
