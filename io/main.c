/*
 * cjos: the command line.  Parses arguments, runs one command of the library,
 * prints its findings and maps the result to an exit code (SPEC §5).  The
 * only place that prints errors or chooses how the process ends.
 */
/* sbrk, madvise and MADV_HUGEPAGE (heap_on_a_huge_page) */
#define _DEFAULT_SOURCE
#include "io.h"

#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#include <stdint.h>
#include <sys/mman.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef CJOS_VERSION
#define CJOS_VERSION "0"
#endif

enum {
    EXIT_NO_PLAN = 1,
    EXIT_USAGE = 64,
    EXIT_DATAERR = 65,
    EXIT_NOINPUT = 66,
    EXIT_SOFTWARE = 70,
    EXIT_CANTCREAT = 73
};

static const char *const usage_main =
    "usage: cjos COMMAND [OPTIONS] ROUND.json\n"
    "\n"
    "Plans collective youth care at special schools: which providers work at\n"
    "which school, with how much staff (FTE), within the amounts.\n"
    "\n"
    "commands:\n"
    "  validate         check a round file and list every error in it\n"
    "  solve            compute the optimal assignment plan\n"
    "  shortlist        rank providers per interview group and list the invitations\n"
    "  scores template  write a score sheet (CSV) for the scorers\n"
    "  scores import    read a filled score sheet into the round\n"
    "  decide           record a school's choice of providers in the round\n"
    "  reasons          explain a plan school by school (award reasons)\n"
    "  alternatives     the K best plans that really differ\n"
    "  compare          two plans school by school\n"
    "  whatif           a sweep over FTE estimates, amounts, capacities, policy\n"
    "  explain          what each binding rule costs, and the tipping points\n"
    "\n"
    "options:\n"
    "  -h, --help     show this help, or a command's with 'cjos COMMAND --help'\n"
    "  -V, --version  show the version of cjos and GLPK\n"
    "\n"
    "exit codes: 0 done, 1 no feasible plan (the plan says why), 64 usage,\n"
    "65 invalid input, 66 input cannot be read, 70 internal error,\n"
    "73 output cannot be written.\n";

#define COMMON_OPTS                                                                      \
    "      --max-input BYTES  refuse larger inputs (default 64 MiB)\n"                   \
    "  -h, --help             show this help\n"
#define OUTPUT_OPT                                                                       \
    "  -o, --output FILE      write to FILE ('-': standard output, the default)\n"
#define PSEUDONYM_OPT                                                                    \
    "      --pseudonymize     show staff by pseudonym, not by id (a secret salt is\n"    \
    "                         made for this run and not written anywhere)\n"             \
    "      --salt SECRET      pseudonyms under this salt: the same person gets the\n"    \
    "                         same pseudonym in every run with it\n"
#define AUDIENCE_OPT                                                                     \
    "      --audience WHO     procurement (everything, the default), school:ID (that\n"  \
    "                         school's plan, shortlist and scores) or provider:ID\n"     \
    "                         (its own assignments and scores)\n"

static const char *const usage_validate =
    "usage: cjos validate [OPTIONS] ROUND.json\n"
    "\n"
    "Checks the round against the cjos-round/1 format and prints every error as\n"
    "FILE:LINE:COL: error: $.path: message. Exit 0 when valid, 65 when not.\n"
    "Warnings (such as an incumbent that is not eligible) do not fail.\n"
    "\n"
    "      --deep             also solve the round; when no plan exists, say why and\n"
    "                         what smallest change would give one (exit 1)\n"
    "  -t, --time-limit SECS  for --deep (default 600, 0 for none)\n" COMMON_OPTS;

