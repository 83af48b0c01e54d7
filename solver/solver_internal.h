/* Shared by the files of solver/: the GLPK problem and its column map. */
#ifndef CJOS_SOLVER_INTERNAL_H
#define CJOS_SOLVER_INTERNAL_H

#include "solver.h"

#include <glpk.h>

typedef struct {
    glp_prob *P;
    size_t n_pairs;
    int *ycol, *fcol; /* per selection pair: GLPK column (1-based) */
    size_t n_u;
    int *ucol, *u_school, *u_exp; /* soft coverage slacks */
    double q;                     /* FTE step, 0 when continuous */
    /* elastic (diagnosis) model: FTE bounded only loosely, so that amounts,
     * capacities and FTE ranges can give way through their rows' slacks */
    bool elastic;
    /* sweep model: every row whose numbers a what-if may change exists (with
     * a bound that never binds when the round has no such rule), so that
     * cj_lp_update() can change numbers without building again */
    bool sweep;
    /* rows by what they constrain (0: none), for cj_lp_update() */
    int *c2min, *c2max; /* per pair */
    int *c1, *c4, *c5;  /* per school */
    int *c3, *c6;       /* per cluster */
    int *c7cap, *c7max; /* per provider */
} cj_lp;

/*
 * Builds the model of SPEC §3 into a new GLPK problem.  Must run under the
 * error guard of solve.c.  Returns false when out of memory; the caller then
 * frees what `lp` holds with cj_lp_free().
 */
bool cj_lp_build(cj_lp *lp, const cj_round *r, const cj_selection *sel,
                 const cj_solve_options *opt);
void cj_lp_free(cj_lp *lp);
/* Sets every number of a built sweep model from the round as it is now (the
 * same pairs: what-if runs change numbers, not eligibility). */
void cj_lp_update(cj_lp *lp, const cj_round *r, const cj_selection *sel,
                  const cj_solve_options *opt);

/* After an infeasible solve: builds the elastic model (every rule family with
 * penalised slacks), solves for the smallest change, and adds it to the
 * plan's diagnosis in words.  Runs under the caller's GLPK guard.  Returns
 * the number of changes said. */
size_t cj_diagnose_elastic(const cj_round *r, const cj_selection *sel,
                           const cj_solve_options *opt, cj_plan *plan);

/* Writes the problem as LP or free MPS (with OBJSENSE MAX) through a temporary
 * file renamed into place; false with a finding on failure. */
bool cj_lp_export(glp_prob *P, const char *path, bool mps, cj_errors *errs);

#endif
