/*
 * Owns reliability branching: the column GLPK's branch and bound branches
 * on next, chosen by cjos in GLPK's callback for every search that would
 * otherwise use GLPK's pseudo-costs.  GLPK starts a column's pseudo-costs
 * once, from two short simplex runs, and then only adds what its own
 * branchings show; on 30 x 18 seed 14 cjos's searches took 8,058 nodes
 * where CBC, which tries its candidates by strong branching until their
 * pseudo-costs are reliable, needs ten.  Here a column's branchings are tried on
 * the node's LP (both sides, a bounded dual simplex from the node's basis:
 * solver/dual.c's, or glp_simplex's on a copy of the LP where that one
 * loses accuracy) until each side has been measured RELIABLE times, by a try
 * or by a branching GLPK made and whose child LP cjos read; the column that
 * degrades both sides most (the product of the two) is branched on, the
 * better side first.  Where GLPK adds no cuts of its own, the tries are
 * made in its cuts callback, and a column one of whose sides holds nothing
 * better than GLPK's best plan is held to its other side at once and the
 * node's LP solved again, as CBC does; the tries then go on, and the
 * branching is chosen on the LP that no try changes.  Everything depends
 * on the LPs alone, never on the clock, so a node limit still gives the
 * same plan on every machine; under a time limit too short for the tries,
 * branching in haste (solver/haste.c) dives first.
 */
#include "solver_internal.h"

#include <math.h>
#include <string.h>

/* Measurements of a side of a column after which its pseudo-cost stands
 * for it, untried.  Two gain on the larger rounds but lose a proof among
 * the small ones, and eight are slower (docs/performance-record.md, "Where
 * reliability branching's time goes"). */
#define RELIABLE 4
/* Columns tried at one node at most, the most promising first; sixteen
 * gain on 100 x 60 alone (the same section). */
#define TRIES 8
/* Dual simplex iterations of one try: its objective is then a bound on the
 * side's LP, which is all a score needs.  The tries' own dual simplex takes
 * more iterations than glp_simplex's, and at 100 its bounds were weaker on
 * the larger rounds; 200 took 100 x 60 seeds 1-8 in 0.90 of the time, 50
 * in 1.08 (docs/performance-record.md, "Taken: 200 iterations a try"). */
#define TRY_ITERATIONS 200

/* What a node that cjos branched keeps for its children (GLPK's node data,
 * cj_strong_node_bytes): the column, its value and the node's LP value; and
 * in a child, whether its LP was read already. */
typedef struct {
    int col, read;
    double value, z;
} node_note;

size_t cj_strong_bytes(int n) {
    return ((size_t)n + 1) * (3 * sizeof(double) + 3 * sizeof(int));
}

int cj_strong_node_bytes(void) {
    return (int)sizeof(node_note);
}

void cj_strong_start(cj_strong *s, void *mem, int n) {
    *s = (cj_strong){.n = mem ? n : 0, .m0 = -1};
    if (!mem)
        return;
    memset(mem, 0, cj_strong_bytes(n));
    double *d = mem;
    s->sum[0] = d;
    s->sum[1] = d + n + 1;
    s->score = d + 2 * ((size_t)n + 1);
    int *k = (int *)(d + 3 * ((size_t)n + 1));
    s->count[0] = k;
    s->count[1] = k + n + 1;
    s->cand = k + 2 * ((size_t)n + 1);
}

void cj_strong_end(cj_strong *s) {
    if (s->W)
        glp_delete_prob(s->W);
    s->W = NULL;
    cj_dual_free(s->D);
    s->D = NULL;
}

/* The degradation of one side of column j at fractional part f, by its
 * pseudo-cost; a negative value when the side was never measured. */
static double estimate(const cj_strong *s, int side, int j, double f) {
    if (!s->count[side][j])
        return -1;
    return s->sum[side][j] / s->count[side][j] * (side ? 1 - f : f);
}

static void measured(cj_strong *s, int side, int j, double f, double drop) {
    double part = side ? 1 - f : f;
    if (part < 1e-9)
        return;
    s->sum[side][j] += (drop > 0 ? drop : 0) / part;
    s->count[side][j]++;
}