static const char *const usage_solve =
    "usage: cjos solve [OPTIONS] ROUND.json\n"
    "\n"
    "Builds the model of the round, solves it to proven optimality with GLPK and\n"
    "writes the plan. Exit 0 with a plan (optimal, or feasible when a limit\n"
    "stopped the search), 1 when no plan exists (the plan then says why).\n"
    "\n" OUTPUT_OPT "  -f, --format FORMAT    json (default), md, csv or html\n"
    "      --lang LANG        labels of the HTML report: nl (default) or en\n"
    "  -t, --time-limit SECS  stop after SECS seconds with the best plan found\n"
    "                         (status 'feasible', with its gap); default 600,\n"
    "                         0 for none. A limit that stops the search before\n"
    "                         any plan leaves a plan put together block by\n"
    "                         block, or up to half as long again for a quick\n"
    "                         search for a better first one\n"
    "      --node-limit N     stop after N nodes of branch and bound in all, the\n"
    "                         same way; unlike seconds, the same round stops at\n"
    "                         the same plan on every machine\n"
    "      --memory-limit MIB stop the same way once GLPK holds more than MIB\n"
    "                         MiB (its model and search tree); default 1024\n"
    "      --gap GAP          stop the same way once the best plan is proven\n"
    "                         within GAP of the optimum: a fraction (0.001) or a\n"
    "                         percentage (0.1%); default 0, the optimum itself\n"
    "      --write-lp FILE    also write the model as built, in CPLEX LP format\n"
    "      --write-mps FILE   also write the model as built, in free MPS format\n"
    "  -v, --verbose          show GLPK's progress on standard error\n"
    "  -q, --quiet            do not print warnings\n" PSEUDONYM_OPT AUDIENCE_OPT
        COMMON_OPTS;

static const char *const usage_shortlist =
    "usage: cjos shortlist [OPTIONS] ROUND.json\n"
    "\n"
    "Ranks the providers of each interview group by group score and lists the\n"
    "invitations (SPEC section 2), ties at the cut-off included, and for each\n"
    "provider not invited its rank and how far it is below the cut-off.\n"
    "\n" OUTPUT_OPT
    "  -f, --format FORMAT    json (default), md or csv\n" AUDIENCE_OPT COMMON_OPTS;

static const char *const usage_scores =
    "usage: cjos scores template [OPTIONS] ROUND.json\n"
    "       cjos scores import [OPTIONS] ROUND.json SHEET.csv\n"
    "\n"
    "template writes one row per admitted (provider, school) pair, with an empty\n"
    "column per topic and one for the interview score. import reads the filled\n"
    "sheet back into the round's scores: a comma- or semicolon-separated file,\n"
    "with decimal points or (semicolons only) decimal commas, UTF-8 with or\n"
    "without BOM; rows with no score are left out. Every cell is checked\n"
    "(SHEET.csv:ROW:COL: error: ...); on any error nothing is written (exit 65).\n"
    "\n" OUTPUT_OPT
    "      --separator C      ',' or ';' (template: ',' by default; import: detected)\n"
    "      --in-place         import: write over ROUND.json, keeping "
    "ROUND.json.bak\n" COMMON_OPTS;

static const char *const usage_decide =
    "usage: cjos decide [OPTIONS] ROUND.json --school ID --choose P [--choose Q]\n"
    "                   [--exclude R ...]\n"
    "\n"
    "Records a school's choice in the round's decisions: chosen providers must\n"
    "be in the plan, excluded ones may not. Only pairs with a score, and at most\n"
    "the school's maximum number of providers. Writes the new round.\n"
    "\n"
    "  -s, --school ID        the school\n"
    "  -c, --choose P         a provider the school chooses (at most its maximum)\n"
    "  -x, --exclude R        a provider the school excludes\n" OUTPUT_OPT
    "      --in-place         write over ROUND.json, keeping "
    "ROUND.json.bak\n" COMMON_OPTS;

static const char *const usage_reasons =
    "usage: cjos reasons [OPTIONS] ROUND.json PLAN.json\n"
    "\n"
    "Explains the plan per school: each provider's scores per topic, how it\n"
    "compares with the other invited providers, and which rules kept\n"
    "higher-scoring providers out, with what forcing them in would cost.\n"
    "\n"
    "  -s, --school ID        only this school\n"
    "      --lang LANG        nl (default) or en\n" OUTPUT_OPT
    "      --audience WHO     procurement (the default) or school:ID\n"
    "  -t, --time-limit SECS  per solve of a provider forced in (default "
    "600)\n"
    "      --node-limit N     the same in GLPK's nodes (as for solve)\n"
    "      --memory-limit MIB as for solve (default 1024)\n" COMMON_OPTS;

