/*
 * Owns the rescue: a first plan for a search that a limit stopped before
 * GLPK found any, when it was the plan's only hope of one.  GLPK's
 * pseudo-cost branching finds good plans, but late on the largest rounds:
 * on 1000 x 1000 it spent 6 s at the first neighbourhood's root starting
 * its pseudo-costs, past any time limit, and found its first plan after
 * 14 s, so that `-t 10` ended with no plan at all (since branching in
 * haste, solver/haste.c, GLPK's own search finds one there in time).
 * Branching on the first fractional column, depth first, reaches a worse
 * plan there in two seconds.  As GLPK's incumbent from the start such a
 * plan costs the rounds GLPK finishes, and run before GLPK's search it
 * costs them its time (docs/performance-record.md, "Taken: a rescue"); run after
 * a search that found nothing, it changes no search that finds a plan.
 */
#include "solver_internal.h"

#include <math.h>

/* Nodes after which the rescue gives up: a depth-first search that has
 * found nothing in so many is lost (1000 x 1000 needs some 700). */
#define RESCUE_NODES 5000

typedef struct {
    int nodes;
    size_t memory; /* bytes of GLPK's memory to stop past, 0: never */
    double bound;  /* the best bound of an open node when last seen */
} rescue;

/* Stops the rescue at its first plan, or past the memory limit. */
static void on_rescue(glp_tree *T, void *info) {
    rescue *rs = info;
    int active, current;
    glp_ios_tree_size(T, &active, &current, &rs->nodes);
    int best = glp_ios_best_node(T);
    if (best)
        rs->bound = glp_ios_node_bound(T, best);
    if (glp_ios_reason(T) == GLP_IBINGO ||
        (glp_ios_reason(T) == GLP_ISELECT &&
         (rs->nodes >= RESCUE_NODES || cj_glpk_memory_past(rs->memory))))
        glp_ios_terminate(T);
}

cj_rescued cj_rescue(glp_prob *P, double seconds, size_t memory, int *nodes,
                     double *bound) {
    rescue rs = {.memory = memory, .bound = HUGE_VAL};
    glp_iocp io;
    glp_init_iocp(&io);
    io.msg_lev = GLP_MSG_OFF;
    io.presolve = GLP_ON;
    /* measured on the 60 of 74 rounds of 50 to 300 schools that a node
     * limit of 1 leaves with no plan, and on three of 600 and 1000 schools
     * (docs/performance-record.md, "Taken: a rescue"): the first fractional
     * column with GLPK's cuts finds a plan in 59 and the three, better
     * ones than the most fractional column without cuts, which finds one
     * in 57 and two of the three */
    io.br_tech = GLP_BR_FFV;
    io.bt_tech = GLP_BT_DFS;
    io.mir_cuts = GLP_ON;
    io.gmi_cuts = GLP_ON;
    io.clq_cuts = GLP_ON;
    if (seconds > 0)
        io.tm_lim = cj_glpk_ms(seconds);
    io.cb_func = on_rescue;
    io.cb_info = &rs;
    int ret = glp_intopt(P, &io);
    *nodes = rs.nodes;
    *bound = rs.bound;
    int st = glp_mip_status(P);
    if (ret == GLP_ENOPFS || (ret == 0 && st == GLP_NOFEAS))
        return CJ_RESCUED_NONE_EXISTS;
    return (ret == 0 || ret == GLP_ESTOP || ret == GLP_ETMLIM) &&
                   (st == GLP_FEAS || st == GLP_OPT)
               ? CJ_RESCUED_PLAN
               : CJ_RESCUED_NOTHING;
}