/* A branching's score: both sides must lose, so a column that loses much
 * on one side only is not preferred (the product rule). */
static double product(double down, double up) {
    return fmax(down, 1e-6) * fmax(up, 1e-6);
}

void cj_strong_learn(cj_strong *s, glp_tree *T) {
    if (!s->n)
        return;
    int cur = glp_ios_curr_node(T);
    node_note *me = glp_ios_node_data(T, cur);
    if (me->read)
        return;
    me->read = 1;
    int up = glp_ios_up_node(T, cur);
    const node_note *parent = up ? glp_ios_node_data(T, up) : NULL;
    glp_prob *P = glp_ios_get_prob(T);
    if (!parent || !parent->col || parent->col > s->n || glp_get_status(P) != GLP_OPT)
        return;
    int j = parent->col;
    double v = parent->value;
    int side = glp_get_col_ub(P, j) <= floor(v) + 1e-9 ? 0 : 1;
    measured(s, side, j, v - floor(v), parent->z - glp_get_obj_val(P));
}

/* Gives W, a copy of P, P's basis (glp_copy_prob leaves it out, and a try
 * moves it). */
static void basis_of(glp_prob *W, glp_prob *P) {
    int m = glp_get_num_rows(P), n = glp_get_num_cols(P);
    for (int i = 1; i <= m; i++)
        glp_set_row_stat(W, i, glp_get_row_stat(P, i));
    for (int j = 1; j <= n; j++)
        glp_set_col_stat(W, j, glp_get_col_stat(P, j));
}

/* The node's LP in s->W with its basis, to try branchings from. */
static void copy_node(cj_strong *s, glp_prob *P) {
    glp_erase_prob(s->W);
    glp_copy_prob(s->W, P, GLP_OFF);
    basis_of(s->W, P);
}

/* The LP value of s->W with column j held to [lo, hi] (-HUGE_VAL: no plan
 * there), the column's bounds and the basis put back after: the try when
 * cj_dual cannot make it. */
static double glpk_side(cj_strong *s, glp_prob *P, int j, double lo, double hi) {
    int type = glp_get_col_type(s->W, j);
    double lb = glp_get_col_lb(s->W, j), ub = glp_get_col_ub(s->W, j);
    glp_set_col_bnds(s->W, j, lo == hi ? GLP_FX : GLP_DB, lo, hi);
    glp_smcp sm;
    glp_init_smcp(&sm);
    sm.msg_lev = GLP_MSG_OFF;
    sm.meth = GLP_DUAL;
    sm.it_lim = TRY_ITERATIONS;
    int it = glp_get_it_cnt(s->W);
    glp_simplex(s->W, &sm);
    s->iterations += glp_get_it_cnt(s->W) - it;
    double z = glp_get_status(s->W) == GLP_NOFEAS || glp_get_dual_stat(s->W) == GLP_NOFEAS
                   ? -HUGE_VAL
                   : glp_get_obj_val(s->W);
    glp_set_col_bnds(s->W, j, type, lb, ub);
    basis_of(s->W, P);
    return z;
}

/* The regular rows of T's problem: those before the first cut. */
static int regular_rows(glp_tree *T, glp_prob *P) {
    int m = glp_get_num_rows(P);
    for (int i = 1; i <= m; i++) {
        glp_attr a;
        glp_ios_row_attr(T, i, &a);
        if (a.origin != GLP_RF_REG)
            return i - 1;
    }
    return m;
}

/* Both sides of column j at value v, into *down and *up: by cj_dual when
 * the node's LP was read into it (*own), else through glp_simplex on a
 * copy of the node's LP, made at the first such try (*copied). */