static const char *const usage_alternatives =
    "usage: cjos alternatives [OPTIONS] ROUND.json\n"
    "\n"
    "The K best plans that really differ: each differs from all earlier ones in\n"
    "the providers of at least one school (or of the school given), each with\n"
    "its objective and its gap to the best. Deterministic.\n"
    "\n"
    "  -k K                   how many plans (default 3)\n"
    "  -s, --school ID        plans must differ at this school\n" OUTPUT_OPT
    "  -f, --format FORMAT    json (default), md, csv or html\n"
    "      --lang LANG        labels of the HTML report: nl (default) or en\n"
    "  -t, --time-limit SECS  per plan (default 600, 0 for none)\n"
    "      --node-limit N     per plan, in GLPK's nodes (as for solve)\n"
    "      --memory-limit MIB as for solve (default 1024)\n" PSEUDONYM_OPT AUDIENCE_OPT
        COMMON_OPTS;

static const char *const usage_compare =
    "usage: cjos compare [OPTIONS] A.json B.json\n"
    "\n"
    "Compares two plans school by school: providers added and dropped, FTE and\n"
    "cost changes, scores; cluster and provider totals; the objective change.\n"
    "\n" OUTPUT_OPT "  -f, --format FORMAT    json (default), md, csv or html\n"
    "      --lang LANG        labels of the HTML report: nl (default) or "
    "en\n" COMMON_OPTS;

static const char *const usage_whatif =
    "usage: cjos whatif [OPTIONS] ROUND.json --vary PATH=FROM:TO:STEP [--vary ...]\n"
    "\n"
    "Solves the round for every combination of the varied numbers and lists, per\n"
    "scenario, its status, objective, total FTE and cost, and the schools whose\n"
    "providers change against the plan of the round as it is. PATH is one of\n"
    "clusters.ID.fte.min|fte.max|annual_amount, schools.ID.annual_amount|fte.min|\n"
    "fte.max|providers.min|providers.max, providers.ID.fte_capacity|cost_per_fte|\n"
    "max_schools, policy.providers_per_school.min|max, policy.min_fte_per_assignment,\n"
    "policy.interview_weight, policy.continuity_bonus, policy.coverage_penalty.\n"
    "\n"
    "      --vary SPEC        e.g. clusters.c4.fte.max=3:4:0.25 (at most 10000 "
    "scenarios)\n" OUTPUT_OPT "  -f, --format FORMAT    json (default), md or csv\n"
    "      --chart FILE.svg   the objective and total FTE against the varied number\n"
    "      --lang LANG        labels of the chart: nl (default) or en\n"
    "  -t, --time-limit SECS  per scenario (default 600, 0 for none)\n"
    "      --node-limit N     per scenario, in GLPK's nodes (as for solve)\n"
    "      --memory-limit MIB as for solve (default 1024)\n"
    "      --gap GAP          per scenario, as for solve (default 0)\n" COMMON_OPTS;

static const char *const usage_explain =
    "usage: cjos explain [OPTIONS] ROUND.json\n"
    "\n"
    "For every rule that binds in the optimal plan (a cluster's FTE bound, an\n"
    "amount, a capacity, a provider-count rule, required expertise, a decision,\n"
    "the continuity requirement) the objective gained when it is relaxed by one\n"
    "unit and when it is dropped, each by solving the round again; and per school\n"
    "its tipping point: the smallest change of one provider's written score (down\n"
    "for a provider in the plan, up for one left out) that changes its providers.\n"
    "\n" OUTPUT_OPT "  -f, --format FORMAT    md (default) or json\n"
    "  -t, --time-limit SECS  per solve (default 600, 0 for none)\n"
    "      --node-limit N     per solve, in GLPK's nodes (as for solve)\n"
    "      --memory-limit MIB as for solve (default 1024)\n" COMMON_OPTS;

