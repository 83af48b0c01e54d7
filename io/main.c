/*
 * cjos: the command line.  Parses arguments, runs one command of the library,
 * prints its findings and maps the result to an exit code (SPEC §5).  The
 * only place that prints errors or chooses how the process ends.
 */
#include "io.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    "  validate   check a round file and list every error in it\n"
    "  solve      compute the optimal assignment plan\n"
    "  shortlist  rank providers per interview group and list the invitations\n"
    "\n"
    "options:\n"
    "  -h, --help     show this help, or a command's with 'cjos COMMAND --help'\n"
    "  -V, --version  show the version of cjos and GLPK\n"
    "\n"
    "exit codes: 0 done, 1 no feasible plan (the plan says why), 64 usage,\n"
    "65 invalid round, 66 round cannot be read, 70 internal error,\n"
    "73 output cannot be written.\n";

static const char *const usage_validate =
    "usage: cjos validate [OPTIONS] ROUND.json\n"
    "\n"
    "Checks the round against the cjos-round/1 format and prints every error as\n"
    "FILE:LINE:COL: error: $.path: message. Exit 0 when valid, 65 when not.\n"
    "Warnings (such as an incumbent that is not eligible) do not fail.\n"
    "\n"
    "  --max-input BYTES  refuse larger inputs (default 64 MiB)\n"
    "  -h, --help         show this help\n";

static const char *const usage_solve =
    "usage: cjos solve [OPTIONS] ROUND.json\n"
    "\n"
    "Builds the model of the round, solves it to proven optimality with GLPK and\n"
    "writes the plan. Exit 0 with a plan (optimal, or feasible when a limit\n"
    "stopped the search), 1 when no plan exists (the plan then says why).\n"
    "\n"
    "  -o, --output FILE      write the plan to FILE ('-': standard output, the default)\n"
    "  -f, --format FORMAT    json (default), md or csv\n"
    "  -t, --time-limit SECS  stop after SECS seconds with the best plan found\n"
    "                         (status 'feasible', with its gap); default: no limit\n"
    "      --write-lp FILE    also write the model as built, in CPLEX LP format\n"
    "      --write-mps FILE   also write the model as built, in free MPS format\n"
    "  -v, --verbose          show GLPK's progress on standard error\n"
    "  -q, --quiet            do not print warnings\n"
    "      --max-input BYTES  refuse larger inputs (default 64 MiB)\n"
    "  -h, --help             show this help\n";

static const char *const usage_shortlist =
    "usage: cjos shortlist [OPTIONS] ROUND.json\n"
    "\n"
    "Ranks the providers of each interview group by group score and lists the\n"
    "invitations (SPEC section 2), ties at the cut-off included.\n"
    "\n"
    "  -o, --output FILE      write to FILE ('-': standard output, the default)\n"
    "  -f, --format FORMAT    json (default), md or csv\n"
    "      --max-input BYTES  refuse larger inputs (default 64 MiB)\n"
    "  -h, --help             show this help\n";

enum { OPT_LP = 256, OPT_MPS, OPT_MAX_INPUT };

