/* A plan file read back (for award reasons and comparisons): the assignments
 * of cjos-plan/1, checked against the round they claim to come from. */
#include "io_internal.h"

#include <jansson.h>
#include <string.h>

cj_plan *cj_plan_parse(const char *buf, size_t len, const cj_round *r, const char *sha256,
                       cj_errors *errs) {
    json_error_t je;
    json_t *root = json_loadb(buf, len, 0, &je);
    if (!root) {
        cj_errors_add(errs, CJ_ERR_INPUT, false, NULL, "invalid JSON: %s", je.text);
        errs->v[errs->n - 1].line = je.line;
        errs->v[errs->n - 1].column = je.column > 0 ? je.column : 1;
        return NULL;
    }
    cj_plan *p = NULL;
    const char *fmt = json_string_value(json_object_get(root, "format"));
    const char *rid = json_string_value(json_object_get(root, "round"));
    const char *st = json_string_value(json_object_get(root, "status"));
    json_t *schools = json_object_get(root, "schools");
    if (!fmt || strcmp(fmt, CJ_FORMAT_PLAN) != 0) {
        cj_errors_add(errs, CJ_ERR_INPUT, false, "$.format",
                      "not a plan: expected format '%s'", CJ_FORMAT_PLAN);
    } else if (!rid || strcmp(rid, r->id) != 0) {
        cj_errors_add(errs, CJ_ERR_INPUT, false, "$.round",
                      "the plan is for round '%s', not '%s'", rid ? rid : "?", r->id);
    } else if (!st || !json_is_array(schools)) {
        cj_errors_add(errs, CJ_ERR_INPUT, false, "$",
                      "the plan has no status or schools");
    } else {
        p = cj_plan_new(r->n_schools, r->n_expertise);
    }
    const char *sha =
        json_string_value(json_object_get(json_object_get(root, "input"), "sha256"));
    if (p && sha && sha256 && strcmp(sha, sha256) != 0)
        cj_errors_add(errs, CJ_ERR_INPUT, true, "$.input.sha256",
                      "the plan was made from another version of the round");
    if (p) {
        p->status = strcmp(st, "optimal") == 0      ? CJ_PLAN_OPTIMAL
                    : strcmp(st, "feasible") == 0   ? CJ_PLAN_FEASIBLE
                    : strcmp(st, "infeasible") == 0 ? CJ_PLAN_INFEASIBLE
                                                    : CJ_PLAN_UNKNOWN;
    }
    size_t i;
    json_t *sj;
    json_array_foreach(schools, i, sj) {
        if (!p)
            break;
        const char *sid = json_string_value(json_object_get(sj, "id"));
        int s = sid ? cj_round_school(r, sid) : -1;
        char path[64];
        snprintf(path, sizeof path, "$.schools[%zu]", i);
        if (s < 0) {
            cj_errors_add(errs, CJ_ERR_INPUT, false, path, "unknown school '%s'",
                          sid ? sid : "?");
            continue;
        }
        size_t k;
        json_t *aj;
        json_array_foreach(json_object_get(sj, "assignments"), k, aj) {
            const char *pid = json_string_value(json_object_get(aj, "provider"));
            json_t *fte = json_object_get(aj, "fte");
            int pv = pid ? cj_round_provider(r, pid) : -1;
            int sc = pv >= 0 ? cj_round_pair(r, pv, s) : -1;
            if (sc < 0 || !json_is_number(fte)) {
                char ap[128];
                snprintf(ap, sizeof ap, "%s.assignments[%zu]", path, k);
                cj_errors_add(errs, CJ_ERR_INPUT, false, ap,
                              "provider '%s' has no score at school '%s'",
                              pid ? pid : "?", sid);
                continue;
            }
            bool inc = false;
            for (size_t x = 0; x < r->schools[s].incumbents.n; x++)
                inc |= r->schools[s].incumbents.idx[x] == pv;
            cj_assignment a = {pv,
                               json_number_value(fte),
                               cj_score_total(r, (size_t)sc),
                               cj_score_written(r, (size_t)sc),
                               inc,
                               false};
            cj_plan_assign(p, (size_t)s, &a);
        }
    }
    json_decref(root);
    if (p && cj_errors_count(errs) > 0) {
        cj_plan_free(p);
        return NULL;
    }
    if (p)
        cj_plan_evaluate(r, p);
    return p;
}