static void try_column(cj_strong *s, glp_tree *T, int j, double v, int *own, bool *copied,
                       double *down, double *up) {
    glp_prob *P = glp_ios_get_prob(T);
    double lo = glp_get_col_lb(P, j), hi = glp_get_col_ub(P, j);
    if (*own < 0) {
        if (s->m0 < 0)
            s->m0 = regular_rows(T, P);
        if (!s->D)
            s->D = cj_dual_new();
        *own = s->D && cj_dual_node(s->D, P, s->m0);
    }
    *down = *up = NAN;
    if (*own) {
        *down = cj_dual_try(s->D, j, lo, floor(v), TRY_ITERATIONS, &s->iterations);
        *up = cj_dual_try(s->D, j, ceil(v), hi, TRY_ITERATIONS, &s->iterations);
    }
    if (isnan(*down) || isnan(*up)) {
        if (!*copied)
            copy_node(s, P);
        *copied = true;
        *down = glpk_side(s, P, j, lo, floor(v));
        *up = glpk_side(s, P, j, ceil(v), hi);
    }
    s->tries += 2;
}

/* Whether a side whose try reached z holds no plan better than GLPK's
 * best, by GLPK's own test (its tol_obj, relative). */
static bool hopeless(glp_prob *P, double z) {
    if (z == -HUGE_VAL)
        return true;
    int st = glp_mip_status(P);
    if (st != GLP_FEAS && st != GLP_OPT)
        return false;
    double best = glp_mip_obj_val(P);
    return z <= best + 1e-7 * (1 + fabs(best));
}

/* Holds column j, at value v, to the side of it that still holds a better
 * plan: the node's bounds, which GLPK keeps for its children.  A bound the
 * column lacks stays absent (the count columns of solver/counts.c have no
 * upper one), rather than becoming DBL_MAX in GLPK's LP. */
static void hold(glp_prob *P, int j, double v, bool down_hopeless) {
    int type = glp_get_col_type(P, j);
    bool has_lo = type == GLP_LO || type == GLP_DB || type == GLP_FX;
    bool has_hi = type == GLP_UP || type == GLP_DB || type == GLP_FX;
    double lo = glp_get_col_lb(P, j), hi = glp_get_col_ub(P, j);
    if (down_hopeless)
        lo = ceil(v), has_lo = true;
    else
        hi = floor(v), has_hi = true;
    type = has_lo && has_hi ? (lo == hi ? GLP_FX : GLP_DB) : has_lo ? GLP_LO : GLP_UP;
    glp_set_col_bnds(P, j, type, lo, hi);
}

/* The column to branch on at T's node into *col, with the side to take
 * first into *first; *col is 0 when no column can be branched on.  With
 * `holding`, a tried column one of whose sides is hopeless is held to the
 * other instead (hold()) and left out of the choice.  Returns the number
 * of columns held. */
static int choose(cj_strong *s, glp_tree *T, bool holding, int *col, int *first) {
    glp_prob *P = glp_ios_get_prob(T);
    int n = glp_get_num_cols(P);
    double z = glp_get_obj_val(P);
    /* the candidates, untried sides first (by fractionality), then by their
     * pseudo-costs' score */
    int nc = 0;
    for (int j = 1; j <= n; j++) {
        if (!glp_ios_can_branch(T, j))
            continue;
        double v = glp_get_col_prim(P, j), f = v - floor(v);
        double down = estimate(s, 0, j, f), up = estimate(s, 1, j, f);
        s->score[j] = down < 0 || up < 0 ? 1e9 * fmin(f, 1 - f) : product(down, up);
        s->cand[nc++] = j;
    }
    *col = 0;
    *first = GLP_NO_BRNCH;
    if (!nc)
        return 0;
    for (int a = 1; a < nc; a++) /* insertion: stable, so ties keep GLPK's order */
        for (int b = a; b > 0 && s->score[s->cand[b]] > s->score[s->cand[b - 1]]; b--) {
            int t = s->cand[b];
            s->cand[b] = s->cand[b - 1];
            s->cand[b - 1] = t;
        }
    int tried = 0, held = 0;
    double best_score = -1;
    bool copied = false;
    int own = -1; /* whether cj_dual read the node; -1: not yet asked */
    for (int a = 0; a < nc; a++) {
        int j = s->cand[a];
        double v = glp_get_col_prim(P, j), f = v - floor(v), down, up;
        if (s->count[0][j] >= RELIABLE && s->count[1][j] >= RELIABLE) {
            down = estimate(s, 0, j, f);
            up = estimate(s, 1, j, f);
        } else {
            if (tried == TRIES)
                continue;
            tried++;
            double zd, zu;
            try_column(s, T, j, v, &own, &copied, &zd, &zu);
            down = z - zd;
            up = z - zu;
            if (isfinite(zd))
                measured(s, 0, j, f, down);
            if (isfinite(zu))
                measured(s, 1, j, f, up);
            if (holding && (hopeless(P, zd) || hopeless(P, zu))) {
                /* both hopeless: either side, and the node's LP ends it */
                hold(P, j, v, hopeless(P, zd));
                held++;
                continue;
            }
            if (!isfinite(zd) || !isfinite(zu)) {
                /* one side holds no plan: the other is all that is left */
                *col = j;
                *first = isfinite(zd) ? GLP_DN_BRNCH : GLP_UP_BRNCH;
                break;
            }
        }
        if (product(down, up) > best_score) { /* products are positive: the first wins */
            best_score = product(down, up);
            *col = j;
            *first = down > up ? GLP_UP_BRNCH : GLP_DN_BRNCH;
        }
    }
    if (!*col && !held)
        *col = s->cand[0];
    return held;
}

