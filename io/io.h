/*
 * io: round files in, plans and shortlists out, and the files between.
 *
 * The only module that includes jansson.h.  Reading turns a file into a
 * validated cj_round with every finding located (line and column); writing
 * renders a plan or shortlist into a buffer the caller owns, and puts a
 * buffer into a file whole or not at all.
 */
#ifndef CJOS_IO_H
#define CJOS_IO_H

#include "model.h"
#include "schools.h"
#include "solver.h"

#define CJ_MAX_INPUT_DEFAULT (64u * 1024u * 1024u)

typedef enum { CJ_OUT_JSON, CJ_OUT_MD, CJ_OUT_CSV, CJ_OUT_HTML } cj_out_format;

/* What a plan says about where it came from. */
typedef struct {
    const char *input_sha256; /* hex digest of the round file */
    const char *engine;       /* "cjos 1.0.0" */
    const char *glpk;         /* GLPK's version */
    bool pseudonyms;          /* staff are shown by pseudonym */
} cj_plan_meta;

/*
 * Reads the file at `path` ("-": standard input), at most `max_input` bytes
 * (0: the default).  Returns a new buffer the caller frees, its length in
 * *len and, when `sha256_hex` is not NULL, its digest as 64 hex digits.  On
 * failure returns NULL with a finding (CJ_ERR_READ) in `errs`.
 */
char *cj_file_read(const char *path, size_t max_input, size_t *len, char sha256_hex[65],
                   cj_errors *errs);

/*
 * Parses and validates a round from `len` bytes.  Returns CJ_OK and a new
 * validated round in *out (the caller frees it), or CJ_ERR_INPUT with every
 * finding in `errs`, each with its JSON path and, where the text has it, line
 * and column; *out is then NULL.
 */
cj_code cj_round_parse(const char *buf, size_t len, cj_round **out, cj_errors *errs);

/*
 * Writes `len` bytes to `path` ("-": standard output) through a temporary
 * file in the same folder, flushed and renamed into place, so the file is
 * whole or untouched.  Refuses to write over `input_path` (may be NULL).
 * Returns CJ_OK or CJ_ERR_WRITE with a finding.  `private_data` makes the
 * file readable by its owner only.
 */
cj_code cj_file_write(const char *path, const char *input_path, const char *buf,
                      size_t len, bool private_data, cj_errors *errs);

/* Renders a plan; returns a new NUL-terminated buffer (caller frees) or NULL
 * when out of memory.  `lang` ("nl", the default, or "en") is for HTML. */
char *cj_plan_render(const cj_round *r, const cj_plan *p, const cj_plan_meta *meta,
                     cj_out_format fmt, const char *lang, size_t *len);

/* Renders the shortlists of a selection, as SPEC §2 and docs/shortlist.md
 * describe them; a new buffer the caller frees, or NULL.  `see_school` and
 * `see_provider` (NULL: all) limit it to what an audience may see. */
char *cj_shortlist_render(const cj_round *r, const cj_selection *sel, cj_out_format fmt,
                          const bool *see_school, const bool *see_provider, size_t *len);

/* One run of a command, as the command line asked for it. */
typedef struct {
    const char *input;  /* round file, "-" for standard input */
    const char *output; /* NULL or "-" for standard output */
    cj_out_format format;
    size_t max_input; /* bytes; 0: CJ_MAX_INPUT_DEFAULT */
    cj_solve_options solve;
    /* scores template / import */
    const char *sheet; /* the filled sheet to import */
    char separator;    /* ',' or ';'; 0: detect (import) or ',' (template) */
    bool in_place;     /* write over the round, keeping ROUND.json.bak */
    /* decide */
    const char *school;
    const char **choose, **exclude;
    size_t n_choose, n_exclude;
    /* reasons */
    const char *plan;
    const char *lang; /* "nl" (default) or "en" */
    /* alternatives */
    size_t k;
    /* who the output is for: "procurement" (NULL), "school:ID", "provider:ID" */
    const char *audience;
    /* validate: also solve, and say why when no plan exists */
    bool deep;
    /* whatif: the --vary specs, an SVG chart to write, progress reports */
    const char **vary;
    size_t n_vary;
    const char *chart;
    void (*progress)(size_t done, size_t total);
    /* staff by pseudonym (SPEC §6), under `salt` or a fresh secret one */
    bool pseudonymize;
    const char *salt;
} cj_command;

/*
 * The commands, from file to file.  `validate` with `deep` also solves the
 * round and sets *status (else *status is CJ_PLAN_OPTIMAL).  Each returns CJ_OK or the
 * code of the failure, and leaves every finding (errors and warnings, in order) in `errs`
 * for the caller to print.  Nothing is written unless the input is valid.
 */
cj_code cj_command_validate(const cj_command *c, cj_plan_status *status, cj_errors *errs);
/* Also sets *status to the plan's status when a plan was written. */
cj_code cj_command_solve(const cj_command *c, cj_plan_status *status, cj_errors *errs);
cj_code cj_command_shortlist(const cj_command *c, cj_errors *errs);
/* Writes the score-sheet template of the round (CSV). */
cj_code cj_command_scores_template(const cj_command *c, cj_errors *errs);
/* Reads a filled sheet into the round's scores and writes the new round. */
cj_code cj_command_scores_import(const cj_command *c, cj_errors *errs);
/* Records a school's choices and exclusions and writes the new round. */
cj_code cj_command_decide(const cj_command *c, cj_errors *errs);
/* The K best plans that differ in at least one school's providers (or in
 * those of `school`). */
cj_code cj_command_alternatives(const cj_command *c, cj_errors *errs);
/* Compares the plans `input` (A) and `plan` (B). */
cj_code cj_command_compare(const cj_command *c, cj_errors *errs);
/* The price of each binding rule and the tipping points (docs/whatif.md). */
cj_code cj_command_explain(const cj_command *c, cj_errors *errs);
/* A what-if sweep over the --vary grid (docs/whatif.md). */
cj_code cj_command_whatif(const cj_command *c, cj_errors *errs);
/* Explains a plan school by school, in Dutch or English. */
cj_code cj_command_reasons(const cj_command *c, cj_errors *errs);

/* SHA-256 of `len` bytes as 64 lowercase hex digits and a NUL. */
/* SHA-256 of `len` bytes, the 32 bytes of the digest. */
void cj_sha256(const void *data, size_t len, unsigned char out[32]);
void cj_sha256_hex(const void *data, size_t len, char out[65]);

#endif
