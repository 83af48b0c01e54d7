/* Shortlists per interview group (SPEC §2) as JSON, Markdown or CSV; the JSON
 * form (cjos-shortlist/1) is documented in docs/shortlist.md. */
#include "io_internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* The group score of the last provider invited, or NAN when nobody is. */
static double cutoff(const cj_shortlist_group *g) {
    double last = 0;
    bool any = false;
    for (size_t k = 0; k < g->n_ranking; k++) {
        if (g->ranking[k].invited && !g->ranking[k].tie) {
            last = g->ranking[k].group_score;
            any = true;
        }
    }
    return any ? last : 0;
}

typedef struct {
    const bool *school, *provider;
} seen;

static bool sees(const bool *mask, int i) {
    return !mask || mask[i];
}

/* A group is shown when one of its schools is, and it ranks a visible provider. */
static bool group_seen(const cj_shortlist_group *g, const seen *v) {
    bool school = false, provider = false;
    for (size_t k = 0; k < g->n_schools; k++)
        school |= sees(v->school, g->schools[k]);
    for (size_t k = 0; k < g->n_ranking; k++)
        provider |= sees(v->provider, g->ranking[k].provider);
    return school && (provider || !v->provider);
}

static json_t *group_json(const cj_round *r, const cj_shortlist_group *g, const seen *v) {
    json_t *o = json_object(), *sch = json_array(), *rank = json_array();
    json_object_set_new(o, "id", json_string(g->id));
    json_object_set_new(o, "name", g->name ? json_string(g->name) : json_null());
    json_object_set_new(o, "kind",
                        json_string(g->group >= 0 ? "interview_group" : "school"));
    for (size_t k = 0; k < g->n_schools; k++)
        if (sees(v->school, g->schools[k]))
            json_array_append_new(sch, json_string(r->schools[g->schools[k]].id));
    json_object_set_new(o, "schools", sch);
    json_object_set_new(o, "invited", json_integer((json_int_t)g->n_invited));
    json_object_set_new(o, "tie_at_cutoff", json_boolean(g->tie_at_cutoff));
    double cut = cutoff(g);
    json_object_set_new(o, "cutoff_score", g->n_invited ? json_real(cut) : json_null());
    for (size_t k = 0; k < g->n_ranking; k++) {
        if (!sees(v->provider, g->ranking[k].provider))
            continue;
        const cj_invite *v = &g->ranking[k];
        json_t *x = json_object();
        json_object_set_new(x, "rank", json_integer(v->rank));
        json_object_set_new(x, "provider", json_string(r->providers[v->provider].id));
        json_object_set_new(x, "name",
                            json_string(r->providers[v->provider].name
                                            ? r->providers[v->provider].name
                                            : r->providers[v->provider].id));
        json_object_set_new(x, "group_score", json_real(v->group_score));
        json_object_set_new(x, "schools", json_integer(v->n_schools));
        json_object_set_new(x, "invited", json_boolean(v->invited));
        json_object_set_new(x, "tie", json_boolean(v->tie));
        json_object_set_new(x, "gap_to_cutoff",
                            v->invited ? json_null() : json_real(cut - v->group_score));
        json_array_append_new(rank, x);
    }
    json_object_set_new(o, "ranking", rank);
    return o;
}

static char *render_json(const cj_round *r, const cj_selection *sel, const seen *v,
                         size_t *len) {
    json_t *o = json_object(), *groups = json_array(), *schools = json_array();
    json_object_set_new(o, "format", json_string("cjos-shortlist/1"));
    json_object_set_new(o, "round", json_string(r->id));
    json_object_set_new(o, "shortlist_size", json_integer(r->policy.shortlist_size));
    for (size_t g = 0; g < sel->n_groups; g++)
        if (group_seen(&sel->groups[g], v))
            json_array_append_new(groups, group_json(r, &sel->groups[g], v));
    json_object_set_new(o, "groups", groups);
    for (size_t s = 0; s < r->n_schools; s++) {
        if (!sees(v->school, (int)s))
            continue;
        const cj_shortlist_group *g = &sel->groups[sel->group_of[s]];
        json_t *x = json_object(), *list = json_array();
        json_object_set_new(x, "id", json_string(r->schools[s].id));
        json_object_set_new(x, "group", json_string(g->id));
        for (size_t k = 0; k < g->n_ranking; k++)
            if (g->ranking[k].invited && sees(v->provider, g->ranking[k].provider) &&
                cj_round_pair(r, g->ranking[k].provider, (int)s) >= 0)
                json_array_append_new(
                    list, json_string(r->providers[g->ranking[k].provider].id));
        json_object_set_new(x, "shortlist", list);
        json_array_append_new(schools, x);
    }
    json_object_set_new(o, "schools", schools);
    return cj_json_text(o, len);
}