enum {
    OPT_LP = 256,
    OPT_MPS,
    OPT_MAX_INPUT,
    OPT_SEP,
    OPT_IN_PLACE,
    OPT_LANG,
    OPT_AUDIENCE,
    OPT_DEEP,
    OPT_VARY,
    OPT_CHART,
    OPT_PSEUDO,
    OPT_SALT,
    OPT_NODES,
    OPT_MEMORY,
    OPT_GAP
};

static const struct option long_opts[] = {
    {"output", required_argument, NULL, 'o'},
    {"format", required_argument, NULL, 'f'},
    {"time-limit", required_argument, NULL, 't'},
    {"node-limit", required_argument, NULL, OPT_NODES},
    {"memory-limit", required_argument, NULL, OPT_MEMORY},
    {"gap", required_argument, NULL, OPT_GAP},
    {"write-lp", required_argument, NULL, OPT_LP},
    {"write-mps", required_argument, NULL, OPT_MPS},
    {"max-input", required_argument, NULL, OPT_MAX_INPUT},
    {"separator", required_argument, NULL, OPT_SEP},
    {"in-place", no_argument, NULL, OPT_IN_PLACE},
    {"school", required_argument, NULL, 's'},
    {"choose", required_argument, NULL, 'c'},
    {"exclude", required_argument, NULL, 'x'},
    {"lang", required_argument, NULL, OPT_LANG},
    {"audience", required_argument, NULL, OPT_AUDIENCE},
    {"deep", no_argument, NULL, OPT_DEEP},
    {"vary", required_argument, NULL, OPT_VARY},
    {"chart", required_argument, NULL, OPT_CHART},
    {"pseudonymize", no_argument, NULL, OPT_PSEUDO},
    {"salt", required_argument, NULL, OPT_SALT},
    {"verbose", no_argument, NULL, 'v'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

typedef enum {
    VALIDATE,
    SOLVE,
    SHORTLIST,
    TEMPLATE,
    IMPORT,
    DECIDE,
    REASONS,
    ALTERNATIVES,
    COMPARE,
    WHATIF,
    EXPLAIN
} command;

/* Which options each command takes, as the letters of its short options and
 * L (LP/MPS), M (max input), S (separator), I (in place), G (language),
 * A (audience), D (deep), W (vary), C (chart), P (pseudonyms), N (node limit),
 * R (memory limit), Y (gap limit). */
static const struct {
    const char *name, *sub, *help, *opts;
    command cmd;
    int files; /* positional arguments */
} commands[] = {
    {"validate", NULL, usage_validate, "MDt", VALIDATE, 1},
    {"solve", NULL, usage_solve, "oftNRYvqLMGAP", SOLVE, 1},
    {"shortlist", NULL, usage_shortlist, "ofMA", SHORTLIST, 1},
    {"scores", "template", usage_scores, "oMS", TEMPLATE, 1},
    {"scores", "import", usage_scores, "oMSI", IMPORT, 2},
    {"decide", NULL, usage_decide, "scxoMI", DECIDE, 1},
    {"reasons", NULL, usage_reasons, "sotNRMGA", REASONS, 2},
    {"alternatives", NULL, usage_alternatives, "ksoftNRMGAP", ALTERNATIVES, 1},
    {"compare", NULL, usage_compare, "ofMG", COMPARE, 2},
    {"whatif", NULL, usage_whatif, "oftNRYMWCG", WHATIF, 1},
    {"explain", NULL, usage_explain, "oftNRM", EXPLAIN, 1},
};

static int usage_error(const char *cmd, const char *fmt, const char *arg) {
    fprintf(stderr, "cjos: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\ntry 'cjos %s%s--help'\n", cmd ? cmd : "", cmd ? " " : "");
    return EXIT_USAGE;
}

static int exit_code(cj_code code) {
    switch (code) {
    case CJ_OK:
        return 0;
    case CJ_ERR_USAGE:
        return EXIT_USAGE;
    case CJ_ERR_INPUT:
        return EXIT_DATAERR;
    case CJ_ERR_READ:
        return EXIT_NOINPUT;
    case CJ_ERR_WRITE:
        return EXIT_CANTCREAT;
    default:
        return EXIT_SOFTWARE;
    }
}

/* FILE:LINE:COL: error: $.path: message, with what is known of each part. */
static void print_findings(const char *file, const cj_errors *errs, bool warnings) {
    enum { MOST = 500 }; /* a broken generator can make millions: show enough to act on */
    size_t shown = 0;
    for (size_t i = 0; i < errs->n; i++) {
        const cj_error *e = &errs->v[i];
        if (e->warning && !warnings)
            continue;
        if (shown++ == MOST) {
            fprintf(stderr, "cjos: %zu more findings not shown\n", errs->n - i);
            break;
        }
        const char *kind = e->code == CJ_OK ? "note" : e->warning ? "warning" : "error";
        if (e->code != CJ_ERR_INPUT && e->code != CJ_OK) {
            fprintf(stderr, "cjos: %s%s\n", e->warning ? "warning: " : "", e->message);
            continue;
        }
        const char *f = e->file ? e->file : file;
        if (e->line > 0)
            fprintf(stderr, "%s:%d:%d: %s: ", f, e->line, e->column, kind);
        else
            fprintf(stderr, "%s: %s: ", f, kind);
        if (e->path)
            fprintf(stderr, "%s: ", e->path);
        fprintf(stderr, "%s\n", e->message);
    }
}

/* Progress of a long command, on a terminal only. */
static void progress(size_t done, size_t total) {
    fprintf(stderr, "\rcjos: %zu of %zu%s", done, total, done == total ? "\n" : "");
}

static bool parse_format(const char *s, cj_out_format *f) {
    if (strcmp(s, "json") == 0)
        *f = CJ_OUT_JSON;
    else if (strcmp(s, "md") == 0 || strcmp(s, "markdown") == 0)
        *f = CJ_OUT_MD;
    else if (strcmp(s, "csv") == 0)
        *f = CJ_OUT_CSV;
    else if (strcmp(s, "html") == 0)
        *f = CJ_OUT_HTML;
    else
        return false;
    return true;
}

static bool parse_number(const char *s, double *out) {
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || !(v >= 0) || v > 1e12)
        return false;
    *out = v;
    return true;
}

/* A gap limit as a fraction (0.001) or a percentage (0.1%), below 1: a plan
 * within 100% of the optimum promises nothing a reader could use. */
static bool parse_gap(const char *s, double *out) {
    size_t n = strlen(s);
    bool percent = n > 1 && s[n - 1] == '%';
    char digits[64];
    if (n >= sizeof digits)
        return false;
    memcpy(digits, s, n + 1);
    if (percent)
        digits[n - 1] = '\0';
    double v;
    if (!parse_number(digits, &v))
        return false;
    if (percent)
        v /= 100;
    if (!(v < 1))
        return false;
    *out = v;
    return true;
}

/* The option letter as the command table spells it. */
static char spelled(int ch) {
    switch (ch) {
    case OPT_LP:
    case OPT_MPS:
        return 'L';
    case OPT_MAX_INPUT:
        return 'M';
    case OPT_SEP:
        return 'S';
    case OPT_IN_PLACE:
        return 'I';
    case OPT_LANG:
        return 'G';
    case OPT_AUDIENCE:
        return 'A';
    case OPT_DEEP:
        return 'D';
    case OPT_VARY:
        return 'W';
    case OPT_CHART:
        return 'C';
    case OPT_PSEUDO:
    case OPT_SALT:
        return 'P';
    case OPT_NODES:
        return 'N';
    case OPT_MEMORY:
        return 'R';
    case OPT_GAP:
        return 'Y';
    default:
        return (char)ch;
    }
}

#ifdef __GLIBC__
/* The bytes of heap put on huge pages: the bundled round uses 0.6 MiB. */
#define HUGE_HEAP ((size_t)4 << 20)
#define HUGE_PAGE ((uintptr_t)2 << 20)

/*
 * Puts the heap's first HUGE_HEAP bytes on transparent huge pages.  On a
 * virtual machine each page first touched can cost a fault of some 11 us;
 * a 2 MiB huge page is one fault (measured on the project's machine: the
 * bundled round took 190 faults and 4.9-6.6 ms median, with this 79 and
 * 4.3-4.9 ms in the same runs; docs/performance-record.md).
 * The kernel gives one where it is asked to (MADV_HUGEPAGE) and no page of
 * the aligned range is in use yet, but malloc writes a header where it
 * grows the heap.  So the break is moved to one page below a 2 MiB boundary,
 * malloc grows the heap past the range for a block that covers it (its
 * headers fall outside), the range is marked, and the block is freed:
 * what is allocated next lies in the range.  Where a step fails the heap
 * is left as malloc has it, and where the kernel has no huge pages to give
 * it faults as before.  Returns nothing: it only makes the process faster.
 */
static void heap_on_a_huge_page(void) {
    long page = sysconf(_SC_PAGESIZE);
    free(malloc(64)); /* the heap exists */
    uintptr_t top = (uintptr_t)sbrk(0);
    uintptr_t from = (top + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    if (from - (uintptr_t)page < top)
        from += HUGE_PAGE;
    if (page <= 0 || top == (uintptr_t)-1 ||
        sbrk((intptr_t)(from - (uintptr_t)page - top)) == (void *)-1)
        return;
    /* from the heap, not a mapping of its own, for this one block */
    mallopt(M_MMAP_THRESHOLD, (int)(2 * HUGE_HEAP));
    void *cover = malloc(HUGE_HEAP + ((size_t)256 << 10));
    mallopt(M_MMAP_THRESHOLD, 128 << 10); /* glibc's default */
    if (cover && (uintptr_t)sbrk(0) >= from + HUGE_HEAP)
        madvise((void *)from, HUGE_HEAP, MADV_HUGEPAGE);
    free(cover);
}
#endif

int main(int argc, char **argv) {
#ifdef __GLIBC__
    /* GLPK allocates and frees its work arrays at every node and every
     * simplex call.  With glibc's defaults the freed top of the heap goes
     * back to the kernel and is taken again thousands of times a second; on
     * 100 x 60 the page faults cost 45% of the solve (33 s against 18 s).
     * Keeping up to this much freed memory for reuse does not raise the
     * peak RSS, which is the high-water mark either way. */
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    mallopt(M_TOP_PAD, 4 << 20);
#endif
    static const struct option top[] = {{"help", no_argument, NULL, 'h'},
                                        {"version", no_argument, NULL, 'V'},
                                        {NULL, 0, NULL, 0}};
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, "+hV", top, NULL)) != -1) {
        if (ch == 'h') {
            fputs(usage_main, stdout);
            return 0;
        }
        if (ch == 'V') {
            printf("cjos %s (GLPK %s)\n", CJOS_VERSION, cj_solver_glpk_version());
            return 0;
        }
        return usage_error(NULL, "unknown option '%s'", argv[optind - 1]);
    }
    if (optind >= argc) {
        fputs(usage_main, stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[optind];
    const char *sub = optind + 1 < argc ? argv[optind + 1] : "";
    int k = -1;
    for (int i = 0; i < (int)(sizeof commands / sizeof *commands) && k < 0; i++)
        if (strcmp(commands[i].name, name) == 0 &&
            (!commands[i].sub || strcmp(commands[i].sub, sub) == 0 ||
             (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0)))
            k = i;
    if (k < 0 && strcmp(name, "scores") == 0)
        return usage_error(name, "'scores' needs 'template' or 'import', not '%s'", sub);
    if (k < 0)
        return usage_error(NULL, "unknown command '%s'", name);
    int skip = commands[k].sub && strcmp(commands[k].sub, sub) == 0 ? 1 : 0;
    const char *opts = commands[k].opts;
    command cmd = commands[k].cmd;
#ifdef __GLIBC__
    heap_on_a_huge_page(); /* not for --version and --help, which use none */
#endif

    cj_command c = {0};
    bool format_given = false;
    c.solve.time_limit = CJ_DEFAULT_TIME_LIMIT;
    c.solve.memory_limit = CJ_DEFAULT_MEMORY_LIMIT;
    bool quiet = false;
    const char **choose = calloc((size_t)argc, sizeof *choose);
    const char **exclude = calloc((size_t)argc, sizeof *exclude);
    const char **vary = calloc((size_t)argc, sizeof *vary);
    if (!choose || !exclude || !vary)
        return EXIT_SOFTWARE;
    c.vary = vary;
    if (isatty(STDERR_FILENO))
        c.progress = progress;
    c.choose = choose;
    c.exclude = exclude;
    int sub_argc = argc - optind - skip;
    char **sub_argv = argv + optind + skip;
    optind = 0; /* restart getopt for the command's own options */
    int rc = -1;
    while (rc < 0 && (ch = getopt_long(sub_argc, sub_argv, ":o:f:t:s:c:x:k:vqh",
                                       long_opts, NULL)) != -1) {
        double v;
        if (ch == 'h') {
            fputs(commands[k].help, stdout);
            rc = 0;
            break;
        }
        if (ch == ':') {
            rc = usage_error(name, "option '%s' needs a value", sub_argv[optind - 1]);
            break;
        }
        if (ch == '?') {
            rc = usage_error(name, "unknown option '%s'", sub_argv[optind - 1]);
            break;
        }
        if (!strchr(opts, spelled(ch))) {
            /* the option as typed: the word before its value when that
             * came as a word of its own ("-t 5", not "-t5") */
            bool apart = optarg && optind >= 2 && optarg == sub_argv[optind - 1];
            rc = usage_error(name, "option '%s' does not apply here",
                             sub_argv[optind - (apart ? 2 : 1)]);
            break;
        }
        switch (ch) {
        case 'o':
            c.output = optarg;
            break;
        case 'f':
            format_given = true;
            if (!parse_format(optarg, &c.format) ||
                (c.format == CJ_OUT_HTML && cmd == SHORTLIST))
                rc = usage_error(name,
                                 "unknown format '%s': use json, md or csv (or html for "
                                 "solve, alternatives and compare)",
                                 optarg);
            break;
        case 't':
            if (!parse_number(optarg, &v))
                rc = usage_error(name, "bad time limit '%s': give seconds", optarg);
            c.solve.time_limit = v;
            break;
        case 's':
            c.school = optarg;
            break;
        case 'k':
            if (!parse_number(optarg, &v) || v < 1 || v > 1000 || v != (size_t)v)
                rc = usage_error(name, "bad -k '%s': give a whole number from 1 to 1000",
                                 optarg);
            c.k = (size_t)v;
            break;
        case 'c':
            choose[c.n_choose++] = optarg;
            break;
        case 'x':
            exclude[c.n_exclude++] = optarg;
            break;
        case 'v':
            c.solve.verbose = true;
            break;
        case 'q':
            quiet = true;
            break;
        case OPT_LP:
            c.solve.write_lp = optarg;
            break;
        case OPT_MPS:
            c.solve.write_mps = optarg;
            break;
        case OPT_MAX_INPUT:
            if (!parse_number(optarg, &v) || v < 1)
                rc = usage_error(name, "bad input limit '%s': give bytes", optarg);
            c.max_input = (size_t)v;
            break;
        case OPT_SEP:
            if (strcmp(optarg, ",") != 0 && strcmp(optarg, ";") != 0)
                rc = usage_error(name, "bad separator '%s': use ',' or ';'", optarg);
            c.separator = optarg[0];
            break;
        case OPT_IN_PLACE:
            c.in_place = true;
            break;
        case OPT_AUDIENCE:
            c.audience = optarg;
            break;
        case OPT_DEEP:
            c.deep = true;
            break;
        case OPT_VARY:
            vary[c.n_vary++] = optarg;
            break;
        case OPT_CHART:
            c.chart = optarg;
            break;
        case OPT_PSEUDO:
            c.pseudonymize = true;
            break;
        case OPT_NODES:
            if (!parse_number(optarg, &v) || v < 1 || v > 2e9 || v != (long)v)
                rc = usage_error(
                    name, "bad node limit '%s': give a whole number of nodes", optarg);
            else
                c.solve.node_limit = (long)v;
            break;
        case OPT_MEMORY:
            /* below GLPK's hard limit, which ends a solve with an error */
            if (!parse_number(optarg, &v) || v < 1 || v >= CJ_GLPK_MEMORY_MB ||
                v != (long)v)
                rc = usage_error(name,
                                 "bad memory limit '%s': give a whole number of MiB "
                                 "from 1 to 8191",
                                 optarg);
            else
                c.solve.memory_limit = (long)v;
            break;
        case OPT_GAP:
            if (!parse_gap(optarg, &v))
                rc = usage_error(name,
                                 "bad gap '%s': give a fraction below 1 (0.001) or a "
                                 "percentage below 100 (0.1%%)",
                                 optarg);
            else
                c.solve.gap_limit = v;
            break;
        case OPT_SALT:
            if (!*optarg)
                rc = usage_error(name, "empty salt%s: give a secret of your own", "");
            c.salt = optarg;
            break;
        case OPT_LANG:
            if (strcmp(optarg, "nl") != 0 && strcmp(optarg, "en") != 0)
                rc = usage_error(name, "unknown language '%s': use nl or en", optarg);
            c.lang = optarg;
            break;
        }
    }
    int files = commands[k].files;
    if (rc < 0 && sub_argc - optind < files)
        rc = usage_error(name, "%s",
                         cmd == IMPORT    ? "missing ROUND.json or SHEET.csv"
                         : cmd == COMPARE ? "missing A.json or B.json"
                         : files == 2     ? "missing ROUND.json or PLAN.json"
                                          : "missing ROUND.json");
    if (rc < 0 && sub_argc - optind > files)
        rc = usage_error(name, "unexpected argument '%s'", sub_argv[optind + files]);
    if (rc < 0 && cmd == DECIDE && (!c.school || c.n_choose + c.n_exclude == 0))
        rc = usage_error(name, "%s",
                         "decide needs --school and at least one --choose or --exclude");
    if (rc < 0 && c.in_place && c.output)
        rc = usage_error(name, "%s", "give --in-place or --output, not both");
    if (rc < 0 && cmd == WHATIF && c.n_vary == 0)
        rc =
            usage_error(name, "%s", "whatif needs at least one --vary PATH=FROM:TO:STEP");
    if (rc >= 0) {
        free(choose);
        free(exclude);
        free(vary);
        return rc;
    }
    c.input = sub_argv[optind];
    if (cmd == EXPLAIN && !format_given)
        c.format = CJ_OUT_MD; /* explanations are read by people first */
    if (files == 2) {
        c.sheet = sub_argv[optind + 1];
        c.plan = sub_argv[optind + 1];
    }

    cj_errors errs = {0};
    cj_plan_status status = CJ_PLAN_OPTIMAL;
    cj_code code;
    switch (cmd) {
    case SOLVE:
        code = cj_command_solve(&c, &status, &errs);
        break;
    case SHORTLIST:
        code = cj_command_shortlist(&c, &errs);
        break;
    case TEMPLATE:
        code = cj_command_scores_template(&c, &errs);
        break;
    case IMPORT:
        code = cj_command_scores_import(&c, &errs);
        break;
    case DECIDE:
        code = cj_command_decide(&c, &errs);
        break;
    case REASONS:
        code = cj_command_reasons(&c, &errs);
        break;
    case ALTERNATIVES:
        code = cj_command_alternatives(&c, &errs);
        break;
    case COMPARE:
        code = cj_command_compare(&c, &errs);
        break;
    case WHATIF:
        code = cj_command_whatif(&c, &errs);
        break;
    case EXPLAIN:
        code = cj_command_explain(&c, &errs);
        break;
    default:
        code = cj_command_validate(&c, &status, &errs);
    }
    print_findings(c.input, &errs, !quiet);
    cj_errors_clear(&errs);
    free(choose);
    free(exclude);
    free(vary);
    if (code == CJ_OK && (cmd == SOLVE || cmd == VALIDATE) && status != CJ_PLAN_OPTIMAL &&
        status != CJ_PLAN_FEASIBLE)
        return EXIT_NO_PLAN;
    return exit_code(code);
}