/* Whether reliability branching can work on T's problem: on, with no more
 * columns than its memory, a maximisation, and a problem for its tries. */
static bool usable(cj_strong *s, glp_prob *P) {
    if (!s->n || glp_get_num_cols(P) > s->n || glp_get_obj_dir(P) != GLP_MAX)
        return false;
    return s->W || (s->W = glp_create_prob());
}

void cj_strong_follow(cj_strong *s, glp_tree *T) {
    int cur = glp_ios_curr_node(T);
    if (cur && cur != s->node) {
        s->last = s->node;
        s->last_branched = s->node_branched;
        s->node = cur;
        s->node_branched = false;
    }
    if (cur && glp_ios_reason(T) == GLP_IBRANCH)
        s->node_branched = true;
}

void cj_strong_cut(cj_strong *s, glp_tree *T) {
    s->kept_node = 0;
    glp_prob *P = glp_ios_get_prob(T);
    int cur = glp_ios_curr_node(T);
    /* GLPK's own cuts come after this callback, at the root and at a node
     * not begun right after its parent's branching, before the node's LP is
     * solved again; its cover and clique cuts take a fixed column at its
     * value in the LP solved (glp_cov_gen1, glp_clq_cut), and after a hold
     * that is the old value, so that they cut off plans: two of eight rounds
     * of 100 x 60 were proven at a worse optimum (docs/performance-record.md,
     * "Why GLPK's cuts lost plans after a hold") */
    if (!cur || !glp_ios_node_level(T, cur) || !s->last_branched ||
        s->last != glp_ios_up_node(T, cur) || !usable(s, P))
        return;
    int col, first;
    if (choose(s, T, true, &col, &first)) {
        s->held++;
        /* a row added in this callback has GLPK solve the node again; a
         * free one changes nothing else, and GLPK drops it as an inactive
         * cut once the node is branched */
        glp_add_rows(P, 1);
        glp_factorize(P); /* GLPK's own code expects one after its callbacks */
        return;
    }
    if (!col)
        return;
    s->kept_node = cur;
    s->kept_it = glp_get_it_cnt(P);
    s->kept_z = glp_get_obj_val(P);
    s->kept_col = col;
    s->kept_first = first;
}

bool cj_strong_branch(cj_strong *s, glp_tree *T) {
    glp_prob *P = glp_ios_get_prob(T);
    if (!usable(s, P))
        return false;
    int cur = glp_ios_curr_node(T), col, first;
    double z = glp_get_obj_val(P);
    /* the choice the cuts callback made on this very LP */
    if (s->kept_node == cur && s->kept_it == glp_get_it_cnt(P) && s->kept_z == z &&
        glp_ios_can_branch(T, s->kept_col)) {
        col = s->kept_col;
        first = s->kept_first;
    } else {
        choose(s, T, false, &col, &first);
    }
    s->kept_node = 0;
    if (!col)
        return false;
    node_note *me = glp_ios_node_data(T, cur);
    *me = (node_note){.col = col, .read = 1, .value = glp_get_col_prim(P, col), .z = z};
    glp_ios_branch_upon(T, col, first);
    s->branched++;
    return true;
}