static char *render_md(const cj_round *r, const cj_selection *sel, const seen *v,
                       size_t *len) {
    cj_buf b = {0};
    cj_buf_puts(&b, "# Shortlists: ");
    cj_buf_md(&b, r->name ? r->name : r->id);
    cj_buf_printf(&b,
                  "\n\nAt most %d invitations per interview group, plus ties at the "
                  "cut-off.\n",
                  r->policy.shortlist_size);
    for (size_t gi = 0; gi < sel->n_groups; gi++) {
        const cj_shortlist_group *g = &sel->groups[gi];
        if (!group_seen(g, v))
            continue;
        double cut = cutoff(g);
        cj_buf_puts(&b, "\n## ");
        cj_buf_md(&b, g->name ? g->name : g->id);
        cj_buf_puts(&b, g->group >= 0 ? " (interview group)\n\n"
                                      : " (school in no group)\n\n");
        cj_buf_puts(&b, "| Rank | Provider | Group score | Schools | Invited |\n"
                        "|--:|---|--:|--:|---|\n");
        for (size_t k = 0; k < g->n_ranking; k++) {
            if (!sees(v->provider, g->ranking[k].provider))
                continue;
            const cj_invite *v = &g->ranking[k];
            cj_buf_printf(&b, "| %d | ", v->rank);
            cj_buf_md(&b, r->providers[v->provider].name);
            cj_buf_printf(&b, " | %.4f | %d | ", v->group_score, v->n_schools);
            if (v->tie)
                cj_buf_puts(&b, "yes, tied at the cut-off |\n");
            else if (v->invited)
                cj_buf_puts(&b, "yes |\n");
            else
                cj_buf_printf(&b, "no: %.4f below the last one invited |\n",
                              cut - v->group_score);
        }
        if (g->tie_at_cutoff)
            cj_buf_printf(&b,
                          "\nTie at the cut-off: %zu providers share the group score of "
                          "the last place (%.4f), so all are invited.\n",
                          g->n_invited - (size_t)r->policy.shortlist_size + 1, cut);
        if (g->n_ranking < (size_t)r->policy.shortlist_size)
            cj_buf_printf(&b,
                          "\nFewer providers applied (%zu) than there are places (%d).\n",
                          g->n_ranking, r->policy.shortlist_size);
    }
    cj_buf_puts(&b,
                "\n## Shortlist per school\n\n| School | Group | Invited providers |\n"
                "|---|---|---|\n");
    for (size_t s = 0; s < r->n_schools; s++) {
        if (!sees(v->school, (int)s))
            continue;
        const cj_shortlist_group *g = &sel->groups[sel->group_of[s]];
        cj_buf_puts(&b, "| ");
        cj_buf_md(&b, r->schools[s].name);
        cj_buf_puts(&b, " | ");
        cj_buf_md(&b, g->name ? g->name : g->id);
        cj_buf_puts(&b, " | ");
        bool first = true;
        for (size_t k = 0; k < g->n_ranking; k++) {
            if (!g->ranking[k].invited || !sees(v->provider, g->ranking[k].provider) ||
                cj_round_pair(r, g->ranking[k].provider, (int)s) < 0)
                continue;
            cj_buf_puts(&b, first ? "" : ", ");
            cj_buf_md(&b, r->providers[g->ranking[k].provider].name);
            first = false;
        }
        cj_buf_puts(&b, " |\n");
    }
    return cj_buf_take(&b, len);
}

static char *render_csv(const cj_round *r, const cj_selection *sel, const seen *v,
                        size_t *len) {
    cj_buf b = {0};
    cj_buf_puts(
        &b, "group,group_name,rank,provider,provider_name,group_score,schools,invited,"
            "tie\r\n");
    for (size_t gi = 0; gi < sel->n_groups; gi++) {
        const cj_shortlist_group *g = &sel->groups[gi];
        if (!group_seen(g, v))
            continue;
        for (size_t k = 0; k < g->n_ranking; k++) {
            if (!sees(v->provider, g->ranking[k].provider))
                continue;
            const cj_invite *v = &g->ranking[k];
            cj_buf_csv(&b, g->id);
            cj_buf_puts(&b, ",");
            cj_buf_csv(&b, g->name);
            cj_buf_printf(&b, ",%d,", v->rank);
            cj_buf_csv(&b, r->providers[v->provider].id);
            cj_buf_puts(&b, ",");
            cj_buf_csv(&b, r->providers[v->provider].name);
            cj_buf_printf(&b, ",%.15g,%d,%s,%s\r\n", v->group_score, v->n_schools,
                          v->invited ? "true" : "false", v->tie ? "true" : "false");
        }
    }
    return cj_buf_take(&b, len);
}

char *cj_shortlist_render(const cj_round *r, const cj_selection *sel, cj_out_format fmt,
                          const bool *see_school, const bool *see_provider, size_t *len) {
    seen v = {see_school, see_provider};
    switch (fmt) {
    case CJ_OUT_MD:
        return render_md(r, sel, &v, len);
    case CJ_OUT_CSV:
        return render_csv(r, sel, &v, len);
    default:
        return render_json(r, sel, &v, len);
    }
}