static const struct option long_opts[] = {{"output", required_argument, NULL, 'o'},
                                          {"format", required_argument, NULL, 'f'},
                                          {"time-limit", required_argument, NULL, 't'},
                                          {"write-lp", required_argument, NULL, OPT_LP},
                                          {"write-mps", required_argument, NULL, OPT_MPS},
                                          {"max-input", required_argument, NULL, OPT_MAX_INPUT},
                                          {"verbose", no_argument, NULL, 'v'},
                                          {"quiet", no_argument, NULL, 'q'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};

static int usage_error(const char *cmd, const char *fmt, const char *arg) {
    fprintf(stderr, "cjos: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\ntry 'cjos %s--help'\n", cmd ? cmd : "");
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
    for (size_t i = 0; i < errs->n; i++) {
        const cj_error *e = &errs->v[i];
        if (e->warning && !warnings)
            continue;
        const char *kind = e->warning ? "warning" : "error";
        if (e->code != CJ_ERR_INPUT) {
            fprintf(stderr, "cjos: %s%s\n", e->warning ? "warning: " : "", e->message);
            continue;
        }
        if (e->line > 0)
            fprintf(stderr, "%s:%d:%d: %s: ", file, e->line, e->column, kind);
        else
            fprintf(stderr, "%s: %s: ", file, kind);
        if (e->path)
            fprintf(stderr, "%s: ", e->path);
        fprintf(stderr, "%s\n", e->message);
    }
}

static bool parse_format(const char *s, cj_out_format *f) {
    if (strcmp(s, "json") == 0)
        *f = CJ_OUT_JSON;
    else if (strcmp(s, "md") == 0 || strcmp(s, "markdown") == 0)
        *f = CJ_OUT_MD;
    else if (strcmp(s, "csv") == 0)
        *f = CJ_OUT_CSV;
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

int main(int argc, char **argv) {
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
    const char *cmd = argv[optind];
    const char *help = strcmp(cmd, "validate") == 0    ? usage_validate
                       : strcmp(cmd, "solve") == 0     ? usage_solve
                       : strcmp(cmd, "shortlist") == 0 ? usage_shortlist
                                                       : NULL;
    if (!help)
        return usage_error(NULL, "unknown command '%s'", cmd);
    char cmdsp[32];
    snprintf(cmdsp, sizeof cmdsp, "%s ", cmd);

    cj_command c = {0};
    bool quiet = false, is_solve = strcmp(cmd, "solve") == 0;
    bool writes = is_solve || strcmp(cmd, "shortlist") == 0;
    int sub_argc = argc - optind;
    char **sub_argv = argv + optind;
    optind = 0; /* restart getopt for the command's own options */
    while ((ch = getopt_long(sub_argc, sub_argv, ":o:f:t:vqh", long_opts, NULL)) != -1) {
        double v;
        switch (ch) {
        case 'h':
            fputs(help, stdout);
            return 0;
        case 'o':
            if (!writes)
                return usage_error(cmdsp, "option '%s' does not apply here", "--output");
            c.output = optarg;
            break;
        case 'f':
            if (!writes || !parse_format(optarg, &c.format))
                return usage_error(cmdsp, "unknown format '%s': use json, md or csv", optarg);
            break;
        case 't':
            if (!is_solve || !parse_number(optarg, &v))
                return usage_error(cmdsp, "bad time limit '%s': give seconds", optarg);
            c.solve.time_limit = v;
            break;
        case 'v':
            c.solve.verbose = true;
            break;
        case 'q':
            quiet = true;
            break;
        case OPT_LP:
        case OPT_MPS:
            if (!is_solve)
                return usage_error(cmdsp, "option '%s' applies to solve only",
                                   ch == OPT_LP ? "--write-lp" : "--write-mps");
            *(ch == OPT_LP ? &c.solve.write_lp : &c.solve.write_mps) = optarg;
            break;
        case OPT_MAX_INPUT:
            if (!parse_number(optarg, &v) || v < 1)
                return usage_error(cmdsp, "bad input limit '%s': give bytes", optarg);
            c.max_input = (size_t)v;
            break;
        case ':':
            return usage_error(cmdsp, "option '%s' needs a value", sub_argv[optind - 1]);
        default:
            return usage_error(cmdsp, "unknown option '%s'", sub_argv[optind - 1]);
        }
    }
    if (optind >= sub_argc)
        return usage_error(cmdsp, "%s", "missing ROUND.json");
    if (optind + 1 < sub_argc)
        return usage_error(cmdsp, "unexpected argument '%s'", sub_argv[optind + 1]);
    c.input = sub_argv[optind];

    cj_errors errs = {0};
    cj_plan_status status = CJ_PLAN_OPTIMAL;
    cj_code code = is_solve                          ? cj_command_solve(&c, &status, &errs)
                   : strcmp(cmd, "shortlist") == 0 ? cj_command_shortlist(&c, &errs)
                                                     : cj_command_validate(&c, &errs);
    print_findings(c.input, &errs, !quiet);
    cj_errors_clear(&errs);
    if (code == CJ_OK && is_solve && status != CJ_PLAN_OPTIMAL && status != CJ_PLAN_FEASIBLE)
        return EXIT_NO_PLAN;
    return exit_code(code);
}
