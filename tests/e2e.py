#!/usr/bin/env python3
"""End-to-end tests: run the cjos binary on the files in tests/data/ and the
bundled example, and check messages, exit codes, files and plans.

    tests/e2e.py CJOS SOURCE_DIR
"""
import csv
import fractions
import io
import json
import math
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import plancheck  # noqa: E402
import rotacheck  # noqa: E402

CJOS = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])
DATA = os.path.join(SRC, "tests", "data")
EXAMPLE = os.path.join(SRC, "examples", "haaglanden-2026.json")
ROUND_SCHEMA = json.load(open(os.path.join(SRC, "docs", "round.schema.json")))
PLAN_SCHEMA = json.load(open(os.path.join(SRC, "docs", "plan.schema.json")))
TMP = tempfile.mkdtemp(prefix="cjos-e2e-")

TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


# CJOS_WRAP runs every cjos under a tool, e.g. valgrind (see docs/reliability.md)
WRAP = os.environ.get("CJOS_WRAP", "").split()
# a tool's slowdown, or the sanitizers' (CJOS_SLOW, set by tests/CMakeLists.txt),
# leaves what a time limit decides to luck: such checks are left out
SLOW = bool(WRAP) or bool(os.environ.get("CJOS_SLOW"))


def run(*args, stdin=None):
    return subprocess.run([*WRAP, CJOS, *args], capture_output=True, text=True, input=stdin,
                          timeout=600)


def solve(path, *extra):
    """Solves a round into a temporary file; returns (process, plan or None)."""
    out = os.path.join(TMP, "plan.json")
    if os.path.exists(out):
        os.unlink(out)
    p = run("solve", path, "-o", out, *extra)
    plan = json.load(open(out)) if os.path.exists(out) else None
    return p, plan


def timed_solve(path, *extra):
    """solve(), with the wall time it took: returns (process, plan, seconds).
    For the tests of a time limit, which the command line promises."""
    start = time.monotonic()
    p, plan = solve(path, *extra)
    return p, plan, time.monotonic() - start


def generated(name, schools, providers, seed, *extra):
    """bench/gen's round of that size and seed (with `extra` options), written
    to TMP/name; returns its path."""
    f = os.path.join(TMP, name)
    subprocess.run([sys.executable, os.path.join(SRC, "bench", "gen"), "--schools",
                    str(schools), "--providers", str(providers), "--seed", str(seed),
                    *extra, "-o", f], check=True)
    return f


def checked(round_path, plan, salt=None):
    """Every plan the tests produce passes the schema and the plan checker, and
    every staffed plan the rota checker."""
    jsonschema.validate(plan, PLAN_SCHEMA)
    r = json.load(open(round_path))
    bad = plancheck.check(r, plan)
    if any("staff" in p for p in r["providers"]):
        bad += rotacheck.check(r, plan, salt)
    assert not bad, f"{os.path.basename(round_path)}: " + "; ".join(bad)


# -- error classes of SPEC section 1: file, path, message, position ---------

ERRORS = [
    ("bad-json.json", None, "invalid JSON", True),
    ("wrong-format.json", "$.format", "wrong format 'cjos-round/9'", True),
    ("missing-key.json", "$.providers[1]", "missing required key 'cost_per_fte'", True),
    ("wrong-type.json", "$.providers[0].fte_capacity", "expected a number, got a string",
     True),
    ("unknown-key.json", "$.schools[0].colour", "unknown key 'colour'", True),
    ("malformed-id.json", "$.providers[2].id", "malformed id 'pol der'", True),
    ("duplicate-id.json", "$.topics[1].id", "duplicate id 'boundary'", True),
    ("unknown-ref.json", "$.schools[1].cluster", "unknown cluster 'c9'", True),
    ("out-of-range.json", "$.scores[2].topics.continuity", "11 is out of range 0..10", True),
    ("min-max.json", "$.clusters[0].fte", "min 3 is greater than max 2", True),
    ("score-missing-topic.json", "$.scores[1].topics", "missing topic 'continuity'", True),
    ("score-unknown-topic.json", "$.scores[0].topics.climate", "unknown topic 'climate'",
     True),
    ("not-admitted.json", "$.scores[4]", "not admitted to cluster 'sbo'", True),
    ("two-groups.json", "$.interview_groups[1].schools[1]",
     "school 'horizon' is already in interview group 'sbo-zoetermeer'", True),
    ("duplicate-score.json", "$.scores[4]", "duplicate score for provider 'duin'", True),
    ("duplicate-decision.json", "$.decisions[1]", "duplicate decision", True),
    ("decision-no-score.json", "$.decisions[0]", "a pair that has no score", True),
    ("bad-enum.json", "$.policy.continuity", "unknown value 'always'", True),
    ("bad-date.json", "$.round.period.end", "not an ISO date", True),
]


def error_case(name, path, text, positioned):
    f = os.path.join(DATA, "errors", name)
    for cmd in (["validate", f], ["solve", f, "-o", os.path.join(TMP, "never.json")],
                ["shortlist", f]):
        p = run(*cmd)
        assert p.returncode == 65, f"{name} {cmd[0]}: exit {p.returncode}"
        assert p.stdout == "", f"{name} {cmd[0]}: wrote to stdout"
        assert not os.path.exists(os.path.join(TMP, "never.json")), f"{name}: output created"
        line = next((ln for ln in p.stderr.splitlines() if text in ln), None)
        assert line, f"{name}: no message with {text!r} in {p.stderr!r}"
        where = r"\d+:\d+: " if positioned else ""
        want = re.escape(f) + ":" + where + "error: " + (re.escape(path) + ": " if path else "")
        assert re.match(want, line), f"{name}: {line!r} does not match {want!r}"


for _case in ERRORS:
    TESTS.append(lambda c=_case: error_case(*c))
    TESTS[-1].__name__ = "error_" + _case[0]


@test
def staff_and_open_day_parts_are_read_and_checked():
    f = os.path.join(DATA, "staffed.json")
    p = run("validate", f)
    assert p.returncode == 0, p.stderr
    assert "warning: $.providers[1]: provider 'veen' lists no staff: it is planned without " \
           "a rota" in p.stderr and "error" not in p.stderr, p.stderr
    jsonschema.validate(json.load(open(f)), ROUND_SCHEMA)
    p, plan = solve(f)
    assert p.returncode == 0, p.stderr
    checked(f, plan)
    bad = os.path.join(DATA, "errors", "staff-errors.json")
    p = run("validate", bad)
    assert p.returncode == 65
    for path, text in (("$.policy.staff_per_assignment", "min 3 is greater than max 2"),
                       ("$.policy.day_part_fte", "must be > 0"),
                       ("$.schools[1].open[0]", "unknown day-part 'xyz'"),
                       ("$.providers[0].staff[2].id", "duplicate staff id 'd-01'"),
                       ("$.providers[0].staff[2].fte", "must be > 0"),
                       ("$.providers[0].staff[2].skj", "expected true or false"),
                       ("$.providers[0].staff[2].known_at[0]", "unknown school 'nowhere'"),
                       ("$.providers[0].staff[2].available[0]", "unknown day-part 'sun-am'"),
                       ("$.providers[0].staff[2].available[2]", "listed twice"),
                       ("$.providers[0].staff[2].colour", "unknown key 'colour'")):
        assert re.search(re.escape(bad) + r":\d+:\d+: error: " + re.escape(path) + ": .*" +
                         re.escape(text), p.stderr), (path, p.stderr)


@test
def every_error_is_listed_at_once():
    bad = {"format": "cjos-round/1", "round": {"id": "x y"}, "topics": [],
           "clusters": [{"id": "c", "name": "C", "fte": {"min": 2, "max": 1}}],
           "schools": [{"id": "s", "name": "S", "cluster": "nope"}],
           "providers": [{"id": "p", "name": "P", "admitted": ["c"], "fte_capacity": -1,
                          "cost_per_fte": 1}], "scores": []}
    f = os.path.join(TMP, "many.json")
    json.dump(bad, open(f, "w"), indent=1)
    p = run("validate", f)
    assert p.returncode == 65
    errors = [ln for ln in p.stderr.splitlines() if ": error: " in ln]
    assert len(errors) == 5, p.stderr
    lines = [int(ln.split(":")[1]) for ln in errors]
    assert lines == sorted(lines), "errors are not in file order"


@test
def existing_output_is_left_alone_on_invalid_input():
    out = os.path.join(TMP, "keep.json")
    open(out, "w").write("old plan\n")
    p = run("solve", os.path.join(DATA, "errors", "unknown-key.json"), "-o", out)
    assert p.returncode == 65
    assert open(out).read() == "old plan\n"


# -- the worked example and the bundled round --------------------------------

@test
def worked_example_of_spec_7():
    p, plan = solve(os.path.join(DATA, "tiny.json"))
    assert p.returncode == 0, p.stderr
    assert plan["status"] == "optimal"
    assert math.isclose(plan["objective"]["value"], 15.7667, abs_tol=1e-4)
    got = {s["id"]: {a["provider"]: a["fte"] for a in s["assignments"]}
           for s in plan["schools"]}
    assert got == {"horizon": {"duin": 1.2, "veen": 0.3}, "keerkring": {"polder": 0.5}}, got
    checked(os.path.join(DATA, "tiny.json"), plan)


@test
def shortlist_of_spec_7():
    p = run("shortlist", os.path.join(DATA, "tiny.json"))
    assert p.returncode == 0, p.stderr
    s = json.loads(p.stdout)
    groups = {g["id"]: g for g in s["groups"]}
    g = groups["sbo-zoetermeer"]
    assert [(x["provider"], round(x["group_score"], 4)) for x in g["ranking"]] == \
        [("duin", 7.8333), ("veen", 7.0)]
    k = groups["keerkring"]
    assert k["kind"] == "school"
    assert [(x["provider"], round(x["group_score"], 4)) for x in k["ranking"]] == \
        [("polder", 7.3333), ("veen", 6.6667)]
    assert all(x["invited"] for x in g["ranking"] + k["ranking"])


@test
def haaglanden_round_validates_and_solves():
    r = json.load(open(EXAMPLE))
    jsonschema.validate(r, ROUND_SCHEMA)
    assert len(r["schools"]) == 10 and len(r["providers"]) >= 8
    assert all("(illustrative)" in p["name"] for p in r["providers"])
    fte = {c["id"]: (c["fte"]["min"], c["fte"]["max"]) for c in r["clusters"]}
    assert fte == {"c4": (3, 4), "sbo": (4, 5), "c3": (0.5, 0.5)}
    assert len(r["interview_groups"]) == 4 and len(r["topics"]) == 7
    p = run("validate", EXAMPLE)
    assert p.returncode == 0 and p.stderr == "", p.stderr
    p, plan = solve(EXAMPLE)
    assert p.returncode == 0 and plan["status"] == "optimal", p.stderr
    checked(EXAMPLE, plan)


@test
def same_input_gives_identical_bytes():
    outs = []
    for fmt in ("json", "md", "csv"):
        a = run("solve", EXAMPLE, "--format", fmt)
        b = run("solve", EXAMPLE, "--format", fmt)
        assert a.returncode == 0 and a.stdout == b.stdout and a.stdout, fmt
        outs.append(a.stdout)
    assert outs[0] != outs[1] != outs[2]


@test
def markdown_and_csv_say_the_same_as_json():
    _, plan = solve(EXAMPLE)
    md = run("solve", EXAMPLE, "--format", "md").stdout
    csv = run("solve", EXAMPLE, "--format", "csv").stdout.splitlines()
    assert md.startswith("# Plan: ") and "| School |" in md
    rows = [ln.split(",") for ln in csv[1:]]
    assert csv[0].startswith("school,school_name,cluster,provider,")
    # a staffed plan: one row per person, the assignment's cells on each
    n = sum(max(1, len(a.get("staff", []))) for s in plan["schools"] for a in s["assignments"])
    assert len(rows) == n
    keys = {(r[0], r[3]) for r in rows}
    assert keys == {(s["id"], a["provider"]) for s in plan["schools"] for a in s["assignments"]}
    first = plan["schools"][0]["assignments"][0]
    assert rows[0][0] == plan["schools"][0]["id"] and rows[0][3] == first["provider"]
    assert float(rows[0][5]) == first["fte"]
    for s in json.load(open(EXAMPLE))["schools"]:
        assert s["name"] in md


@test
def plan_has_what_a_reader_needs():
    _, plan = solve(EXAMPLE)
    import hashlib
    assert plan["input"]["sha256"] == hashlib.sha256(open(EXAMPLE, "rb").read()).hexdigest()
    assert plan["solver"]["glpk"] and plan["solver"]["engine"].startswith("cjos ")
    assert plan["policy"]["fte_step"] == 0.1
    r = json.load(open(EXAMPLE))
    amounts = {s["id"]: s["annual_amount"] for s in r["schools"]}
    for s in plan["schools"]:
        assert math.isclose(s["amount_left"], amounts[s["id"]] - s["cost"], abs_tol=1e-6)
        assert math.isclose(s["fte"], sum(a["fte"] for a in s["assignments"]), abs_tol=1e-9)
        assert all(e["covered"] for e in s["expertise"])
    assert math.isclose(sum(c["fte"] for c in plan["clusters"]), plan["totals"]["fte"],
                        abs_tol=1e-9)


# -- staff and the weekly rota (SPEC section 6) -------------------------------

def without_staff(path):
    """The round with its staff, opening times and staff policy taken out, and
    FTE in day-parts, as section 3 alone would plan it."""
    r = json.load(open(path))
    for pr in r["providers"]:
        pr.pop("staff", None)
    for sc in r["schools"]:
        sc.pop("open", None)
    pol = r.setdefault("policy", {})
    pol.pop("staff_per_assignment", None)
    pol["fte_step"] = pol.pop("day_part_fte", 0.1)
    out = os.path.join(TMP, "unstaffed-" + os.path.basename(path))
    json.dump(r, open(out, "w"))
    return out


def staff_at(plan, school, provider=None):
    """person -> day-parts at a school (of one provider, or all)."""
    s = next(x for x in plan["schools"] if x["id"] == school)
    return {p["id"]: p["day_parts"] for a in s["assignments"]
            if provider in (None, a["provider"]) for p in a.get("staff", [])}


@test
def bundled_round_is_staffed_and_loses_nothing_by_it():
    r = json.load(open(EXAMPLE))
    assert all(p.get("staff") for p in r["providers"])
    for sc in r["schools"]:
        closed = sc["cluster"] == "sbo"
        assert ("wed-pm" not in sc.get("open", ["wed-pm"])) == closed, sc["id"]
    p, plan = solve(EXAMPLE)
    assert p.returncode == 0 and plan["status"] == "optimal", p.stderr
    checked(EXAMPLE, plan)
    _, free = solve(without_staff(EXAMPLE))
    # the staff can carry the best plan without them: the first objective holds
    assert math.isclose(plan["objective"]["value"], free["objective"]["value"], rel_tol=1e-9)
    for s in plan["schools"]:
        if s["cluster"] == "sbo":
            assert not next(w for w in s["week"] if w["day_part"] == "wed-pm")["staff"]
    assert plan["rota"]["status"] == "optimal"


@test
def only_a_joint_solve_finds_these_rotas():
    # S3 across schools: A's one SKJ person can supervise at one school only
    # (by hand: A 1.0 FTE at one school at 9, B 1.0 at the other at 6 = 15);
    # Hall: both schools open on Monday morning only, and A has two people
    # (A 0.2 at s1 at 9 + B 0.2 at s2 at 5 = 2.8)
    for name, staffed, free in (("staff-joint-s3.json", 15.0, 18.0),
                                ("staff-joint-hall.json", 2.8, 17.0)):
        f = os.path.join(DATA, name)
        p, plan = solve(f)
        assert p.returncode == 0 and plan["status"] == "optimal", (name, p.stderr)
        checked(f, plan)
        assert math.isclose(plan["objective"]["value"], staffed, abs_tol=1e-6), name
        _, alone = solve(without_staff(f))
        assert math.isclose(alone["objective"]["value"], free, abs_tol=1e-6), name
        # the plan without staff cannot be staffed: each school has a different provider
        provs = [a["provider"] for s in plan["schools"] for a in s["assignments"]]
        assert sorted(provs) == ["a", "b"], (name, provs)


@test
def staffing_by_hand_or_by_the_model():
    # the plan without staff is staffed by hand when that provably gives the
    # most day-parts to people who know the school (the rota checker and
    # tests/staffcheck.py check the result); otherwise by the model
    for name, how in [("staff-known.json", "by hand"), ("staffed.json", "by hand"),
                      ("staff-mbo-only.json", "by the model"),
                      ("staff-joint-s3.json", "by the model")]:
        f = os.path.join(DATA, name)
        p, plan = solve(f, "--verbose")
        assert p.returncode == 0, (name, p.stderr)
        assert "staffing of the plan without staff: " + how in p.stderr, (name, p.stderr)
        checked(f, plan)
    p, plan = solve(EXAMPLE, "--verbose")
    assert "staffing of the plan without staff: by hand" in p.stderr, p.stderr
    assert plan["rota"]["status"] == "optimal", plan["rota"]


@test
def staff_who_know_the_school_come_first():
    f = os.path.join(DATA, "staff-known.json")
    _, plan = solve(f)
    checked(f, plan)
    at = staff_at(plan, "s1")
    # two must come (S1 min 2); the one who knows the school gives all but one day-part
    assert set(at) == {"a-1", "a-3"} and len(at["a-3"]) == 3 and len(at["a-1"]) == 1, at
    assert plan["rota"]["known_fte"] == 0.3
    r = json.load(open(f))
    for st in r["providers"][0]["staff"]:
        st.pop("known_at", None)
    r["providers"][0]["staff"][1]["known_at"] = ["s1"]
    g = os.path.join(TMP, "known-a2.json")
    json.dump(r, open(g, "w"))
    _, plan = solve(g)
    checked(g, plan)
    at = staff_at(plan, "s1")
    assert "a-2" in at and len(at["a-2"]) == 3, at


@test
def mbo_staff_without_an_skj_colleague_are_refused():
    f = os.path.join(DATA, "staff-mbo-only.json")
    p, plan = solve(f)
    assert p.returncode == 0, p.stderr
    assert "provider 'a' has no SKJ-registered staff: its MBO staff cannot work anywhere" \
        in p.stderr
    checked(f, plan)
    # A scores 9 to B's 6, but only B can come, and its MBO person only with b-1
    assert [a["provider"] for a in plan["schools"][0]["assignments"]] == ["b"]
    assert "b-1" in staff_at(plan, "s1")
    r = json.load(open(f))
    r["providers"][1]["staff"][0]["available"] = []  # b-1 never there
    g = os.path.join(TMP, "mbo-alone.json")
    json.dump(r, open(g, "w"))
    p, plan = solve(g)
    assert p.returncode == 1 and plan["status"] == "infeasible", p.stderr
    checked(g, plan)
    assert [d["rule"] for d in plan["diagnosis"]] == ["S1-S4"], plan["diagnosis"]
    assert "the staff cannot carry any plan" in plan["diagnosis"][0]["message"]


@test
def the_week_is_spread_and_people_stay_put_within_a_day():
    f = os.path.join(DATA, "staff-week.json")
    _, plan = solve(f)
    checked(f, plan)
    # five day-parts at each school from two people: every weekday, no changes
    assert plan["rota"]["weekdays"] == 10 and plan["rota"]["changes_within_day"] == 0
    for s in plan["schools"]:
        days = {w["day_part"][:3] for w in s["week"] if w["staff"]}
        assert days == {"mon", "tue", "wed", "thu", "fri"}, (s["id"], days)


@test
def the_rota_is_in_every_format():
    _, plan = solve(EXAMPLE)
    md = run("solve", EXAMPLE, "--format", "md").stdout
    csv = run("solve", EXAMPLE, "--format", "csv").stdout.splitlines()
    html = run("solve", EXAMPLE, "--format", "html").stdout
    assert md.count(": **holds**") == 8 and "DOES NOT HOLD" not in md
    rules = html[html.index('<ul class="small rules">'):]
    assert rules[:rules.index("</ul>")].count("<strong>klopt</strong>") == 8
    assert [x["holds"] for x in plan["rota"]["rules"]] == [True] * 8
    head = csv[0].split(",")
    assert head[-15:] == ["staff", "skj", "known", "staff_fte", "backup"] + rotacheck.DAY_PARTS
    rows = [ln.split(",") for ln in csv[1:]]
    for s in plan["schools"]:
        for a in s["assignments"]:
            for person in a["staff"]:
                row = next(x for x in rows if x[0] == s["id"] and x[12] == person["id"])
                marked = [d for d, cell in zip(rotacheck.DAY_PARTS, row[-10:]) if cell == "x"]
                assert marked == person["day_parts"], (s["id"], person["id"], marked)
                assert person["id"] in md and person["id"] in html
                assert f'| {person["id"]} | {a["name"]} |' in md
        grid = md[md.index("### " + s["name"]):]
        for w in s["week"]:
            line = next(ln for ln in grid.splitlines() if ln.startswith("| " + w["day_part"]))
            assert line.count(" x |") == len(w["staff"]), (s["id"], w["day_part"], line)
        table = html[html.index(f'class="week small" data-school="{s["id"]}"'):]
        table = table[:table.index("</table>")]
        on = re.findall(r'<td data-part="([a-z-]+)" class="on">', table)
        assert len(on) == sum(len(w["staff"]) for w in s["week"]), s["id"]


@test
def comparing_staffed_plans_names_who_comes_and_goes():
    r = json.load(open(EXAMPLE))
    r["providers"][0]["staff"][0]["available"] = ["mon-am", "tue-am"]
    f = os.path.join(TMP, "less-duin-01.json")
    json.dump(r, open(f, "w"))
    a, b = os.path.join(TMP, "sa.json"), os.path.join(TMP, "sb.json")
    run("solve", EXAMPLE, "-o", a)
    run("solve", f, "-o", b)
    cmp = json.loads(run("compare", a, b).stdout)
    pa, pb = json.load(open(a)), json.load(open(b))
    changes = 0
    for sa, sb, c in zip(pa["schools"], pb["schools"], cmp["schools"]):
        da = {x["id"]: x["day_parts"] for y in sa["assignments"] for x in y["staff"]}
        db = {x["id"]: x["day_parts"] for y in sb["assignments"] for x in y["staff"]}
        assert sorted(c["staff_came"]) == sorted(set(db) - set(da)), sa["id"]
        assert sorted(c["staff_left"]) == sorted(set(da) - set(db)), sa["id"]
        assert sorted(c["staff_days_changed"]) == sorted(
            i for i in set(da) & set(db) if da[i] != db[i]), sa["id"]
        changes += len(c["staff_came"]) + len(c["staff_left"]) + len(c["staff_days_changed"])
    assert changes > 0  # duin-01 has fewer day-parts now: someone moves
    md = run("compare", a, b, "--format", "md").stdout
    assert "## Staff" in md and "other day-parts in B" in md


@test
def staff_by_pseudonym():
    ids = [st["id"] for p in json.load(open(EXAMPLE))["providers"] for st in p["staff"]]
    texts = {}
    for fmt in ("json", "md", "csv", "html"):
        p = run("solve", EXAMPLE, "--format", fmt, "--salt", "a secret of the team")
        assert p.returncode == 0, p.stderr
        texts[fmt] = p.stdout
        assert not any(re.search(r"(?<![\w-])" + re.escape(i) + r"(?![\w-])", p.stdout)
                       for i in ids), fmt
    plan = json.loads(texts["json"])
    f = os.path.join(TMP, "pseudo.json")
    open(f, "w").write(texts["json"])
    checked(EXAMPLE, plan, salt="a secret of the team")  # derives them again
    shown = {x["id"] for s in plan["schools"] for a in s["assignments"] for x in a["staff"]}
    assert shown and all(re.fullmatch(r"staff-[0-9a-f]{10}", x) for x in shown)
    for fmt in ("md", "csv", "html"):
        assert all(x in texts[fmt] for x in shown), fmt
    again = json.loads(run("solve", EXAMPLE, "--salt", "a secret of the team").stdout)
    assert again == plan  # stable within and across runs with the salt
    other = json.loads(run("solve", EXAMPLE, "--salt", "another secret").stdout)
    other_ids = {x["id"] for s in other["schools"] for a in s["assignments"] for x in a["staff"]}
    assert not shown & other_ids
    # a school's view shows the same pseudonyms as the whole plan
    view = json.loads(run("solve", EXAMPLE, "--salt", "a secret of the team", "--audience",
                          "school:horizon").stdout)
    assert view["schools"][0]["assignments"] == next(
        s["assignments"] for s in plan["schools"] if s["id"] == "horizon")
    # a salt cjos makes itself: no ids, consistent within the run, never the same twice
    a = json.loads(run("solve", EXAMPLE, "--pseudonymize").stdout)
    b = json.loads(run("solve", EXAMPLE, "--pseudonymize").stdout)
    assert a["rota"]["staff_shown_as"] == "pseudonym"
    a_ids = {x["id"] for s in a["schools"] for y in s["assignments"] for x in y["staff"]}
    assert not a_ids & set(ids) and not a_ids & shown
    assert a_ids.isdisjoint({x["id"] for s in b["schools"] for y in s["assignments"]
                             for x in y["staff"]})
    for s in a["schools"]:
        assert {i for w in s["week"] for i in w["staff"]} == \
            {x["id"] for y in s["assignments"] for x in y["staff"]}
    p = run("solve", EXAMPLE, "--salt", "")
    assert p.returncode == 64 and "empty salt" in p.stderr
    p = run("shortlist", EXAMPLE, "--pseudonymize")
    assert p.returncode == 64


# -- every policy option, warnings, infeasible rounds ------------------------

@test
def every_test_round_gives_a_checked_plan():
    for name in sorted(os.listdir(DATA)):
        if not name.endswith(".json"):
            continue
        f = os.path.join(DATA, name)
        p, plan = solve(f)
        assert p.returncode in (0, 1), f"{name}: exit {p.returncode} {p.stderr}"
        assert (p.returncode == 1) == (plan["status"] == "infeasible"), name
        assert (p.returncode == 1) == name.startswith("infeasible"), name
        checked(f, plan)


DIAGNOSES = {
    "infeasible-no-provider.json": ("C1", "school 'keerkring' has no eligible provider"),
    "infeasible-expertise.json": ("C8", "needs expertise 'lvb', but no eligible provider"),
    "infeasible-cluster.json": ("C3", "cluster 'sbo' needs at least 3.5 FTE"),
    "infeasible-combined.json": ("C7", "let provider 'veen' work at 2 schools"),
}


@test
def infeasible_rounds_say_why():
    for name, (rule, text) in DIAGNOSES.items():
        p, plan = solve(os.path.join(DATA, name))
        assert p.returncode == 1, name
        assert plan["status"] == "infeasible" and plan["objective"] is None
        assert all(s["assignments"] == [] for s in plan["schools"])
        assert any(d["rule"] == rule and text in d["message"] for d in plan["diagnosis"]), \
            (name, plan["diagnosis"])
        md = run("solve", os.path.join(DATA, name), "--format", "md")
        assert md.returncode == 1 and "## Why there is no plan" in md.stdout


@test
def glpk_failure_round_is_solved():
    # GLPK 5.0's cover cuts fail on this round's model as built, found by the
    # brute-force test; branch and price now proves it first
    # (tests/test_solver.c turns the prices off to reach the fallback)
    p, plan = solve(os.path.join(DATA, "glpk-cover-cuts.json"))
    assert p.returncode == 0 and plan["status"] == "optimal", p.stderr
    checked(os.path.join(DATA, "glpk-cover-cuts.json"), plan)


@test
def extreme_numbers_neither_hang_nor_leak():
    """Rounds with figures far beyond any school's, found by trying extreme
    rounds and by fuzzing (docs/reliability.md).  Capacities and a cluster
    maximum of ten million FTE, in steps of 0.1, once hung while the model
    was built (each school's cap went through every step of every pair) and
    sent more steps than an int holds to the priced rows: the plan is now
    the optimum HiGHS finds.  A person with 2.2e104 FTE gives a full week,
    as one with 1.0 FTE does (the day-parts were an int overflow).  A step
    of 1e-12 FTE is more than GLPK can count: it fails inside the diagnosis
    of the plan it cannot find, which cjos reports with exit 70; under the
    sanitizers, the diagnosis's model is no longer leaked."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import pricecheck
    tiny = json.load(open(os.path.join(DATA, "tiny.json")))
    big = json.loads(json.dumps(tiny))
    for pr in big["providers"]:
        pr["fte_capacity"] = 1e7
    for c in big["clusters"]:
        c["fte"]["max"] = 1e7
    f = os.path.join(TMP, "big.json")
    json.dump(big, open(f, "w"))
    p, plan = solve(f, "--verbose")
    assert p.returncode == 0 and plan["status"] == "optimal", p.stderr[-500:]
    checked(f, plan)
    best = pricecheck.optimum(big)
    assert abs(plan["objective"]["value"] - best) <= 1e-6 * best, (plan["objective"], best)

    values = []
    for fte in (1.0, 2.2e104):
        staffed = json.load(open(os.path.join(DATA, "staff-joint-s3.json")))
        staffed["providers"][0]["staff"][2]["fte"] = fte  # a-3, 1.0 in the file
        f = os.path.join(TMP, "much.json")
        json.dump(staffed, open(f, "w"))
        p, plan = solve(f)
        assert p.returncode == 0 and plan["status"] == "optimal", p.stderr[-500:]
        checked(f, plan)
        values.append(plan["objective"]["value"])
    assert values[0] == values[1], values

    fine = json.loads(json.dumps(tiny))
    fine["policy"]["fte_step"] = 1e-12
    f = os.path.join(TMP, "fine.json")
    json.dump(fine, open(f, "w"))
    p, plan = solve(f)
    assert p.returncode == 70 and p.stderr.startswith("cjos: solver failed: "), p.stderr
    assert plan is None and "Sanitizer" not in p.stderr, p.stderr


@test
def the_week_stops_at_a_node_limit_or_when_stalled():
    """--node-limit counts the nodes of the week's search too (docs/rota.md),
    so that a staffed round stops at the same week on every machine.  On
    this round the week's search runs on for minutes; before, it went on
    past the node limit until the time limit (600 s by default) stopped
    it.  Now it stops within the nodes the plan's searches left, the week
    unproven (rota.status feasible), checked by the rota checker, and the
    same on a second run; the providers' windows before it count against
    the same limit.  Without a limit, a week's search that finds nothing
    better for 500 nodes after the windows is given up (on a round of 12
    schools with staff it ran to the time limit before), with a week the
    rota checker passes."""
    f = generated("g37st.json", 37, 15, 766514, "--staff")
    weeks = []
    for _ in range(1 if SLOW else 2):
        p, plan = solve(f, "--node-limit", "100", "--verbose")
        assert p.returncode == 0, p.stderr[-500:]
        assert "week: the model's search stopped at the node limit" in p.stderr, \
            p.stderr[-800:]
        assert plan["rota"]["status"] == "feasible", plan["rota"]
        checked(f, plan)
        weeks.append((plan["schools"], plan["rota"]))
    assert all(w == weeks[0] for w in weeks)
    if SLOW:
        return  # 5,000 nodes under the sanitizers: minutes
    f = generated("g12st.json", 12, 9, 3, "--staff")
    p, plan = solve(f, "--verbose")
    assert p.returncode == 0, p.stderr[-500:]
    assert "week: the model's search given up, stalled" in p.stderr, p.stderr[-800:]
    assert plan["rota"]["status"] == "feasible", plan["rota"]
    checked(f, plan)


@test
def the_providers_windows_improve_the_week():
    """Before the whole week's search, the week is improved a window at a
    time (docs/rota.md, "How long the week is sought"): a window frees the
    people of one provider, or of two that share a school, and is a small
    model that GLPK finishes, where its search of the whole week stalls.  On the first round the windows bring the week to
    the relaxation's bound, which proves it best without the whole week's
    search (which took 8-17 s to prove it before); on the second they improve
    it, and the search after them is given up.  Both weeks pass the rota
    checker."""
    def windows(f):
        p, plan = solve(f, "--verbose")
        assert p.returncode == 0, p.stderr[-500:]
        m = re.search(r"week: the providers' windows took the week from (\d+) to "
                      r"(\d+) \(bound (\d+)\) in (\d+) nodes", p.stderr)
        assert m, p.stderr[-800:]
        checked(f, plan)
        return int(m[1]), int(m[2]), int(m[3]), p.stderr, plan["rota"]

    before, after, bound, err, rota = windows(generated("g25st.json", 25, 15, 3, "--staff"))
    assert before < after == bound, (before, after, bound)
    assert "week: the model's search" not in err, err[-800:]
    assert rota["status"] == "optimal", rota
    before, after, bound, err, rota = windows(generated("g12st.json", 12, 9, 3, "--staff"))
    assert before < after < bound, (before, after, bound)
    assert rota["status"] == "feasible", rota


@test
def a_staffed_plan_is_sought_near_the_plan_without_staff():
    """When the staff cannot carry the plan without staff, the staffing a
    provider at a time names the providers who fall short, and the schools
    of their clusters are searched again with the rest of that plan held
    (docs/rota.md, "How cjos makes sure the rota exists", step 2 (a)).  On
    20 x 13 seed 7 that search finds the optimum, which the joint model's
    search told it then proves.  On staff-joint-s3.json those schools are
    the whole round, and the joint model searches it alone.  The plans pass
    the plan and rota checkers."""
    def staffed(f, blocks):
        p, plan = solve(f, "--verbose")
        assert p.returncode == 0, (f, p.stderr[-500:])
        m = re.search(r"staffing a provider at a time: (\d+) blocks, (\d+) proven best, "
                      r"\d+ given up when stalled, (\d+) without one, .*: "
                      r"the staff cannot carry the plan", p.stderr)
        assert m and int(m[1]) == blocks and int(m[2]) + int(m[3]) == blocks, (f, p.stderr)
        assert int(m[3]) >= 1, m[0]
        assert plan["status"] == "optimal", plan["status"]
        checked(f, plan)
        return p.stderr, plan["objective"]["value"]

    err, value = staffed(generated("g20s7st.json", 20, 13, 7, "--staff"), 59)
    m = re.search(r"a plan the staff can carry, (\d+) pairs searched again: "
                  r"the best of them (-?[\d.]+)", err)
    assert m and int(m[1]) == 40, err[-800:]
    assert math.isclose(float(m[2]), value, abs_tol=1e-6) and value > 87.5, (m[0], value)
    # the work -v reports counts that search's nodes too
    m = re.search(r"the joint model from that plan: [\d.]+, proven best, [\d.]+ s, "
                  r"(\d+) nodes", err)
    assert m and int(m[1]) > 0 and search_nodes(err) >= int(m[1]), err[-800:]
    err, value = staffed(os.path.join(DATA, "staff-joint-s3.json"), 2)
    assert "a plan the staff can carry" not in err, err[-800:]
    assert math.isclose(value, 15.0, abs_tol=1e-6), value


@test
def a_staffed_round_under_a_time_limit_leaves_the_week_its_share():
    """Under a time limit the plan of a staffed round gets 70% of it and the
    week the rest (docs/rota.md, "The week under a time limit").  On 30 x 18
    seed 4 the staff cannot carry the plan without staff; the joint model's
    search from the plan they can carry, with the windows of its plan, ends
    where the plan's share ends, and the week's windows, which got 0.01 s
    before, improve the first week.  On 40 x 22 seed 1 the plan without staff was searched as built
    (far from its bound, until 2026-12-06), whose time the stages after it once missed: at
    -t 5 the run took 8.6 s, at -t 60 101 s.  On 50 x 28 seed 3 the search
    for a plan the staff can carry stops where its share ends, once it has
    one, so the week gets its share there too.  The limit is a promise of the
    command line, so its wall time is checked here, with a margin; not
    under a tool's slowdown, where a node can outlast it."""
    if SLOW:
        return
    f = generated("g30s4st.json", 30, 18, 4, "--staff")
    p, plan = solve(f, "--verbose", "-t", "6")
    assert p.returncode == 0, p.stderr[-500:]
    # stopped where the plan's share ends, or before it for the windows of
    # its plan, which end there (docs/rota.md, "The windows of a staffed plan")
    assert re.search(r"the joint model from that plan: [\d.]+, stopped (where the plan's "
                     r"share of the time limit ends|for the windows of its plan)",
                     p.stderr), p.stderr[-1500:]
    m = re.search(r"week: the providers' windows took the week from (\d+) to (\d+)",
                  p.stderr)
    assert m and int(m[2]) > int(m[1]), (m and m[0], p.stderr[-800:])
    assert plan["status"] == "feasible" and plan["solver"]["stopped_by"] == "time", plan["solver"]
    checked(f, plan)
    f = generated("g40s1st.json", 40, 22, 1, "--staff")
    p, plan, took = timed_solve(f, "-t", "5")
    assert p.returncode == 0 and plan["status"] == "feasible", p.stderr[-500:]
    assert took < 5 + 1.5, took
    checked(f, plan)
    # 50 x 28 seed 3: the plan without staff is proven in under 2 s, and the
    # search for a plan the staff can carry (step 2 (a)) ran to the limit,
    # leaving the week 0.01 s; its share is now 70% of what is left
    f = generated("g50s3st.json", 50, 28, 3, "--staff")
    p, plan, took = timed_solve(f, "--verbose", "-t", "12")
    assert p.returncode == 0 and plan["status"] == "feasible", p.stderr[-500:]
    assert took < 12 + 1.5, took
    m = re.search(r"week: the providers' windows took the week from (\d+) to (\d+)",
                  p.stderr)
    assert m and int(m[2]) > int(m[1]), (m and m[0], p.stderr[-800:])
    checked(f, plan)


@test
def a_plan_past_its_limit_leaves_the_first_week():
    """On 150 x 60 seed 1 with staff the staff cannot carry the plan without
    staff, and at -t 5 the search for a plan they can carry finds one only in
    the rescue, which may run to half as long again as the limit.  The week
    then has no time left: its first placing stands.  The build before
    solved the week's LP all the same, without a limit (2.6 s here, 8.4 s
    on 300 x 120), and took 9.1-10.1 s in all.  Not under a tool's slowdown,
    which changes what a time limit reaches."""
    if SLOW:
        return
    f = generated("g150s1st.json", 150, 60, 1, "--staff")
    p, plan, took = timed_solve(f, "--verbose", "-t", "5")
    assert p.returncode == 0 and plan["status"] == "feasible", p.stderr[-800:]
    assert plan["solver"]["stopped_by"] == "time", plan["solver"]
    assert took < 5 * 1.5 + 1.2, took
    if "rescue: a first plan" in p.stderr:
        # the plan the staff can carry came after the limit: no week's LP
        assert "week: no time left for its search, the first week stands" in p.stderr, \
            p.stderr[-800:]
        assert "week: the model's search" not in p.stderr, p.stderr[-800:]
        assert plan["rota"]["status"] == "feasible", plan["rota"]["status"]
    checked(f, plan)


@test
def a_staffed_round_with_little_time_has_a_plan_in_reserve():
    """On 40 x 22 seed 2 with staff the schools of the providers whose staff
    cannot carry the plan without staff hold most of the round's pairs, so
    that step 2 (a) of docs/rota.md, searched in full, would be the joint
    model's own search; it is searched depth first for a first plan only,
    which the joint model keeps in reserve.  At -t 4 the joint model finds
    no plan of its own: the build before ended `unknown` (exit 1), and the
    rescue of the joint model alone found one 35% worse (110.82).  Not under
    a tool's slowdown, which changes what a time limit reaches."""
    if SLOW:
        return
    f = generated("g40s2st.json", 40, 22, 2, "--staff")
    p, plan, took = timed_solve(f, "--verbose", "-t", "4")
    assert p.returncode == 0 and plan["status"] == "feasible", p.stderr[-800:]
    m = re.search(r"a plan the staff can carry, (\d+) pairs searched again depth first: "
                  r"one (-?[\d.]+)", p.stderr)
    assert m and int(m[1]) == 140, p.stderr[-800:]
    assert plan["objective"]["value"] >= float(m[2]) - 1e-6 and float(m[2]) > 160, m[0]
    assert plan["solver"]["stopped_by"] == "time", plan["solver"]
    assert took < 4 + 1.5, took
    checked(f, plan)


@test
def a_staffed_search_from_a_plan_that_is_stuck_is_given_up():
    """On 25 x 15 seed 8 with staff GLPK's search of the joint model from
    the plan of step 2 (b) finds a plan 0.005% below the optimum and then
    sits on one bound: the build before did not prove the round in 14
    minutes, and at -t 120 stopped where the plan's share ends, unproven.
    Given up once stuck, the search from nothing proves it (docs/rota.md,
    "A search from a plan that is stuck"), with the optimum CBC proves on
    the model cjos exports.  Not under a tool's slowdown, which changes
    what a time limit reaches."""
    if SLOW:
        return
    stuck, best = stuck_then_proven(8, "-t", "120")
    assert stuck < best - 1e-4, (stuck, best)


@test
def a_proof_worth_the_reserve_within_rounding_is_kept():
    """On 25 x 15 seed 20 with staff the search from the plan of step 2 (a)
    is stuck at the optimum, and the search from nothing, with that plan in
    reserve, proves the same value, 5e-9 below the reserve's in rounding.
    The build before threw the proof away for the reserve and wrote the
    plan `feasible` with a gap of 1.5% (the relaxation's bound); the plan
    is now `optimal`, with the optimum CBC proves on the model cjos
    exports.  Not under a tool's slowdown, as its sibling above."""
    if SLOW:
        return
    stuck, best = stuck_then_proven(20)
    assert abs(stuck - best) <= 1e-6, (stuck, best)


def stuck_then_proven(seed, *args):
    """Solves 25 x 15 `seed` with staff (with `args`), whose joint model's
    search from a plan is given up, stuck, and whose search from nothing
    proves the optimum CBC proves on the model cjos exports; the plan is
    `optimal` at that value and passes the checkers.  Returns the stuck
    search's value and the optimum."""
    f = generated(f"g25s{seed}st.json", 25, 15, seed, "--staff")
    mps = os.path.join(TMP, f"g25s{seed}st.mps")
    solve(f, "--write-mps", mps, "-t", "1")
    best = cbc_optimum(mps, "-max")
    p, plan = solve(f, "--verbose", *args)
    assert p.returncode == 0 and plan["status"] == "optimal", p.stderr[-800:]
    assert plan["objective"]["gap"] == 0, plan["objective"]
    m = re.search(r"the joint model from that plan: (-?[\d.]+), given up, its plan "
                  r"and bound stuck", p.stderr)
    assert m, p.stderr[-800:]
    assert re.search(r"the joint model from nothing: (-?[\d.]+), proven best",
                     p.stderr), p.stderr[-800:]
    z = plan["objective"]["value"]
    assert abs(z - best) <= 1e-6 * (1 + abs(best)), (plan["objective"], best)
    checked(f, plan)
    return float(m[1]), best


def bettered_in_windows(p, plan, search, windows):
    """The plan of a run whose `search` (the start of its -v line) was
    stopped for the windows of its plan: `feasible`, stopped by the time;
    the windows' line (`windows`: N searched, M better, ..., A to B) begins
    at the search's plan and ends at least there, better exactly when it
    counts a better plan, and the plan written is B.  Returns B."""
    assert p.returncode == 0 and plan["status"] == "feasible", p.stderr[-800:]
    assert plan["solver"]["stopped_by"] == "time", plan["solver"]
    m = re.search(re.escape(search) + r": (-?[\d.]+), stopped for the windows of its "
                  r"plan, far from its bound", p.stderr)
    assert m, p.stderr[-800:]
    w = re.search("^" + re.escape(windows) + r": (\d+) searched, (\d+) better, \d+ "
                  r"nodes, [\d.]+ s, (-?[\d.]+) to (-?[\d.]+)", p.stderr, re.M)
    assert w and int(w[1]) >= 1 and int(w[2]) <= int(w[1]), p.stderr[-800:]
    assert abs(float(w[3]) - float(m[1])) <= 1e-6, (w[0], m[0])
    assert float(w[4]) >= float(w[3]) - 1e-6 and (float(w[4]) > float(w[3])) == (
        int(w[2]) > 0), w[0]
    z = plan["objective"]["value"]
    assert abs(z - float(w[4])) <= 1e-5 * (1 + abs(z)), (z, w[0])
    return z


@test
def a_staffed_plan_under_a_time_limit_is_bettered_in_its_windows():
    """Under a time limit the joint model's search of a staffed round is
    stopped after half of what is left of the plan's share while its plan
    is more than 1% below its bound, and the windows of that plan get the
    rest (docs/rota.md, "The windows of a staffed plan").  30 x 18 seed 7
    with staff at -t 10: the search from nothing, with the depth-first plan
    of step 2 (a) in reserve, is stopped for the windows, and the plan
    written is the windows' plan, at least as good as the search's, within
    the plan's bound, and it passes the plan and rota checkers.  Not under
    a tool's slowdown, which changes what a time limit reaches."""
    if SLOW:
        return
    f = generated("g30s7st.json", 30, 18, 7, "--staff")
    p, plan = solve(f, "--verbose", "-t", "10")
    z = bettered_in_windows(p, plan, "the joint model from nothing",
                            "windows of the staffed plan")
    assert z <= plan["objective"]["bound"] + 1e-9, plan["objective"]
    checked(f, plan)


@test
def a_plan_far_below_the_bound_at_first_is_sought_in_wider_neighbourhoods():
    """The first neighbourhood's plan can lie far below the bound without the
    plans staying there: on 40 x 22 seed 3 it is 147.91 against 164.75, and
    the optimum 0.8% below the bound.  The neighbourhoods widen on to its
    proof (some 1.2 s), where until 2026-12-06 a plan more than a tenth
    below the bound sent the search to the model as built, which took 39 s
    (docs/performance-record.md, "Taken: the neighbourhoods however far the
    plan").  The proof is the last neighbourhood's, no model as built was
    searched (-v would say so), the optimum is the one HiGHS finds, and the
    plan passes the plan checker."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import pricecheck
    f = generated("g40s3.json", 40, 22, 3)
    p, plan = solve(f, "--verbose")
    assert p.returncode == 0 and plan["status"] == "optimal", p.stderr[-800:]
    first = re.search(r"^neighbourhood [\d.e-]+ of bound (-?[\d.]+): \d+ free.*, status 0, "
                      r"(-?[\d.]+),", p.stderr, re.M)
    assert first, p.stderr[-800:]
    ub, z = float(first[1]), float(first[2])
    assert ub - z > 0.1 * (1 + abs(ub)), first[0]  # else the round tests nothing
    assert "the model as built" not in p.stderr, p.stderr[-800:]
    assert re.search(r"^neighbourhood .*, status 0, [\d.]+, [\d.]+ s, \d+ nodes\n"
                     r"search: ", p.stderr, re.M), p.stderr[-800:]
    checked(f, plan)
    best = pricecheck.optimum(json.load(open(f)))
    assert abs(plan["objective"]["value"] - best) <= 1e-6, (plan["objective"], best)


@test
def the_widening_goes_straight_to_the_last_neighbourhood_when_it_is_hardly_wider():
    """On 40 x 22 seed 8 the neighbourhood of 74 free pairs finds the
    optimum; widening fourfold would free 126 pairs and still not end the
    search, and the last neighbourhood, the one that can, frees 132.  cjos
    goes straight to that one instead of searching both (1.6 s and 296
    nodes before, 193 after; docs/performance-record.md, "Taken: straight
    to the last neighbourhood when it is hardly wider").  The step after
    the 74 is more than fourfold, more than 8 free pairs wider, and told
    the best plan; it is the last; the optimum is the one HiGHS finds."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import pricecheck
    f = generated("g40s8.json", 40, 22, 8)
    p, plan = solve(f, "--verbose")
    assert p.returncode == 0 and plan["status"] == "optimal", p.stderr[-800:]
    steps = re.findall(r"^neighbourhood ([\d.e+-]+) of bound [\d.-]+: (\d+) free(.*)$",
                       p.stderr, re.M)
    jumps = [(a, b) for a, b in zip(steps, steps[1:])
             if float(b[0]) > 4 * float(a[0]) * (1 + 1e-9)
             and int(b[1]) > int(a[1]) + 8 and "(above " in b[2]]
    assert len(jumps) == 1, steps  # else the round tests nothing
    assert jumps[0][1] == steps[-1], steps
    assert re.search(r"^neighbourhood .*\nsearch: ", p.stderr, re.M), p.stderr[-800:]
    checked(f, plan)
    best = pricecheck.optimum(json.load(open(f)))
    assert abs(plan["objective"]["value"] - best) <= 1e-6, (plan["objective"], best)


@test
def reliability_branching_proves_a_round_in_few_nodes():
    """On 30 x 18 seed 14 GLPK's pseudo-costs, each started once and then
    added to by GLPK's own branchings, took 8,058 nodes and 23 s to prove
    the optimum in all; CBC takes ten.  cjos now chooses the column to
    branch on itself, trying candidates on the node's LP until their
    pseudo-costs are reliable (solver/strong.c, solver/dual.c): 522 nodes
    (380 before columns were held at the node, 316 while the tries went
    through glp_simplex).  The count of nodes does not depend on the
    machine; the optimum is HiGHS's."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import pricecheck
    f = generated("g30s14.json", 30, 18, 14)
    p, plan = solve(f, "--verbose")
    assert p.returncode == 0 and plan["status"] == "optimal", p.stderr[-800:]
    m = re.search(r"^search: (\d+) nodes, \d+ simplex iterations$", p.stderr, re.M)
    assert m and int(m[1]) < 1000, p.stderr[-800:]
    tries = re.search(r"^reliability branching: (\d+) tries$", p.stderr, re.M)
    assert tries and int(tries[1]) > 0, p.stderr[-800:]
    checked(f, plan)
    best = pricecheck.optimum(json.load(open(f)))
    assert abs(plan["objective"]["value"] - best) <= 1e-6, (plan["objective"], best)


@test
def branch_and_price_proves_a_middling_round():
    f = generated("g25.json", 25, 18, 4)
    out = os.path.join(TMP, "g25-plan.json")
    p = run("solve", f, "-o", out, "--verbose")
    assert p.returncode == 0, p.stderr
    if not SLOW:  # a tool's slowdown can leave it unfinished in its half second
        assert re.search(r"branch and price: \d+ nodes, proven", p.stderr), p.stderr
    plan = json.load(open(out))
    assert plan["status"] == "optimal"
    checked(f, plan)


@test
def count_columns_keep_the_optimum():
    """The neighbourhoods add a column per provider and cluster that counts
    its schools there, and one per school that sums its steps of FTE
    (solver/counts.c), for GLPK to branch on; the optimum is still that of
    SPEC section 3, as HiGHS finds it on the model written from the text
    (tests/pricecheck.py)."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import pricecheck
    f = generated("g30.json", 30, 20, 5)
    p, plan = solve(f, "--verbose")
    assert p.returncode == 0, p.stderr
    m = re.search(r"count columns: (\d+)", p.stderr)
    assert m and int(m.group(1)) > 0, p.stderr
    m = re.search(r"step columns: (\d+)", p.stderr)
    n_schools = len(json.load(open(f))["schools"])
    assert m and 0 < int(m.group(1)) <= n_schools, p.stderr
    assert plan["status"] == "optimal"
    checked(f, plan)
    best = pricecheck.optimum(json.load(open(f)))
    assert abs(plan["objective"]["value"] - best) < 1e-6, (plan["objective"], best)


@test
def gap_limit_stops_with_a_plan_proven_that_close():
    """--gap stops the search once its best plan is proven within the gap of
    the optimum: the plan is feasible, says the gap limit stopped it, passes
    the plan checker, and the optimum HiGHS finds lies between its value and
    its bound, which are at most the gap apart.  A tighter gap takes the
    same search further; a round proven within the gap anyway is optimal.
    Bad values are usage errors."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import pricecheck
    f = os.path.join(DATA, "gap-limit.json")  # bench/gen's 30 x 20, seed 5
    best = pricecheck.optimum(json.load(open(f)))
    values = []
    for given, limit in (("2%", 0.02), ("0.005", 0.005)):
        p, plan = solve(f, "--gap", given)
        assert p.returncode == 0, p.stderr[-500:]
        checked(f, plan)
        ob, sv = plan["objective"], plan["solver"]
        assert plan["status"] == "feasible" and sv["stopped_by"] == "gap", (plan["status"], sv)
        assert sv["gap_limit"] == limit, sv
        assert ob["value"] <= best + 1e-6 <= ob["bound"] + 2e-6, (ob, best)
        assert 0 < ob["bound"] - ob["value"] <= limit * abs(ob["value"]) + 1e-9, ob
        assert 0 < ob["gap"] <= limit, ob
        values.append(ob["value"])
    assert values[1] >= values[0] - 1e-9, values
    p = run("solve", f, "--gap", "2%", "-f", "md")
    assert p.returncode == 0 and "(stopped by the gap limit)" in p.stdout, p.stdout[:600]
    # proven within any gap by its first search: optimal, not stopped
    p, plan = solve(os.path.join(DATA, "policy-none.json"), "--gap", "0.5")
    assert plan["status"] == "optimal" and plan["solver"]["stopped_by"] is None, plan
    # per scenario in a sweep
    p = run("whatif", f, "--vary", "policy.coverage_penalty=10:12:2", "--gap", "2%",
            "-f", "json")
    assert p.returncode == 0, p.stderr[-500:]
    sweep = json.loads(p.stdout)
    for s in [sweep["base"]] + sweep["scenarios"]:
        assert s["status"] in ("optimal", "feasible") and 0 <= s["gap"] <= 0.02, s
        assert (s["gap"] == 0) == (s["status"] == "optimal"), s
    # and in the sweep's table: a fraction in csv, a percentage in md
    p = run("whatif", f, "--vary", "policy.coverage_penalty=10:12:2", "--gap", "2%",
            "-f", "csv")
    assert p.returncode == 0, p.stderr[-500:]
    rows = list(csv.DictReader(io.StringIO(p.stdout)))
    assert [float(r["gap"]) for r in rows] == [s["gap"] for s in sweep["scenarios"]], rows
    p = run("whatif", f, "--vary", "policy.coverage_penalty=10:12:2", "--gap", "2%",
            "-f", "md")
    lines = p.stdout.splitlines()
    assert lines[0].split(" | ")[3] == "gap", lines[0]
    assert [l.split(" | ")[3] for l in lines[2:]] == [
        f"{100 * s['gap']:.2f}%" for s in sweep["scenarios"]], lines
    for bad in ("1", "100%", "-0.1", "abc", "%", ""):
        p = run("solve", f, "--gap", bad)
        assert p.returncode == 64 and f"bad gap '{bad}'" in p.stderr, (bad, p.stderr)
    p = run("shortlist", f, "--gap", "0.01")
    assert p.returncode == 64 and "'--gap' does not apply here" in p.stderr, p.stderr


@test
def branch_and_price_works_less_under_a_loose_gap():
    """The short branch and price before the neighbourhoods is there to prove
    the optimum: it prices at most 12,000 blocks, under a gap limit up to 0.1%
    as without one, and less under a looser limit, in proportion (1,200 at
    1%; docs/model.md).  The plan is still checked and within the gap."""
    f = os.path.join(DATA, "gap-limit.json")  # bench/gen's 30 x 20, seed 5

    def work(*args):
        p, plan = solve(f, "--verbose", *args)
        assert p.returncode == 0, p.stderr[-500:]
        checked(f, plan)
        m = re.search(r"branch and price: \d+ nodes, not finished, [\d.]+ s, (\d+) blocks",
                      p.stderr)
        assert m, p.stderr[-1500:]
        return int(m.group(1)), plan

    whole, _ = work()
    tight, _ = work("--gap", "0.1%")
    loose, plan = work("--gap", "1%")
    assert whole >= 12000 and tight == whole, (whole, tight)
    # a node prices every block of the round at least once: 9 here
    assert 1200 <= loose < 1200 + 100, loose
    assert 0 <= plan["objective"]["gap"] <= 0.01, plan["objective"]


@test
def gap_limit_widens_straight_to_what_it_needs():
    """Under --gap a neighbourhood narrower than bound - z - GAP|z| can only
    end the search by a better plan; when the width the gap needs is near,
    the widening goes straight to it (docs/model.md).  The plan so found is
    still within the gap of the optimum HiGHS finds, and passes the plan
    checker."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import pricecheck
    f = os.path.join(DATA, "gap-widening.json")  # bench/gen's 40 x 25, seed 8
    best = pricecheck.optimum(json.load(open(f)))
    p, plan = solve(f, "--gap", "1%", "-v")
    assert p.returncode == 0, p.stderr[-500:]
    # else the round no longer takes that step, and this tests nothing new
    assert "widening to" in p.stderr, p.stderr[-2000:]
    checked(f, plan)
    ob, sv = plan["objective"], plan["solver"]
    assert plan["status"] == "feasible" and sv["stopped_by"] == "gap", (plan["status"], sv)
    assert ob["value"] <= best + 1e-6 <= ob["bound"] + 2e-6, (ob, best)
    assert 0 < ob["gap"] <= 0.01, ob


@test
def gap_limit_holds_for_parts_of_both_signs():
    """A round that falls apart is solved part by part, each under the gap
    limit; when a part's penalties outweigh its scores, the parts' gaps can
    add up to more than the gap of the sum, and the parts are then solved
    again under a tighter limit (solver/parts.c).  The plan keeps the
    promise of --gap: its gap at most the limit, the optimum HiGHS finds
    between its value and its bound."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import pricecheck
    base = os.path.join(DATA, "gap-limit.json")
    r = json.load(open(base))
    for i, p in enumerate(r["providers"]):
        if i % 3:
            p["expertise"] = []  # schools left uncovered: a negative part
    neg = os.path.join(TMP, "negative-part.json")
    json.dump(r, open(neg, "w"))
    f = os.path.join(TMP, "both-signs.json")
    subprocess.run([sys.executable, os.path.join(SRC, "bench", "join"), base, neg,
                    "-o", f], check=True)
    p, plan = solve(f, "--gap", "2%", "-v")
    assert p.returncode == 0, p.stderr[-500:]
    # else the parts no longer add up past the limit, and this tests nothing
    assert "of the whole above the limit, again at" in p.stderr, p.stderr[-2000:]
    checked(f, plan)
    ob, sv = plan["objective"], plan["solver"]
    assert plan["status"] in ("feasible", "optimal"), plan["status"]
    assert 0 <= ob["gap"] <= 0.02, ob
    assert sv["gap_limit"] == 0.02, sv
    # the parts share nothing: the optimum is the sum of theirs (HiGHS on
    # each part, some 5 s, where on the joined round it takes 30 s)
    best = sum(pricecheck.optimum(json.load(open(x))) for x in (base, neg))
    assert ob["value"] <= best + 1e-6 <= ob["bound"] + 2e-6, (ob, best)


def cbc_optimum(model, *args):
    """The optimum CBC proves for an exported model (CBC 2.10 ignores an MPS
    file's OBJSENSE: pass "-max" for those)."""
    if not shutil.which("cbc"):
        raise AssertionError("cbc is not installed (test.sh installs coinor-cbc)")
    out = subprocess.run(["cbc", model, *args, "solve", "quit"], capture_output=True,
                         text=True, timeout=300).stdout
    m = re.search(r"Objective value:\s+(-?[\d.e+-]+)", out)
    assert m and "Optimal" in out, out[-500:]
    return float(m.group(1))


def objective_step(model):
    """The largest number that divides every objective coefficient of an
    exported model a whole number of times (each read as a fraction with a
    denominator up to 100,000), as a Fraction: every plan of the model whose
    coverage slacks are whole (as in any plan worth having) is worth its
    constant plus a whole number of it."""
    objective, section, coefs = None, None, []
    for line in open(model):
        t = line.split()
        if not t or line.startswith("*"):
            continue
        if not line[0].isspace():
            section = t[0]
        elif section == "ROWS" and t[0] == "N":
            objective = t[1]
        elif section == "COLUMNS" and "'MARKER'" not in t:
            for row, val in zip(t[1::2], t[2::2]):
                if row == objective and float(val) != 0:
                    coefs.append(fractions.Fraction(float(val)).limit_denominator(10**5))
    assert coefs, model
    return fractions.Fraction(math.gcd(*(abs(c.numerator) for c in coefs)),
                              math.lcm(*(c.denominator for c in coefs)))


@test
def stalled_neighbourhoods_are_given_up():
    """A neighbourhood that cannot end the search (solver/neighbourhoods.c)
    is given up once GLPK stalls in it (solver/search.c), and the search
    goes on: on this round the neighbourhood of 64 free pairs is given up,
    and the plan is still the optimum HiGHS finds (tests/pricecheck.py).
    (On 80 x 50 seed 10 until 2026-12-07, whose neighbourhoods reliability
    branching searches through.)"""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import pricecheck
    f = generated("g40.json", 40, 22, 4)
    p, plan = solve(f, "--verbose")
    assert p.returncode == 0, p.stderr
    assert re.search(r"neighbourhood [0-9.e-]+ of bound [0-9.]+: \d+ free \(given up\)",
                     p.stderr), p.stderr
    # the work of the searches, as bench/compare reads it
    m = re.search(r"^search: (\d+) nodes, (\d+) simplex iterations$", p.stderr, re.M)
    assert m and int(m.group(1)) > 500 and int(m.group(2)) > 0, p.stderr[-500:]
    assert plan["status"] == "optimal"
    checked(f, plan)
    best = pricecheck.optimum(json.load(open(f)))
    assert math.isclose(best, plan["objective"]["value"], rel_tol=1e-7, abs_tol=1e-6), (
        best, plan["objective"])
    # stopped (by a node limit) on the first node after the one given up:
    # the bound of the plan is at most what the one given up proved, bound
    # - its delta, not the prices' bound
    used = 0
    for line in p.stderr.splitlines():
        m = re.match(r"neighbourhood ([0-9.e-]+) of bound ([0-9.]+): .*, (\d+) nodes$", line)
        if m:
            used += int(m.group(3))
            if "(given up)" in line:
                delta, ub = float(m.group(1)), float(m.group(2))
                break
    else:
        raise AssertionError("no neighbourhood given up: " + p.stderr[-500:])
    p, cut = solve(f, "--node-limit", str(used + 1))
    assert p.returncode == 0 and cut["status"] == "feasible", p.stderr[-500:]
    ob = cut["objective"]
    assert ob["value"] <= best + 1e-6 <= ob["bound"] + 2e-6, (ob, best)
    assert ob["bound"] <= ub - delta + 1e-6, (ob, ub, delta)


@test
def a_search_stopped_before_its_first_plan_keeps_its_bound():
    """A neighbourhood stopped by a limit before GLPK found a plan in it
    still has GLPK's bound on every plan inside it (solver/search.c), and
    bound - delta holds outside (solver/neighbourhoods.c): on this round,
    at 126 nodes, the plan's bound is that, below the bound - delta of the
    neighbourhood searched through before it, and above the optimum.  (On
    60 x 40 seed 13 at 500 nodes until 2026-12-07, when the widening went
    straight to its last neighbourhood there; at 192 nodes here until
    reliability branching took fewer before it.)"""
    f = generated("u60b.json", 60, 40, 16)
    p, cut = solve(f, "--verbose", "--node-limit", "126")
    assert p.returncode == 0 and cut["status"] == "feasible", p.stderr[-500:]
    lines = re.findall(r"^neighbourhood ([0-9.e-]+) of bound ([0-9.]+): \d+ free, "
                       r"status (\d+), ", p.stderr, re.M)
    assert len(lines) >= 2, p.stderr[-800:]
    (before, ub, status_before), (delta, _, status) = lines[-2], lines[-1]
    # the last one stopped without a plan, the one before searched through
    assert status == "3" and status_before == "0", lines
    ub, before, delta = float(ub), float(before), float(delta)
    ob = cut["objective"]
    assert ub - delta - 1e-6 <= ob["bound"] < ub - before - 1e-4, (ob, ub, before, delta)
    p, plan = solve(f)
    assert p.returncode == 0 and plan["status"] == "optimal", p.stderr[-500:]
    checked(f, plan)
    assert ob["value"] <= plan["objective"]["value"] <= ob["bound"] + 1e-6, (ob, plan)


@test
def windows_improve_the_plan_after_a_stalled_neighbourhood():
    """After a neighbourhood given up, and before a wider one that cannot end
    the search, cjos searches the best plan's windows (solver/windows.c): on
    this round they find better plans than the neighbourhoods had, and the
    plan written under a node limit that stops just after them is at least
    the windows' best, meets every rule and claims no bound below it.  (On
    80 x 50 seed 12 at 2,900 nodes until 2026-12-07, when the widening went
    straight to its last neighbourhood there, with no windows before it;
    then on 80 x 50 seed 4 at 2,988 nodes until holding a column at the
    node proved the neighbourhood it had given up.)"""
    f = generated("w90.json", 90, 55, 35)
    p, plan = solve(f, "--verbose", "--node-limit", "1846")
    assert p.returncode == 0, p.stderr
    given_up = p.stderr.find("(given up)")
    m = re.search(r"^windows: (\d+) searched, (\d+) better, (\d+) nodes, [0-9.]+ s, "
                  r"([0-9.]+) to ([0-9.]+)$", p.stderr, re.M)
    assert m and 0 <= given_up < m.start(), p.stderr[-800:]
    searched, better, before, after = (int(m.group(1)), int(m.group(2)),
                                       float(m.group(4)), float(m.group(5)))
    assert searched > 0 and better > 0 and after > before, m.group(0)
    # nothing before the windows was as good as what they found
    found = [float(x) for x in re.findall(r"^neighbourhood .*, status [01], ([0-9.]+), ",
                                          p.stderr[:m.start()], re.M)]
    assert found and max(found) < after - 1e-6, (found, after)
    ob = plan["objective"]
    assert plan["status"] == "feasible", plan["status"]
    assert ob["value"] >= after - 1e-6 and ob["bound"] >= ob["value"], ob
    checked(f, plan)


def first_windows(stderr):
    """The neighbourhood and windows lines of a `--verbose` solve, and the
    index among them of the first windows line, which follows a
    neighbourhood."""
    lines = [ln for ln in stderr.splitlines()
             if ln.startswith(("neighbourhood ", "windows: "))]
    at = [i for i, ln in enumerate(lines) if ln.startswith("windows: ")]
    assert at and at[0] > 0, lines
    return lines, at[0]


@test
def windows_come_first_after_a_long_neighbourhood_under_a_gap_limit():
    """Under a gap limit, a neighbourhood whose search took 50 nodes or more
    (and two for each cluster) is followed by the plan's windows too, as one
    given up is, before a wider neighbourhood that only a better plan can
    end (docs/model.md):
    on this round they find a better plan than the neighbourhoods had.
    Without a gap limit the same neighbourhoods run and no windows.  The
    plan is checked, within the gap of the optimum HiGHS finds, and its
    bound is no lower than that optimum.  (On 50 x 30 seed 14 until
    2026-12-07, where reliability branching goes straight to the optimum,
    and then on 40 x 22 seed 1 until holding a column at the node took
    its searches past the windows.)"""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import pricecheck
    f = generated("w50b.json", 50, 30, 29)
    best = pricecheck.optimum(json.load(open(f)))
    p, plan = solve(f, "--gap", "1%", "-v")
    assert p.returncode == 0, p.stderr[-500:]
    lines, at = first_windows(p.stderr)
    m = re.search(r", status [01], [0-9.]+, [0-9.]+ s, (\d+) nodes$", lines[at - 1])
    assert m and int(m.group(1)) >= 50, lines[at - 1]
    assert not any("(given up)" in ln for ln in lines[:at]), lines
    w = re.search(r"(\d+) better, \d+ nodes, [0-9.]+ s, ([0-9.]+) to ([0-9.]+)$", lines[at])
    assert w and int(w.group(1)) > 0, lines[at]
    assert float(w.group(3)) > float(w.group(2)) + 1e-6, lines[at]
    assert float(w.group(3)) <= best + 1e-6, (lines[at], best)
    checked(f, plan)
    ob = plan["objective"]
    assert ob["value"] <= best + 1e-6 <= ob["bound"] + 2e-6, (ob, best)
    assert best - ob["value"] <= 0.01 * ob["value"] + 1e-6, (ob, best)
    assert 0 <= ob["gap"] <= 0.01, ob
    # the step is the gap limit's: without it nothing changes
    p, whole = solve(f, "-v")
    assert p.returncode == 0 and whole["status"] == "optimal", p.stderr[-500:]
    assert "windows: " not in p.stderr, p.stderr[-1500:]
    assert abs(whole["objective"]["value"] - best) <= 1e-6, (whole["objective"], best)


@test
def windows_after_a_long_search_take_at_most_twice_its_nodes():
    """The windows that follow a long neighbourhood under a gap limit may take
    at most twice the nodes it took (docs/model.md): at 0.1% they seldom
    reach the gap, and on this round took 1,637 nodes after one of 99
    without the cap.  A node limit past the windows keeps the test short;
    the plan is the windows' best or better, and checked."""
    f = generated("w100.json", 100, 60, 1)
    p, plan = solve(f, "--gap", "0.1%", "--node-limit", "400", "-v")
    assert p.returncode == 0, p.stderr[-500:]
    lines, at = first_windows(p.stderr)
    assert "(given up)" not in lines[at - 1], lines
    before = int(re.search(r"(\d+) nodes$", lines[at - 1]).group(1))
    w = re.search(r"better, (\d+) nodes, [0-9.]+ s, ([0-9.]+) to ([0-9.]+)$", lines[at])
    assert w and before >= 50, (lines[at - 1], lines[at])
    # GLPK stops a search one node past its limit
    assert 0 < int(w.group(1)) <= 2 * before + 1, (before, lines[at])
    checked(f, plan)
    assert plan["status"] == "feasible" and plan["solver"]["stopped_by"] == "nodes", plan
    assert plan["objective"]["value"] >= float(w.group(3)) - 1e-6, (plan["objective"], w)


@test
def a_tighter_bound_is_sought_near_a_tight_gap_limit():
    """Under a gap limit of 0.2% or less, once the best plan is within 1.5
    times the limit of the bound but not within it, cjos seeks a tighter
    bound once: each block also held to the joining rows restricted to it,
    priced as small MIPs (solver/deep.c, docs/model.md).  On this round it
    follows the neighbourhood given up and comes well below the prices'
    bound, yet above the plan cjos finds (checked) and the best HiGHS finds
    in a few seconds: no optimum is below either.  The plan's bound is no
    higher than it, within the gap.  At 1% it is not sought."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import pricecheck
    f = generated("t100.json", 100, 60, 1)
    p, plan = solve(f, "--gap", "0.1%", "-v")
    assert p.returncode == 0, p.stderr[-500:]
    lines = p.stderr.splitlines()
    priced = float(re.search(r"^priced rows: .* bound ([0-9.]+), ", p.stderr, re.M).group(1))
    at = [k for k, ln in enumerate(lines) if ln.startswith("tighter bound: ")]
    assert len(at) == 1, lines
    before = [ln for ln in lines[:at[0]] if ln.startswith("neighbourhood ")]
    assert before and "(given up)" in before[-1], before
    tighter = float(re.search(r", bound ([0-9.]+), [0-9.]+ s$", lines[at[0]]).group(1))
    checked(f, plan)
    ob = plan["objective"]
    assert tighter < priced - 0.1, (tighter, priced)
    assert tighter >= ob["value"] - 1e-6, (tighter, ob)
    highs = pricecheck.found_by_highs(json.load(open(f)), 5)
    assert highs is not None and tighter >= highs - 1e-6, (tighter, highs)
    assert ob["bound"] <= tighter + 1e-6 and 0 <= ob["gap"] <= 0.001, ob
    assert plan["solver"]["stopped_by"] == "gap", plan["solver"]
    p, loose = solve(f, "--gap", "1%", "-v")
    assert p.returncode == 0 and "tighter bound" not in p.stderr, p.stderr[-1500:]
    checked(f, loose)


@test
def a_tighter_bound_is_sought_under_a_gap_limit_below_a_tenth_percent():
    """Under a gap limit below 0.1% the tighter bound is sought once the plan
    is within 0.15% of the bound, as at 0.1%, not only within 1.5 times the
    limit: it rarely proves such a limit, but it is the bound reported when
    the time runs out first.  On this round it is sought with the plan
    0.09% below the bound branch and price left (1.5 times 0.05% would be
    0.075%)."""
    f = generated("t60.json", 60, 40, 1)
    p, plan = solve(f, "--gap", "0.05%", "-v")
    assert p.returncode == 0, p.stderr[-500:]
    lines = p.stderr.splitlines()
    priced = float(re.search(r"^priced rows: .* bound ([0-9.]+), ", p.stderr, re.M).group(1))
    at = [ln for ln in lines if ln.startswith("tighter bound: ")]
    assert len(at) == 1, lines
    tighter = float(re.search(r", bound ([0-9.]+), [0-9.]+ s$", at[0]).group(1))
    checked(f, plan)
    ob = plan["objective"]
    assert ob["value"] - 1e-6 <= tighter <= priced + 1e-6, (tighter, priced, ob)
    assert ob["bound"] <= tighter + 1e-6 and 0 <= ob["gap"] <= 0.0005, ob


@test
def a_tighter_bound_is_sought_where_a_limit_stops_the_search():
    """Without a gap limit, where a time or node limit stops the search with
    the plan within 0.15% of what is known, cjos seeks the tighter bound of
    solver/deep.c once, in the time held back for it, and reports it when it
    is lower.  On this round a node limit stops the search (the same stop on
    every machine), and the bound comes below both the prices' bound and
    branch and price's, yet stays above the plan (checked) and the best
    HiGHS finds: no optimum is below either.  Where branch and price proves
    a round, nothing is prepared for it."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import pricecheck
    f = generated("t400.json", 400, 400, 1)
    p, plan = solve(f, "--node-limit", "1200", "-v")
    assert p.returncode == 0, p.stderr[-500:]
    lines = p.stderr.splitlines()
    assert plan["status"] == "feasible", plan["status"]
    assert plan["solver"]["stopped_by"] == "nodes", plan["solver"]
    tree = float(re.search(r"^branch and price: .* bound ([0-9.]+)$", p.stderr, re.M).group(1))
    at = [k for k, ln in enumerate(lines) if ln.startswith("tighter bound: ")]
    assert len(at) == 1, lines
    # sought after the last search, not on the way
    assert not [ln for ln in lines[at[0]:] if ln.startswith("neighbourhood ")], lines
    tighter = float(re.search(r", bound ([0-9.]+), [0-9.]+ s$", lines[at[0]]).group(1))
    m = re.search(r"^bound at the limit: ([0-9.]+), with the tighter bound ([0-9.]+)$",
                  p.stderr, re.M)
    assert m, p.stderr[-1500:]
    had = float(m.group(1))
    checked(f, plan)
    ob = plan["objective"]
    assert tighter < tree - 0.1 and tighter < had - 0.1, (tighter, tree, had)
    assert abs(ob["bound"] - tighter) <= 1e-6, (ob, tighter)
    assert ob["value"] - 1e-6 <= tighter, (ob, tighter)
    assert abs(ob["gap"] - (ob["bound"] - ob["value"]) / abs(ob["value"])) <= 1e-9, ob
    assert ob["gap"] <= 0.0015, ob
    highs = pricecheck.found_by_highs(json.load(open(f)), 5)
    assert highs is not None and tighter >= highs - 1e-6, (tighter, highs)
    if not SLOW:  # the outcome of a time limit would be a matter of luck
        # under a time limit: a tenth of it is held back once the plan is
        # near, and the bound is sought in it (here the windows after the
        # neighbourhood given up bring the plan near, and would otherwise
        # take the rest of the time)
        p, timed = solve(f, "--time-limit", "25", "-v")
        assert p.returncode == 0, p.stderr[-500:]
        assert timed["solver"]["stopped_by"] == "time", timed["solver"]
        lines = p.stderr.splitlines()
        at = [ln for ln in lines if ln.startswith("tighter bound: ")]
        assert len(at) == 1, lines
        t = float(re.search(r", bound ([0-9.]+), [0-9.]+ s$", at[0]).group(1))
        assert re.search(r"^bound at the limit: [0-9.]+, with the tighter bound", p.stderr,
                         re.M), p.stderr[-1500:]
        checked(f, timed)
        tb = timed["objective"]
        assert abs(tb["bound"] - t) <= 1e-6 and t < tree - 0.1, (tb, t, tree)
        assert t >= highs - 1e-6 and tb["value"] - 1e-6 <= t, (tb, t, highs)
    # the bundled round: branch and price proves it, nothing is prepared
    p, plan = solve(EXAMPLE, "-v")
    assert p.returncode == 0 and plan["status"] == "optimal", p.stderr[-500:]
    assert "tighter bound" not in p.stderr, p.stderr[-1500:]


@test
def the_last_neighbourhood_looks_only_above_the_best_plan():
    """The neighbourhood that can end the search is told the best plan so far
    (solver/neighbourhoods.c), and GLPK looks there only for plans worth more
    than a value between it and the next value a plan can have
    (solver/lattice.c).
    On the first round it finds none, so the plan found before stands; on
    the second (where the widening jumps straight to the last neighbourhood)
    and the third it finds a better one.  On the third, GLPK's plan meets
    its rows only within GLPK's own tolerances; it must still be read as a
    plan, not as neither a plan nor "nothing above" (which would search the
    neighbourhood again untold: so it does when what GLPK found is checked
    at 1e-12).  All are the optimum CBC
    proves on the model cjos exports.  Stopped by a node limit inside that
    neighbourhood, the first round keeps its plan, and its bound still
    holds."""
    for seed, finds in ((1, False), (36, True), (21, True)):
        f = generated(f"g45s{seed}.json", 45, 28, seed)
        p, plan = solve(f, "--verbose")
        assert p.returncode == 0 and plan["status"] == "optimal", p.stderr[-500:]
        checked(f, plan)
        before, told = 0, None
        for line in p.stderr.splitlines():
            m = re.match(r"neighbourhood [0-9.e-]+ of bound [0-9.]+: \d+ free(?: \(above "
                         r"([0-9.]+)(, searched again untold)?\))?, status (\d+), "
                         r"([0-9.-]+), [0-9.]+ s, (\d+) nodes$", line)
            if m and m.group(1):
                assert not m.group(2), line
                told = float(m.group(1)), int(m.group(3)), float(m.group(4))
                break
            if m:
                before += int(m.group(5))
        assert told, p.stderr[-800:]
        above, status, value = told
        z = plan["objective"]["value"]
        assert status == 0, (seed, told)
        assert above < z if finds else above > z, (seed, told, z)
        # what the neighbourhood ends with: the plan it found, or the one before
        assert (value > above) == finds and abs(value - z) < 1e-5, (seed, told, z)
        mps = os.path.join(TMP, f"g45s{seed}.mps")
        solve(f, "--write-mps", mps, "-t", "1")
        best = cbc_optimum(mps, "-max")
        assert math.isclose(best, z, rel_tol=1e-7, abs_tol=1e-6), (seed, best, z)
        if finds:
            continue
        # told the next value a plan can have above z, less no more than a
        # margin for rounding (1e-6 relative; %.6f prints to 5e-7)
        step = float(objective_step(mps))
        assert 0 < z + step - above <= 1e-6 * (1 + abs(z)) + 1e-6, (above, z, step)
        p, cut = solve(f, "--node-limit", str(before + 1))
        assert p.returncode == 0 and cut["status"] == "feasible", p.stderr[-500:]
        assert cut["schools"] == plan["schools"]
        ob = cut["objective"]
        assert ob["value"] <= best + 1e-6 <= ob["bound"] + 2e-6, (ob, best)


@test
def independent_parts_are_solved_apart():
    """Two rounds in one file (bench/join), with nothing that joins them, are
    solved part by part (solver/parts.c): the same plan at every school as
    each round alone, and the optimum HiGHS finds for the two together."""
    import pricecheck
    rounds = []
    for seed in (2, 3):
        f = generated(f"part{seed}.json", 20, 12, seed)
        rounds.append(json.load(open(f)))
    alone = [solve(os.path.join(TMP, f"part{seed}.json"))[1] for seed in (2, 3)]
    f = os.path.join(TMP, "two-parts.json")
    join = [sys.executable, os.path.join(SRC, "bench", "join")]
    subprocess.run(join + [os.path.join(TMP, "part2.json"), os.path.join(TMP, "part3.json"),
                           "-o", f], check=True)
    p, plan = solve(f, "--verbose")
    assert p.returncode == 0, p.stderr
    assert "part 1 of 2: 20 schools" in p.stderr and "part 2 of 2: 20 schools" in p.stderr
    assert plan["status"] == "optimal"
    checked(f, plan)
    total = sum(x["objective"]["value"] for x in alone)
    assert abs(plan["objective"]["value"] - total) < 1e-6, (plan["objective"], total)
    best = pricecheck.optimum(json.load(open(f)))
    assert abs(plan["objective"]["value"] - best) < 1e-6, (plan["objective"], best)
    got = {x["id"]: x["assignments"] for x in plan["schools"]}
    for prefix, one in (("", alone[0]), ("B", alone[1])):
        for x in one["schools"]:
            want = [dict(a, provider=prefix + a["provider"]) for a in x["assignments"]]
            assert got[prefix + x["id"]] == want, x["id"]
    # a part without a plan: the whole round is solved and diagnosed as one
    b = rounds[1]
    b["clusters"][0]["fte"] = {"min": 50, "max": 60}
    json.dump(b, open(os.path.join(TMP, "part3.json"), "w"))
    subprocess.run(join + [os.path.join(TMP, "part2.json"), os.path.join(TMP, "part3.json"),
                           "-o", f], check=True)
    p, plan = solve(f, "--verbose", "-t", "60")
    assert p.returncode == 1, p.stderr
    assert plan["status"] == "infeasible" and plan["diagnosis"]
    assert "part 2 of 2" in p.stderr
    # the whole round ran in what the parts left, the plan says the limit given
    assert plan["solver"]["time_limit"] == 60, plan["solver"]


@test
def staffed_parts_are_solved_apart():
    """Staffed rounds side by side are solved part by part too: each part's
    rota, joined, passes the rota checker, and the objective and the rota's
    counts are the sums of the rounds alone."""
    files = []
    for seed in (1, 3):
        f = generated(f"staffed{seed}.json", 10, 10, seed, "--staff")
        files.append(f)
    alone = [solve(f, "-t", "60")[1] for f in files]
    f = os.path.join(TMP, "staffed-parts.json")
    subprocess.run([sys.executable, os.path.join(SRC, "bench", "join"), *files, "-o", f],
                   check=True)
    p, plan = solve(f, "-t", "60", "--verbose")
    assert p.returncode == 0, p.stderr
    assert "part 2 of 2" in p.stderr, p.stderr
    checked(f, plan)
    assert all(x["status"] == "optimal" and x["rota"]["status"] == "optimal"
               for x in alone + [plan])
    assert abs(plan["objective"]["value"] - sum(x["objective"]["value"] for x in alone)) < 1e-6
    for k in ("weekdays", "changes_within_day"):
        assert plan["rota"][k] == sum(x["rota"][k] for x in alone), k
    assert abs(plan["rota"]["known_fte"] - sum(x["rota"]["known_fte"] for x in alone)) < 1e-9


def edited(name, edit):
    r = json.load(open(os.path.join(DATA, name)))
    edit(r)
    f = os.path.join(TMP, "edited-" + name)
    json.dump(r, open(f, "w"))
    return solve(f)[1]["status"]


@test
def diagnosis_gives_the_smallest_change_and_it_works():
    _, plan = solve(os.path.join(DATA, "infeasible-cluster.json"))
    changes = [d for d in plan["diagnosis"] if d["kind"] == "change"]
    lower = next(d for d in changes if d["rule"] == "C3")
    assert lower["subject"] == "sbo" and lower["have"] == 1.5, lower
    assert "lower the FTE minimum of cluster 'sbo' to 1.5 FTE" in lower["message"]
    amount = next(d for d in changes if d["rule"] == "C5")
    assert amount["message"].startswith("or instead: raise the annual amount of school "
                                        "'horizon' by 194500")
    cap = next(d for d in changes if d["rule"] == "C7")
    assert cap["subject"] == "duin" and math.isclose(cap["have"], 1.5)

    def minimum(v):
        return lambda r: r["clusters"][0].update(fte={"min": v, "max": 4})
    # the fix works, and it is the smallest: a little less does not
    assert edited("infeasible-cluster.json", minimum(1.5)) == "optimal"
    assert edited("infeasible-cluster.json", minimum(1.6)) == "infeasible"

    def means(extra):
        def edit(r):
            r["schools"][0]["annual_amount"] += extra
            r["providers"][0]["fte_capacity"] = 1.5
        return edit
    assert edited("infeasible-cluster.json", means(194500)) == "optimal"
    assert edited("infeasible-cluster.json", means(194400)) == "infeasible"
    _, plan = solve(os.path.join(DATA, "infeasible-combined.json"))
    fix = [d for d in plan["diagnosis"] if d["kind"] == "change"]
    assert [(d["rule"], d["subject"], d["have"]) for d in fix] == [("C7", "veen", 2)]
    assert edited("infeasible-combined.json",
                  lambda r: r["providers"][1].update(max_schools=2)) == "optimal"


DIAGNOSIS_FAMILIES = [
    # (what breaks the tiny round, the rule, the fix said as an edit that must work)
    ("C4", lambda r: r["schools"][0].update(fte={"min": 2.0, "max": 2.0}),
     "lower the FTE minimum of school 'horizon' to 1.5",
     lambda r: r["schools"][0].update(fte={"min": 1.5, "max": 2.0})),
    ("C6", lambda r: r["clusters"][0].update(annual_amount=50000),
     "raise the annual amount of cluster 'sbo' by 45000 (to 95000)",
     lambda r: r["clusters"][0].update(annual_amount=95000)),
    ("C1", lambda r: r["schools"][1].update(providers={"min": 3, "max": 3}),
     "lower the number of providers of school 'keerkring' to 2",
     lambda r: r["schools"][1].update(providers={"min": 2, "max": 3})),
    ("C8", lambda r: [p.update(expertise=["behaviour"]) for p in r["providers"]],
     "let school 'keerkring' do without expertise 'lvb'",
     lambda r: r["clusters"][1].update(required_expertise=[])),
]


@test
def each_rule_family_gets_its_smallest_fix():
    for rule, breaks, fix_text, fix in DIAGNOSIS_FAMILIES:
        r = json.load(open(os.path.join(DATA, "tiny.json")))
        breaks(r)
        f = os.path.join(TMP, f"broken-{rule}.json")
        json.dump(r, open(f, "w"))
        p, plan = solve(f)
        assert p.returncode == 1, (rule, p.returncode)
        said = [d for d in plan["diagnosis"] if d["kind"] == "change" and d["rule"] == rule]
        assert any(fix_text in d["message"] for d in said), (rule, plan["diagnosis"])
        fix(r)
        json.dump(r, open(f, "w"))
        p, plan = solve(f)
        assert p.returncode == 0 and plan["status"] == "optimal", (rule, plan["diagnosis"])


@test
def validate_deep_says_why_there_is_no_plan():
    p = run("validate", "--deep", os.path.join(DATA, "infeasible-cluster.json"))
    assert p.returncode == 1, p.returncode
    lines = p.stderr.splitlines()
    assert any(": error: C3: no plan: cluster 'sbo' needs at least 3.5 FTE" in ln
               for ln in lines), p.stderr
    assert any(": note: C3: lower the FTE minimum of cluster 'sbo' to 1.5 FTE" in ln
               for ln in lines), p.stderr
    p = run("validate", "--deep", EXAMPLE)
    assert p.returncode == 0 and p.stderr == ""
    assert run("validate", os.path.join(DATA, "infeasible-cluster.json")).returncode == 0


@test
def incumbent_not_eligible_is_a_warning():
    f = os.path.join(DATA, "warn-incumbent.json")
    p = run("validate", f)
    assert p.returncode == 0
    assert re.search(r"warn-incumbent.json:\d+:\d+: warning: \$\.schools\[1\]\.incumbents\[0\]: "
                     r"incumbent 'polder' of school 'keerkring' is not eligible", p.stderr)
    p, plan = solve(f)
    assert p.returncode == 0 and plan["warnings"][0]["path"] == "$.schools[1].incumbents[0]"
    q = run("solve", f, "--quiet")
    assert q.returncode == 0 and "warning" not in q.stderr


@test
def continuity_require_keeps_incumbent_and_none_ignores_bonus():
    _, req = solve(os.path.join(DATA, "policy-require.json"))
    horizon = {a["provider"] for a in req["schools"][0]["assignments"]}
    assert "duin" in horizon
    _, none = solve(os.path.join(DATA, "policy-none.json"))
    assert none["objective"]["continuity"] == 0


@test
def soft_coverage_pays_the_penalty():
    _, plan = solve(os.path.join(DATA, "policy-soft.json"))
    uncovered = sum(1 for s in plan["schools"] for e in s["expertise"] if not e["covered"])
    assert math.isclose(plan["objective"]["coverage_penalty"], -3 * uncovered)


@test
def use_shortlist_restricts_the_plan():
    f = os.path.join(DATA, "policy-shortlist.json")
    sl = json.loads(run("shortlist", f).stdout)
    allowed = {s["id"]: set(s["shortlist"]) for s in sl["schools"]}
    _, plan = solve(f)
    for s in plan["schools"]:
        assert {a["provider"] for a in s["assignments"]} <= allowed[s["id"]]


@test
def hostile_inputs_are_refused_quickly_with_a_position():
    cases = {
        "deep.json": "[" * 100000,
        "huge.json": '{"format": "cjos-round/1", "x": 1e999}',
        "bigint.json": '{"format": "cjos-round/1", "x": 123456789012345678901234567890}',
        "utf8.json": b'{"format": "cjos-round/1", "round": {"id": "\xff\xfe"}}',
        "nul.json": b'{"format": "cjos-round/1",\x00 "round": {"id": "x"}}',
    }
    r = json.load(open(os.path.join(DATA, "tiny.json")))
    r["schools"] = [{"id": f"s{i}", "name": "S", "cluster": "sbo"} for i in range(100001)]
    cases["many.json"] = json.dumps(r)
    for name, text in cases.items():
        f = os.path.join(TMP, name)
        open(f, "wb").write(text if isinstance(text, bytes) else text.encode())
        start = time.monotonic()
        p = run("validate", f)
        took = time.monotonic() - start
        assert p.returncode == 65, (name, p.returncode, p.stderr[:200])
        assert re.match(re.escape(f) + r":\d+:\d+: error: ", p.stderr), (name, p.stderr[:200])
        assert len(p.stderr.splitlines()) <= 3, (name, p.stderr[:300])
        print(f"  {name}: refused in {took:.2f} s") if os.environ.get("CJOS_E2E_TIMES") else None
    assert "more than the limit of 100000" in run("validate", os.path.join(TMP, "many.json")).stderr


# -- command line: usage, files, formats, models -----------------------------

@test
def usage_errors_exit_64():
    for args in ([], ["frobnicate", "x.json"], ["solve"], ["solve", "--bogus", "x.json"],
                 ["solve", "a.json", "b.json"], ["solve", "--format", "xml", "x.json"],
                 ["solve", "--time-limit", "soon", "x.json"], ["validate", "-o", "x", "y"],
                 ["solve", "--node-limit", "0", "x.json"],
                 ["solve", "--node-limit", "2.5", "x.json"],
                 ["shortlist", "--node-limit", "9", "x.json"]):
        p = run(*args)
        assert p.returncode == 64, (args, p.returncode)
        assert p.stderr.startswith("cjos: ") or p.stderr.startswith("usage:"), p.stderr


@test
def help_and_version():
    for args in (["--help"], ["solve", "--help"], ["validate", "--help"],
                 ["shortlist", "--help"]):
        p = run(*args)
        assert p.returncode == 0 and p.stdout.startswith("usage: cjos"), args
    p = run("--version")
    assert p.returncode == 0 and re.match(r"cjos \d+\.\d+\.\d+ \(GLPK \d+\.\d+\)", p.stdout)


@test
def the_manual_names_every_option_of_the_help():
    """docs/cjos.1 and `cjos COMMAND --help` name the same long options."""
    man = open(os.path.join(SRC, "docs", "cjos.1")).read().replace("\\-", "-")
    in_man = set(re.findall(r"--[a-z][a-z-]+", man))
    in_help = set()
    for command in ("validate", "solve", "shortlist", "scores template", "decide",
                    "reasons", "alternatives", "compare", "whatif", "explain"):
        p = run(*command.split(), "--help")
        assert p.returncode == 0, command
        in_help |= set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", p.stdout))
    in_help |= set(re.findall(r"--[a-z][a-z-]+", run("--help").stdout))
    assert "--memory-limit" in in_help, sorted(in_help)
    assert in_help == in_man, (sorted(in_help - in_man), sorted(in_man - in_help))


@test
def unreadable_input_exits_66():
    for path in (os.path.join(TMP, "missing.json"), TMP):
        p = run("validate", path)
        assert p.returncode == 66, path
        assert p.stderr.startswith("cjos: cannot "), p.stderr
        assert repr(path).strip('"') in p.stderr or f"'{path}'" in p.stderr
    big = os.path.join(TMP, "big.json")
    open(big, "w").write(" " * 2000 + "{}")
    p = run("validate", big, "--max-input", "1000")
    assert p.returncode == 66 and "input limit" in p.stderr


@test
def unwritable_output_exits_73_and_never_the_input():
    p = run("solve", EXAMPLE, "-o", os.path.join(TMP, "no", "such", "dir", "plan.json"))
    assert p.returncode == 73 and "cannot create" in p.stderr, p.stderr
    copy = os.path.join(TMP, "round.json")
    shutil.copy(EXAMPLE, copy)
    before = open(copy, "rb").read()
    p = run("solve", copy, "-o", copy)
    assert p.returncode == 73 and "input file" in p.stderr
    assert open(copy, "rb").read() == before
    if os.geteuid() != 0:
        ro = os.path.join(TMP, "ro")
        os.makedirs(ro, exist_ok=True)
        os.chmod(ro, stat.S_IRUSR | stat.S_IXUSR)
        p = run("solve", EXAMPLE, "-o", os.path.join(ro, "plan.json"))
        assert p.returncode == 73


@test
def output_file_is_replaced_whole():
    out = os.path.join(TMP, "replace.json")
    open(out, "w").write("x" * 100000)
    p = run("solve", EXAMPLE, "-o", out)
    assert p.returncode == 0
    plan = json.load(open(out))
    assert plan["status"] == "optimal"
    leftovers = [f for f in os.listdir(TMP) if ".tmp-" in f]
    assert not leftovers, leftovers


@test
def round_from_standard_input():
    p = run("solve", "-", stdin=open(os.path.join(DATA, "tiny.json")).read())
    assert p.returncode == 0
    assert math.isclose(json.loads(p.stdout)["objective"]["value"], 15.7667, abs_tol=1e-4)


@test
def time_limit_is_accepted_and_reported():
    p, plan = solve(EXAMPLE, "--time-limit", "30")
    assert p.returncode == 0 and plan["status"] == "optimal"
    assert plan["solver"]["time_limit"] == 30


@test
def time_limit_stops_with_a_feasible_plan_and_its_gap():
    if SLOW:
        return  # the outcome of a time limit would be a matter of luck
    # a synthetic round GLPK cannot prove within seconds, but finds plans for
    f = generated("g100.json", 100, 60, 1)
    p, plan = solve(f, "--time-limit", "8")
    assert p.returncode == 0, p.stderr
    assert plan["status"] == "feasible", plan["status"]
    assert plan["solver"]["stopped_by"] == "time", plan["solver"]
    ob = plan["objective"]
    assert ob["gap"] > 0 and ob["bound"] > ob["value"], ob
    checked(f, plan)


def search_nodes(stderr):
    """The nodes of every search `cjos solve -v` reports (one line per part)."""
    return sum(int(n) for n in re.findall(r"^search: (\d+) nodes,", stderr, re.M))


@test
def node_limit_stops_at_the_same_plan_on_every_run():
    """--node-limit stops the search for the plan after so many of GLPK's
    nodes, like a time limit: the plan is feasible and checked, at most the
    optimum, with a bound at least the optimum, and the same byte for byte on
    every run.  Parts of a round share the limit; a limit the search does not
    reach changes nothing."""
    f = generated("g45.json", 45, 28, 34)
    p, full = solve(f, "--verbose")
    assert p.returncode == 0 and full["status"] == "optimal", p.stderr[-500:]
    needed = search_nodes(p.stderr)
    assert needed > 200, needed  # else the round no longer tests a limit
    limit = needed // 4
    texts = []
    for k in range(2):
        out = os.path.join(TMP, f"limited{k}.json")
        p = run("solve", f, "-o", out, "--node-limit", str(limit), "--verbose")
        assert p.returncode == 0, p.stderr[-500:]
        # a branching makes two nodes at once
        assert 0 < search_nodes(p.stderr) <= limit + 1, (search_nodes(p.stderr), limit)
        texts.append(open(out, "rb").read())
    assert texts[0] == texts[1]
    plan = json.loads(texts[0])
    assert plan["status"] == "feasible", plan["status"]
    assert plan["solver"]["node_limit"] == limit, plan["solver"]
    checked(f, plan)
    best, ob = full["objective"]["value"], plan["objective"]
    assert ob["value"] <= best + 1e-6 <= ob["bound"] + 2e-6, (ob, best)
    assert ob["gap"] > 0, ob
    p, same = solve(f, "--node-limit", str(10 * needed))
    assert same["status"] == "optimal" and same["schools"] == full["schools"]
    assert same["solver"]["node_limit"] == 10 * needed and full["solver"]["node_limit"] is None
    # two such rounds side by side: the parts share the limit
    g = os.path.join(TMP, "g45-twice.json")
    subprocess.run([sys.executable, os.path.join(SRC, "bench", "join"), f, f, "-o", g],
                   check=True)
    p, joined = solve(g, "--node-limit", str(limit), "--verbose")
    assert p.returncode == 0 and "part 2 of 2" in p.stderr, p.stderr[-500:]
    assert 0 < search_nodes(p.stderr) <= limit + 2, (search_nodes(p.stderr), limit)
    assert joined["status"] == "feasible"
    checked(g, joined)
    p = run("solve", f, "--node-limit", "0")
    assert p.returncode == 64 and "bad node limit '0'" in p.stderr, p.stderr
    # per scenario of a what-if sweep and per plan of the alternatives: the
    # same output on every run
    for args in (["whatif", f, "--vary", "policy.coverage_penalty=10:12:1", "-f", "json"],
                 ["alternatives", f, "-k", "2"]):
        outs = [run(*args, "--node-limit", str(limit)) for _ in range(2)]
        assert outs[0].returncode == 0, outs[0].stderr[-500:]
        assert outs[0].stdout == outs[1].stdout, args
        doc = json.loads(outs[0].stdout)
        if args[0] == "whatif":
            assert [s["status"] for s in doc["scenarios"]] == ["feasible"] * 3, doc
        else:
            plans = [x["plan"] for x in doc["plans"]]
            assert len(plans) == 2 and all(x["status"] == "feasible" for x in plans)
            assert all(x["solver"]["node_limit"] == limit for x in plans)


@test
def a_search_stopped_before_any_plan_is_rescued():
    """A limit that stops the search for the plan before GLPK has found any
    plan leaves the rescue's: the better of a plan put together block by
    block and a depth-first search's first plan, both run after it.  That
    plan is feasible, passes the plan checker, is at most the optimum with a
    bound at least the optimum, says which limit stopped the search, and is
    the same byte for byte on every run.  Where the rescue shows a
    neighbourhood empty, the search widens as it would."""
    f = generated("g60r.json", 60, 40, 1)
    p, full = solve(f)
    assert p.returncode == 0 and full["status"] == "optimal", p.stderr[-500:]
    texts = []
    for k in range(2):
        out = os.path.join(TMP, f"rescued{k}.json")
        p = run("solve", f, "-o", out, "--node-limit", "1", "--verbose")
        assert p.returncode == 0, p.stderr[-500:]
        # GLPK's own search stopped with nothing: the plan is the rescue's
        assert re.search(r"^rescue: a first plan, \d+ nodes", p.stderr, re.M), p.stderr
        blocks = re.search(r"^first plan block by block: ([-\d.]+),", p.stderr, re.M)
        assert blocks, p.stderr
        texts.append(open(out, "rb").read())
    assert texts[0] == texts[1]
    plan = json.loads(texts[0])
    assert plan["status"] == "feasible", plan["status"]
    assert plan["solver"]["stopped_by"] == "nodes", plan["solver"]
    checked(f, plan)
    best, ob = full["objective"]["value"], plan["objective"]
    assert ob["value"] <= best + 1e-6 <= ob["bound"] + 2e-6, (ob, best)
    assert ob["gap"] > 0, ob
    # the better of the two: here the depth-first search's
    assert ob["value"] > float(blocks.group(1)) + 1e-6, (ob, blocks.group(1))
    p = run("solve", f, "--node-limit", "1", "-f", "md")
    assert p.returncode == 0 and "(stopped by the node limit)" in p.stdout, p.stdout[:600]
    # a round whose first neighbourhoods the rescue shows empty
    g = generated("g50r.json", 50, 30, 18)
    p, plan = solve(g, "--node-limit", "1", "--verbose")
    assert p.returncode == 0, p.stderr[-500:]
    said = re.findall(r"^rescue: ([a-z ]+),", p.stderr, re.M)
    assert "none exists" in said and said[-1] == "a first plan", said
    assert plan["status"] == "feasible", plan["status"]
    checked(g, plan)
    ob = plan["objective"]
    assert ob["value"] <= ob["bound"] + 1e-6, ob


@test
def a_plan_found_before_a_search_stopped_by_a_limit_stands():
    """A plan a neighbourhood found stands when a limit stops a later search
    before a better one: feasible, checked, at most the optimum with a
    bound at least the optimum.  (It used to end unknown, exit 1, when that
    search was of the model as built, where a plan far below the bound
    sent the search until 2026-12-06: 20 x 15 seed 19 at --memory-limit 1.)"""
    f = generated("g20b.json", 20, 15, 19)
    p, full = solve(f)
    assert p.returncode == 0 and full["status"] == "optimal", p.stderr[-500:]
    # without a time limit: the tighter bound's MIPs, prepared under one
    # (docs/model.md), would hold GLPK memory the first search needs at 1 MiB
    p, plan = solve(f, "--memory-limit", "1", "--time-limit", "0", "--verbose")
    assert p.returncode == 0, (p.returncode, p.stderr[-500:])
    # neighbourhoods found plans, then the last was stopped before a better
    # one: before any plan (3), or, told the best plan as the last one that
    # can end the search is (since 2026-12-07 on this round), with that plan
    # and no other (1)
    found = [float(v) for v in re.findall(r"^neighbourhood .*: \d+ free.*, status 0, "
                                          r"([-\d.]+),", p.stderr, re.M)]
    last = re.findall(r"^neighbourhood .*, status (\d+), ([-\d.]+),", p.stderr, re.M)
    assert found and last, p.stderr[-800:]
    assert last[-1][0] == "3" or (last[-1][0] == "1" and
                                  abs(float(last[-1][1]) - max(found)) < 1e-6), last
    assert not re.search(r"^rescue:", p.stderr, re.M), p.stderr[-800:]
    assert plan["status"] == "feasible" and plan["solver"]["stopped_by"] == "memory", plan
    checked(f, plan)
    best, ob = full["objective"]["value"], plan["objective"]
    assert abs(ob["value"] - max(found)) < 1e-6, (ob, found)
    assert ob["value"] <= best + 1e-6 <= ob["bound"] + 2e-6, (ob, best)


@test
def memory_limit_stops_with_the_best_plan():
    """--memory-limit stops a search once GLPK holds more than so many MiB,
    as a time limit does: the plan says which limit stopped it, is checked,
    is at most the optimum with a bound at least the optimum, and is the same
    byte for byte on every run (GLPK counts its memory, not the system).  A
    limit the search does not reach changes nothing; the default is 1024."""
    f = generated("g45m.json", 45, 28, 26)
    p, full = solve(f, "--verbose")
    assert p.returncode == 0 and full["status"] == "optimal", p.stderr[-500:]
    assert full["solver"]["memory_limit"] == 1024 and full["solver"]["stopped_by"] is None
    peak = re.search(r"^GLPK's memory: at most ([\d.]+) MiB$", p.stderr, re.M)
    peak = float(peak.group(1))
    assert peak > 1, peak  # else the round no longer tests a limit
    stopped = None
    for limit in range(1, int(peak) + 1):
        p, plan = solve(f, "--memory-limit", str(limit))
        assert plan["solver"]["memory_limit"] == limit, plan["solver"]
        if plan["status"] == "optimal":
            assert plan["schools"] == full["schools"] and plan["solver"]["stopped_by"] is None
        else:
            assert plan["solver"]["stopped_by"] == "memory", plan["solver"]
            stopped = stopped or (limit, plan)
    assert stopped, f"no limit up to {int(peak)} MiB stopped the search"
    limit, plan = stopped
    assert plan["status"] == "feasible", plan["status"]
    checked(f, plan)
    best, ob = full["objective"]["value"], plan["objective"]
    assert ob["value"] <= best + 1e-6 <= ob["bound"] + 2e-6, (ob, best)
    out = [run("solve", f, "--memory-limit", str(limit), "-f", "md") for _ in range(2)]
    assert out[0].returncode == 0 and out[0].stdout == out[1].stdout
    assert "(stopped by the memory limit)" in out[0].stdout, out[0].stdout[:400]
    for lang, said in (("en", "(stopped by the memory limit)"),
                       ("nl", "(gestopt door de geheugenlimiet)")):
        p = run("solve", f, "--memory-limit", str(limit), "-f", "html", "--lang", lang)
        assert p.returncode == 0 and said in p.stdout, (lang, p.stdout[:600])
    # stopped before GLPK found any plan: the plan put together block by
    # block, which takes next to no memory, stands
    g = generated("g60m.json", 60, 40, 13)
    p, first = solve(g, "--memory-limit", "1", "--verbose")
    assert p.returncode == 0 and first["status"] == "feasible", (p.returncode, first["status"])
    assert re.search(r"^first plan block by block: [\d.]+,", p.stderr, re.M), p.stderr
    assert first["solver"]["stopped_by"] == "memory", first["solver"]
    checked(g, first)
    # with FTE not in steps there are no blocks to put together: status
    # unknown, exit 1, and the plan says why
    r = json.load(open(g))
    del r["policy"]["fte_step"]
    c = os.path.join(TMP, "g60mc.json")
    json.dump(r, open(c, "w"))
    p, none = solve(c, "--memory-limit", "1")
    assert p.returncode == 1 and none["status"] == "unknown", (p.returncode, none["status"])
    assert none["solver"]["stopped_by"] == "memory", none["solver"]
    p = run("solve", c, "--memory-limit", "1", "-f", "md")
    assert "the memory limit stopped the search before any plan was found" in p.stdout, p.stdout
    p, same = solve(f, "--memory-limit", str(int(peak) + 2))
    assert same["status"] == "optimal" and same["schools"] == full["schools"]
    # a node limit says so too
    p, cut = solve(f, "--node-limit", "20")
    assert cut["status"] == "feasible" and cut["solver"]["stopped_by"] == "nodes", cut["solver"]
    for bad in ("0", "8192", "1.5", "lots"):
        p = run("solve", f, "--memory-limit", bad)
        assert p.returncode == 64 and f"bad memory limit '{bad}'" in p.stderr, p.stderr
    p = run("shortlist", f, "--memory-limit", "5")
    assert p.returncode == 64, p.returncode
    assert "option '--memory-limit' does not apply here" in p.stderr, p.stderr


@test
def bench_compare_agrees_with_itself_and_flags_other_optima():
    compare = os.path.join(SRC, "bench", "compare")
    args = [sys.executable, compare, "--sizes", "10x9", "--seeds", "1-2", "--time-limit", "20"]
    p = subprocess.run([*args, "--base", CJOS, "--new", CJOS], capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "total 2 rounds" in p.stdout and "(2 proven), new" in p.stdout, p.stdout
    assert "DIFFERENT" not in p.stdout, p.stdout
    # a build against itself does the same work (GLPK's nodes and iterations)
    assert "the same work on 2 of 2 rounds" in p.stdout, p.stdout
    assert "a better plan on 0 rounds from base, on 0 from new" in p.stdout, p.stdout
    # a build whose plans claim an optimum one higher must be caught, and
    # one that reports other work is not taken for the same path
    fake = os.path.join(TMP, "fake-cjos")
    with open(fake, "w") as f:
        f.write("#!%s\nimport json, subprocess, sys\n"
                "r = subprocess.run([%r] + sys.argv[1:])\n"
                "out = sys.argv[sys.argv.index('-o') + 1]\n"
                "plan = json.load(open(out))\n"
                "plan['objective']['value'] += 1\n"
                "json.dump(plan, open(out, 'w'))\n"
                "print('search: 1 nodes, 1 simplex iterations', file=sys.stderr)\n"
                "sys.exit(r.returncode)\n" % (sys.executable, CJOS))
    os.chmod(fake, 0o755)
    p = subprocess.run([*args, "--base", CJOS, "--new", fake, "--side-by-side"],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 1, p.stdout + p.stderr
    assert "proven optima differ: 10x9_1, 10x9_2" in p.stdout, p.stdout
    assert "the same work on 0 of 2 rounds" in p.stdout, p.stdout
    # under a node limit both builds are given it, and the better plans counted
    p = subprocess.run([*args, "--base", fake, "--new", CJOS, "--node-limit", "40"],
                       capture_output=True, text=True, timeout=300)
    assert "a better plan on 2 rounds from base, on 0 from new" in p.stdout, p.stdout


@test
def exported_models_give_the_same_optimum_in_cbc():
    for f in (EXAMPLE, os.path.join(DATA, "tiny.json"), os.path.join(DATA, "policy-soft.json")):
        lp, mps = os.path.join(TMP, "m.lp"), os.path.join(TMP, "m.mps")
        p, plan = solve(f, "--write-lp", lp, "--write-mps", mps)
        assert p.returncode == 0
        assert "OBJSENSE\n    MAX" in open(mps).read()
        # CBC 2.10 ignores OBJSENSE (it says so) and must be told to maximise
        for model, sense in ((lp, []), (mps, ["-max"])):
            best = cbc_optimum(model, *sense)
            assert math.isclose(best, plan["objective"]["value"], rel_tol=1e-6,
                                abs_tol=1e-6), (model, best)


@test
def verbose_shows_glpk_and_default_is_silent():
    quiet = run("solve", EXAMPLE, "-o", os.path.join(TMP, "q.json"))
    assert quiet.stdout == "" and (quiet.stderr == "" or WRAP)
    loud = run("solve", EXAMPLE, "-o", os.path.join(TMP, "q.json"), "--verbose")
    # the bundled round is proven by the priced rows before GLPK branches:
    # the bound of its three clusters' prices is its optimum
    m = re.search(r"priced rows: 3 blocks, .* bound ([-0-9.]+)", loud.stderr)
    assert m and ("neighbourhood" in loud.stderr or
                  "branch and price: 1 nodes, proven" in loud.stderr), loud.stderr
    z = json.load(open(os.path.join(TMP, "q.json")))["objective"]["value"]
    assert z - 1e-6 <= float(m.group(1)) <= z + 1e-5, (z, m.group(1))
    # a round branch and price leaves to GLPK's search (30 x 20, seed 5)
    f = generated("g30.json", 30, 20, 5)
    loud = run("solve", f, "-o", os.path.join(TMP, "q.json"), "--verbose")
    assert "mip =" in loud.stderr, loud.stderr


@test
def plan_checker_can_fail():
    _, plan = solve(os.path.join(DATA, "tiny.json"))
    r = json.load(open(os.path.join(DATA, "tiny.json")))
    broken = json.loads(json.dumps(plan))
    broken["schools"][0]["assignments"][1]["fte"] = 0.4  # over the amount
    assert any(b.startswith("C5") for b in plancheck.check(r, broken))
    broken = json.loads(json.dumps(plan))
    broken["objective"]["value"] += 0.01
    assert any("objective" in b for b in plancheck.check(r, broken))
    broken = json.loads(json.dumps(plan))
    broken["schools"][1]["assignments"] = []
    assert any(b.startswith("C1") for b in plancheck.check(r, broken))


# -- the selection round: shortlists, score sheets, decisions, reasons ------

@test
def shortlist_ties_groups_of_one_and_few_applicants():
    p = run("shortlist", os.path.join(DATA, "shortlist-ties.json"))
    assert p.returncode == 0, p.stderr
    sl = json.loads(p.stdout)
    g = {x["id"]: x for x in sl["groups"]}
    got = [(x["provider"], x["rank"], x["group_score"], x["invited"], x["tie"])
           for x in g["g"]["ranking"]]
    assert got == [("p1", 1, 9, True, False), ("p2", 2, 8, True, False),
                   ("p3", 3, 7, True, False), ("p4", 3, 7, True, True),
                   ("p5", 3, 7, True, True), ("p6", 6, 5, False, False)], got
    assert g["g"]["tie_at_cutoff"] and g["g"]["invited"] == 5
    assert g["g"]["cutoff_score"] == 7 and g["g"]["ranking"][5]["gap_to_cutoff"] == 2
    # p7 is excluded at a, its only school: not ranked at all
    assert "p7" not in [x["provider"] for x in g["g"]["ranking"]]
    assert g["h"]["invited"] == 2 and not g["h"]["tie_at_cutoff"]
    assert g["c"]["kind"] == "school" and [x["provider"] for x in g["c"]["ranking"]] == ["p1"]
    per_school = {x["id"]: x["shortlist"] for x in sl["schools"]}
    assert per_school["a"] == ["p1", "p2", "p3", "p5"]
    assert per_school["b"] == ["p1", "p2", "p4", "p5"]
    md = run("shortlist", os.path.join(DATA, "shortlist-ties.json"), "-f", "md").stdout
    assert "yes, tied at the cut-off" in md and "no: 2.0000 below the last one invited" in md
    assert "Fewer providers applied (2) than there are places (3)." in md
    assert "## Shortlist per school" in md
    csv = run("shortlist", os.path.join(DATA, "shortlist-ties.json"), "-f", "csv").stdout
    assert "g,Group G,3,p4,Provider 4 (illustrative),7,1,true,true" in csv


def import_sheet(sheet_text, *extra, encoding="utf-8"):
    sheet = os.path.join(TMP, "sheet.csv")
    open(sheet, "wb").write(sheet_text.encode(encoding) if isinstance(sheet_text, str)
                            else sheet_text)
    out = os.path.join(TMP, "round2.json")
    if os.path.exists(out):
        os.unlink(out)
    p = run("scores", "import", os.path.join(DATA, "tiny.json"), sheet, "-o", out, *extra)
    return p, (json.load(open(out)) if os.path.exists(out) else None)


@test
def score_sheet_round_trip():
    tiny = json.load(open(os.path.join(DATA, "tiny.json")))
    p = run("scores", "template", os.path.join(DATA, "tiny.json"))
    assert p.returncode == 0
    lines = p.stdout.splitlines()
    assert lines[0] == "provider,provider_name,school,school_name,boundary,continuity,interview"
    assert len(lines) == 1 + 4  # the admitted pairs
    assert lines[1] == "duin,Provider Duin (illustrative),horizon,SBO Horizon,,,"
    score = {(x["provider"], x["school"]): x for x in tiny["scores"]}
    filled = [lines[0]]
    for ln in lines[1:]:
        c = ln.split(",")
        x = score[(c[0], c[2])]
        c[4], c[5] = str(x["topics"]["boundary"]), str(x["topics"]["continuity"])
        c[6] = str(x.get("interview", ""))
        filled.append(",".join(c))
    p, r2 = import_sheet("\n".join(filled) + "\n")
    assert p.returncode == 0, p.stderr
    assert r2["scores"] == tiny["scores"]
    assert "note: read 4 scored rows, comma-separated" in p.stderr


@test
def dutch_excel_sheet_with_bom_and_decimal_commas():
    text = ("provider;school;boundary;continuity;interview\r\n"
            "duin;horizon;7,5;8;\r\nveen;horizon;8;6,5;7\r\n;;;;\r\n"
            "polder;keerkring;7;7,5;\r\n")
    p, r2 = import_sheet(b"\xef\xbb\xbf" + text.encode())
    assert p.returncode == 0, p.stderr
    assert "semicolon-separated with decimal commas, UTF-8 with BOM" in p.stderr
    s = {(x["provider"], x["school"]): x for x in r2["scores"]}
    assert s[("duin", "horizon")]["topics"] == {"boundary": 7.5, "continuity": 8}
    assert s[("veen", "horizon")]["interview"] == 7
    # veen at keerkring is not in the sheet: its score stays
    assert ("veen", "keerkring") in s


SHEET_ERRORS = [
    ("duin,horizon,7.5,abc,\n", 2, 4, "'abc' is not a number"),
    ("duin,horizon,7.5,,\n", 2, 4, "missing score for topic 'continuity'"),
    ("nobody,horizon,1,2,\n", 2, 1, "unknown provider 'nobody'"),
    ("duin,nowhere,1,2,\n", 2, 2, "unknown school 'nowhere'"),
    ("duin,horizon,1,2,\nduin,horizon,3,4,\n", 3, 1,
     "duplicate row for this provider and school (first on row 2)"),
    ("polder,horizon,1,2,\n", 2, 1, "not admitted to the cluster of school 'horizon'"),
    ("veen,keerkring,11,7,\n", 2, 3, "11 is out of range 0..10"),
    ("duin,horizon,\"7,5\",8,\n", 2, 3,
     "'7,5' is not a number (a decimal comma needs ';' between cells)"),
]


@test
def score_sheet_errors_have_row_and_column():
    for rows, row, col, text in SHEET_ERRORS:
        p, r2 = import_sheet("provider,school,boundary,continuity,interview\n" + rows)
        assert p.returncode == 65 and r2 is None, (rows, p.returncode)
        want = f"sheet.csv:{row}:{col}: error: "
        assert any(want in ln and text in ln for ln in p.stderr.splitlines()), (want, p.stderr)
    p, _ = import_sheet("provider,school,boundary,colour\n")
    assert p.returncode == 65 and "sheet.csv:1:4: error: unknown column 'colour'" in p.stderr
    assert "missing column 'continuity'" in p.stderr


@test
def import_in_place_keeps_a_backup():
    r = os.path.join(TMP, "inplace.json")
    shutil.copy(os.path.join(DATA, "tiny.json"), r)
    before = open(r, "rb").read()
    sheet = os.path.join(TMP, "s.csv")
    open(sheet, "w").write("provider,school,boundary,continuity\nduin,horizon,1,2\n")
    p = run("scores", "import", r, sheet, "--in-place")
    assert p.returncode == 0, p.stderr
    assert open(r + ".bak", "rb").read() == before
    s = {(x["provider"], x["school"]): x for x in json.load(open(r))["scores"]}
    assert s[("duin", "horizon")]["topics"] == {"boundary": 1, "continuity": 2}
    # without --in-place or -o the round is never touched: the new one goes to stdout
    p = run("scores", "import", r, sheet)
    assert p.returncode == 0 and json.loads(p.stdout)["format"] == "cjos-round/1"
    assert run("scores", "import", r, sheet, "-o", r).returncode == 73


@test
def decide_records_choices_and_checks_them():
    out = os.path.join(TMP, "decided.json")
    tiny = os.path.join(DATA, "tiny.json")
    p = run("decide", tiny, "--school", "horizon", "--choose", "veen", "--exclude", "duin",
            "-o", out)
    assert p.returncode == 0, p.stderr
    assert json.load(open(out))["decisions"] == [
        {"school": "horizon", "provider": "veen", "decision": "chosen"},
        {"school": "horizon", "provider": "duin", "decision": "excluded"}]
    p, plan = solve(out)
    horizon = [a["provider"] for a in plan["schools"][0]["assignments"]]
    assert "veen" in horizon and "duin" not in horizon
    # deciding again replaces the decision on the same pair
    p = run("decide", out, "--school", "horizon", "--choose", "duin", "--in-place")
    assert p.returncode == 0, p.stderr
    d = {(x["provider"]): x["decision"] for x in json.load(open(out))["decisions"]}
    assert d == {"veen": "chosen", "duin": "chosen"}
    for args, text in (
            (["--school", "horizon", "--choose", "polder"], "has no score at school 'horizon'"),
            (["--school", "nowhere", "--choose", "veen"], "--school 'nowhere': unknown school"),
            (["--school", "horizon", "--choose", "duin", "--choose", "veen", "--choose",
              "polder"], "has no score"),
            (["--school", "horizon", "--choose", "ghost"], "unknown provider")):
        bad = os.path.join(TMP, "never.json")
        p = run("decide", tiny, *args, "-o", bad)
        assert p.returncode == 65 and text in p.stderr, (args, p.stderr)
        assert not os.path.exists(bad)
    p = run("decide", out, "--school", "horizon", "--choose", "veen")
    assert p.returncode == 0
    one = os.path.join(TMP, "one.json")
    r = json.load(open(tiny))
    r["schools"][0]["providers"] = {"min": 1, "max": 1}
    json.dump(r, open(one, "w"))
    p = run("decide", one, "--school", "horizon", "--choose", "veen", "--choose", "duin")
    assert p.returncode == 65 and "more than its maximum of 1" in p.stderr
    assert run("decide", tiny, "--school", "horizon").returncode == 64


@test
def reasons_name_topics_and_the_binding_rule():
    f = os.path.join(DATA, "reasons.json")
    p, plan = solve(f)
    pf = os.path.join(TMP, "reasons-plan.json")
    json.dump(plan, open(pf, "w"))
    en = run("reasons", f, pf, "--school", "horizon", "--lang", "en")
    assert en.returncode == 0, en.stderr
    out = en.stdout
    assert "## SBO Horizon" in out and "SBO De Vuurtoren" not in out
    line = next(ln for ln in out.splitlines() if ln.startswith("- Provider Kust"))
    assert "its capacity is used elsewhere (0.00 FTE left" in line
    assert "the school's amount is spent" in line
    # the price is a real re-solve: check it against solving with kust chosen
    r = json.load(open(f))
    r["decisions"] = [{"school": "horizon", "provider": "kust", "decision": "chosen"}]
    forced = os.path.join(TMP, "forced.json")
    json.dump(r, open(forced, "w"))
    _, fplan = solve(forced)
    loss = plan["objective"]["value"] - fplan["objective"]["value"]
    assert f"scores {loss:.4f} points less" in line, (loss, line)
    all_nl = run("reasons", f, pf).stdout
    assert "# Motivering van het plan" in all_nl
    against_duin = [ln for ln in all_nl.splitlines() if ln.startswith("- Tegenover Provider Duin")]
    assert any("hoger op Alignment with home (9,5 tegen 5,0, +4,5), Working in a school team "
               "(9,0 tegen 5,0, +4,0); totaal 9,25 tegen 5,00." in ln for ln in against_duin)
    wrong = run("reasons", os.path.join(DATA, "tiny.json"), pf)
    assert wrong.returncode == 65 and "the plan is for round 'reasons'" in wrong.stderr


# -- the HTML report in a real browser ---------------------------------------

def chromium(html, *args):
    prof = tempfile.mkdtemp(prefix="cjos-chromium-", dir=TMP)
    cmd = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", f"--user-data-dir={prof}", *args, "file://" + html]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def png_is_not_blank(path):
    import struct
    import zlib
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + n]
        pos += 12 + n
    pixels = zlib.decompress(idat)
    return len(set(pixels[::7])) > 20  # a white page has a handful of byte values


@test
def html_report_renders_in_chromium():
    if not shutil.which("chromium"):
        raise AssertionError("chromium is not installed (test.sh installs it)")
    html = os.path.join(TMP, "plan.html")
    p = run("solve", EXAMPLE, "--format", "html", "-o", html)
    assert p.returncode == 0, p.stderr
    text = open(html).read()
    assert "http://" not in text and "https://" not in text and "<script" not in text
    assert '<html lang="nl">' in text and "Scholen" in text
    dom = chromium(html, "--dump-dom").stdout
    _, plan = solve(EXAMPLE)
    for s in plan["schools"]:
        name = next(x["name"] for x in json.load(open(EXAMPLE))["schools"] if x["id"] == s["id"])
        assert name in dom, name
        fte = f"{s['fte']:.2f}".replace(".", ",")
        card = dom[dom.index(f'id="school-{s["id"]}"'):]
        assert f'<strong class="fte">{fte} fte</strong>' in card[:2000], (s["id"], fte)
    png = os.path.join(TMP, "plan.png")
    chromium(html, f"--screenshot={png}", "--window-size=1280,1800")
    assert os.path.exists(png) and png_is_not_blank(png)
    en = run("solve", EXAMPLE, "--format", "html", "--lang", "en").stdout
    assert '<html lang="en">' in en and "Schools" in en


@test
def html_escapes_every_string_from_the_input():
    r = json.load(open(os.path.join(DATA, "tiny.json")))
    r["schools"][0]["name"] = "<script>alert('x')</script> & Co"
    r["providers"][0]["name"] = '"><img src=x onerror=alert(1)>'
    f = os.path.join(TMP, "evil.json")
    json.dump(r, open(f, "w"))
    out = run("solve", f, "--format", "html").stdout
    assert "<script>" not in out and "<img" not in out
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co" in out
    html = os.path.join(TMP, "evil.html")
    open(html, "w").write(out)
    dom = chromium(html, "--dump-dom").stdout
    assert "<img" not in dom and "<script>alert" not in dom


@test
def alternatives_and_comparison_as_html():
    alt = run("alternatives", EXAMPLE, "-k", "3", "--format", "html")
    assert alt.returncode == 0 and alt.stdout.count("<h2>Plan ") == 3
    assert 'class="diff"' in alt.stdout
    a, b = os.path.join(TMP, "a.json"), os.path.join(TMP, "b.json")
    run("solve", os.path.join(DATA, "tiny.json"), "-o", a)
    run("solve", os.path.join(DATA, "policy-overrides.json"), "-o", b)
    cmp = run("compare", a, b, "--format", "html")
    assert cmp.returncode == 0 and "Vergelijking van twee plannen" in cmp.stdout


@test
def alternatives_differ_and_are_ordered():
    p = run("alternatives", os.path.join(DATA, "tiny.json"), "-k", "20")
    alt = json.loads(p.stdout)
    plans = alt["plans"]
    assert alt["found"] == len(plans) < 20  # the tiny round has fewer
    z = [x["objective"] for x in plans]
    assert z == sorted(z, reverse=True) and math.isclose(z[0], 15.7667, abs_tol=1e-4)
    sets = [tuple(tuple(sorted(a["provider"] for a in s["assignments"]))
                  for s in x["plan"]["schools"]) for x in plans]
    assert len(set(sets)) == len(sets), "two alternatives have the same providers everywhere"
    for x in plans:
        checked(os.path.join(DATA, "tiny.json"), x["plan"])
    p = run("alternatives", os.path.join(DATA, "tiny.json"), "-k", "3", "--school", "keerkring")
    sch = [tuple(sorted(a["provider"] for a in x["plan"]["schools"][1]["assignments"]))
           for x in json.loads(p.stdout)["plans"]]
    assert len(set(sch)) == len(sch), sch
    assert run("alternatives", os.path.join(DATA, "tiny.json"), "-k", "0").returncode == 64


@test
def comparison_lists_changes():
    a, b = os.path.join(TMP, "a.json"), os.path.join(TMP, "b.json")
    tiny = os.path.join(DATA, "tiny.json")
    run("solve", tiny, "-o", a)
    excl = os.path.join(TMP, "excl.json")
    run("decide", tiny, "--school", "horizon", "--exclude", "duin", "-o", excl)
    run("solve", excl, "-o", b)
    p = run("compare", a, b)
    assert p.returncode == 0, p.stderr
    c = json.loads(p.stdout)
    pa, pb = json.load(open(a)), json.load(open(b))
    assert math.isclose(c["objective_change"],
                        pb["objective"]["value"] - pa["objective"]["value"])
    h = c["schools"][0]
    assert [x["provider"] for x in h["dropped"]] == ["duin"] and h["changed"]
    assert not c["schools"][1]["changed"]
    csv = run("compare", a, b, "--format", "csv").stdout
    assert "horizon,duin,dropped,1.2,0," in csv
    assert run("compare", a, tiny).returncode == 65  # a round is not a plan


# -- what-if sweeps -----------------------------------------------------------

def sweep_of(path, amounts, capacities):
    """The sweep of the round at `path` over horizon's amount and duin's
    capacity (FROM:TO:STEP each), and the round itself."""
    p = run("whatif", path, "--vary", "schools.horizon.annual_amount=" + amounts,
            "--vary", "providers.duin.fte_capacity=" + capacities)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout), json.load(open(path))


def scenario_solved_alone(base, sc):
    """Solves the round `base` with the horizon amount and duin capacity of
    the sweep's scenario `sc`; checks status and objective against the
    sweep's and returns the plan."""
    r = json.loads(json.dumps(base))
    r["schools"][0]["annual_amount"] = sc["values"]["schools.horizon.annual_amount"]
    r["providers"][0]["fte_capacity"] = sc["values"]["providers.duin.fte_capacity"]
    f = os.path.join(TMP, "scenario.json")
    json.dump(r, open(f, "w"))
    _, plan = solve(f)
    assert plan["status"] == sc["status"], (sc, plan["status"])
    if plan["objective"]:
        assert math.isclose(plan["objective"]["value"], sc["objective"], abs_tol=1e-9)
    return plan


@test
def staffed_sweep_matches_separate_solves():
    # a staffed round's sweep keeps its model without staff between scenarios
    # (priced again each time, starting from the last plan), carries a proven
    # plan with staff over while the rules tighten, and builds the model with
    # staff for the others: every scenario as a fresh solve says.  duin's
    # capacity is solved from the top down, and reported in the grid's order
    sweep, base = sweep_of(os.path.join(DATA, "staffed.json"), "40000:160000:20000",
                           "0.4:1.2:0.4")
    assert len(sweep["scenarios"]) == 7 * 3
    grid = [(40000 + 20000 * a, round(0.4 + 0.4 * c, 6)) for a in range(7) for c in range(3)]
    assert [(sc["values"]["schools.horizon.annual_amount"],
             round(sc["values"]["providers.duin.fte_capacity"], 6))
            for sc in sweep["scenarios"]] == grid
    seen = {scenario_solved_alone(base, sc)["status"] for sc in sweep["scenarios"]}
    assert seen == {"optimal", "infeasible"}, seen


@test
def whatif_sweep_matches_separate_solves():
    tiny = os.path.join(DATA, "tiny.json")
    svg = os.path.join(TMP, "sweep.svg")
    p = run("whatif", tiny, "--vary", "schools.horizon.annual_amount=100000:200000:25000",
            "--vary", "providers.duin.fte_capacity=0.6:1.2:0.6", "--chart", svg)
    assert p.returncode == 64 and "--chart draws one --vary" in p.stderr
    sweep, base = sweep_of(tiny, "100000:200000:25000", "0.6:1.2:0.6")
    assert len(sweep["scenarios"]) == 5 * 2
    for sc in sweep["scenarios"]:
        plan = scenario_solved_alone(base, sc)
        if plan["objective"]:
            assert math.isclose(plan["totals"]["fte"], sc["fte"], abs_tol=1e-9)
            base_plan = solve(tiny)[1]
            changed = [s["id"] for s, b in zip(plan["schools"], base_plan["schools"])
                       if {a["provider"] for a in s["assignments"]} !=
                       {a["provider"] for a in b["assignments"]}]
            assert changed == sc["schools_changed"], (changed, sc)
    p = run("whatif", tiny, "--vary", "clusters.sbo.fte.max=1.5:2.5:0.5", "--chart", svg,
            "-f", "csv")
    assert p.returncode == 0 and len(p.stdout.splitlines()) == 4
    import xml.etree.ElementTree as ET
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg") and "resultaat (links)" in open(svg).read()
    # a minimum above the maximum is an invalid scenario, said, not a crash
    p = run("whatif", tiny, "--vary", "clusters.sbo.fte.min=1:3:1")
    last = json.loads(p.stdout)["scenarios"][-1]
    assert last["status"] == "invalid" and "greater than max" in last["why"]
    # no plan, so no objective, gap, FTE or cost (they were once 0), in the
    # tables as empty cells; the infeasible scenario before it likewise
    for sc in json.loads(p.stdout)["scenarios"][1:]:
        assert sc["status"] in ("infeasible", "invalid"), sc
        assert [sc[k] for k in ("objective", "gap", "fte", "cost")] == [None] * 4, sc
    rows = list(csv.DictReader(io.StringIO(
        run("whatif", tiny, "--vary", "clusters.sbo.fte.min=1:3:1", "-f", "csv").stdout)))
    assert [[r[k] for k in ("objective", "gap", "fte", "cost")] for r in rows[1:]] == \
        [[""] * 4] * 2, rows
    assert float(rows[0]["fte"]) > 0 and float(rows[0]["cost"]) > 0, rows
    for bad in ("nothing.here=1:2:1", "clusters.sbo.fte.max=2:1:1", "clusters.sbo.fte.max=1:2"):
        assert run("whatif", tiny, "--vary", bad).returncode in (64, 65), bad


def set_path(r, path, value):
    """Sets a what-if path in a round dict, as cjos whatif does."""
    coll, rest = path.split(".", 1)
    if coll == "policy":
        if rest.startswith("providers_per_school."):
            r["policy"].setdefault("providers_per_school", {"min": 1, "max": 2})[
                rest.split(".")[1]] = int(value)
        else:
            r["policy"][rest] = value
        return
    for item in r[coll]:
        if rest.startswith(item["id"] + "."):
            field = rest[len(item["id"]) + 1:]
            if field.startswith("providers."):
                item.setdefault("providers", dict(r.get("policy", {}).get(
                    "providers_per_school", {"min": 1, "max": 2})))[field.split(".")[1]] = \
                    int(value)
            elif field.startswith("fte."):
                item["fte"][field.split(".")[1]] = value
            elif field == "max_schools":
                item[field] = int(value)
            else:
                item[field] = value
            return
    raise KeyError(path)


@test
def sweep_model_changed_in_place_matches_fresh_solves():
    # numbers of every kind change between scenarios of one sweep model
    f = os.path.join(DATA, "tiny.json")
    varies = ["policy.min_fte_per_assignment=0.1:0.3:0.2", "providers.veen.cost_per_fte=90000:110000:20000",
              "schools.horizon.providers.max=1:2:1", "providers.veen.max_schools=1:2:1",
              "clusters.c3.fte.max=0.5:0.7:0.2"]
    args = [x for v in varies for x in ("--vary", v)]
    p = run("whatif", f, *args)
    assert p.returncode == 0, p.stderr
    scenarios = json.loads(p.stdout)["scenarios"]
    assert len(scenarios) == 32
    for sc in scenarios:
        r = json.load(open(f))
        for path, value in sc["values"].items():
            set_path(r, path, value)
        g = os.path.join(TMP, "fresh.json")
        json.dump(r, open(g, "w"))
        _, plan = solve(g)
        assert plan["status"] == sc["status"], (sc, plan["status"])
        if plan["objective"]:
            assert math.isclose(plan["objective"]["value"], sc["objective"], abs_tol=1e-9), sc


@test
def explain_prices_and_tipping_points_hold_on_resolve():
    tiny = os.path.join(DATA, "tiny.json")
    p = run("explain", tiny, "--format", "json")
    assert p.returncode == 0, p.stderr
    ex = json.loads(p.stdout)
    z0 = ex["objective"]
    edits = {
        "school 'horizon': annual amount": lambda r, u: r["schools"][0].update(
            annual_amount=r["schools"][0]["annual_amount"] + u),
        "cluster 'c3': FTE maximum": lambda r, u: r["clusters"][1]["fte"].update(
            max=r["clusters"][1]["fte"]["max"] + u),
        "provider 'duin': FTE capacity": lambda r, u: r["providers"][0].update(
            fte_capacity=r["providers"][0]["fte_capacity"] + u),
    }
    units = {"EUR 10,000": 10000, "FTE": 0.1}
    seen = 0
    for rule in ex["rules"]:
        if rule["what"] not in edits:
            continue
        r = json.load(open(tiny))
        edits[rule["what"]](r, units[rule["unit"]])
        f = os.path.join(TMP, "priced.json")
        json.dump(r, open(f, "w"))
        _, plan = solve(f)
        assert math.isclose(plan["objective"]["value"] - z0, rule["gain_per_unit"],
                            abs_tol=1e-9), (rule, plan["objective"]["value"] - z0)
        seen += 1
    assert seen == 3, ex["rules"]

    def providers_at(r, school):
        f = os.path.join(TMP, "tipped.json")
        json.dump(r, open(f, "w"))
        _, plan = solve(f)
        return {a["provider"] for a in plan["schools"][school]["assignments"]}
    base = providers_at(json.load(open(tiny)), 1)
    tip = next(t for t in ex["tipping_points"] if t["school"] == "keerkring" and t["in_plan"])
    at_k = [t for t in ex["tipping_points"] if t["school"] == "keerkring"]
    marked = [t for t in at_k if t["tipping_point"]]
    assert len(marked) == 1 and abs(marked[0]["written_change"]) == min(
        abs(t["written_change"]) for t in at_k if t["written_change"] is not None)
    d = tip["written_change"]
    assert d is not None and d < 0

    def moved(delta):
        r = json.load(open(tiny))
        k = next(i for i, x in enumerate(r["scores"])
                 if x["provider"] == tip["provider"] and x["school"] == "keerkring")
        for t in r["scores"][k]["topics"]:
            r["scores"][k]["topics"][t] += delta
        return r
    assert providers_at(moved(d), 1) != base      # the change tips the school
    assert providers_at(moved(d + 0.02), 1) == base  # a little less does not
    md = run("explain", tiny).stdout
    assert md.startswith("# What each rule costs") and "## Tipping points" in md


# -- views per role -----------------------------------------------------------

def leaks(text, forbidden):
    """The forbidden names (exact) and ids (whole words) that occur in text."""
    found = []
    for kind, value in forbidden:
        pattern = re.escape(value) if kind == "name" else r"(?<![\w.-])" + re.escape(value) + r"(?![\w.-])"
        if re.search(pattern, text):
            found.append(value)
    return found


def outputs_for(audience):
    texts = []
    for fmt in ("json", "md", "csv", "html"):
        p = run("solve", EXAMPLE, "--format", fmt, "--audience", audience)
        assert p.returncode == 0, (audience, fmt, p.stderr)
        texts.append(p.stdout)
    for fmt in ("json", "md", "csv"):
        p = run("shortlist", EXAMPLE, "--format", fmt, "--audience", audience)
        assert p.returncode == 0, (audience, fmt, p.stderr)
        texts.append(p.stdout)
    p = run("alternatives", EXAMPLE, "-k", "2", "--audience", audience)
    assert p.returncode == 0, p.stderr
    texts.append(p.stdout)
    return texts


@test
def school_view_shows_nothing_of_other_schools_or_providers():
    r = json.load(open(EXAMPLE))
    sl = json.loads(run("shortlist", EXAMPLE).stdout)
    _, plan = solve(EXAMPLE)
    for school in r["schools"]:
        sid = school["id"]
        mine = set(next(x["shortlist"] for x in sl["schools"] if x["id"] == sid))
        mine |= {a["provider"] for s in plan["schools"] if s["id"] == sid
                 for a in s["assignments"]}
        forbidden = [("name", s["name"]) for s in r["schools"] if s["id"] != sid]
        forbidden += [("id", s["id"]) for s in r["schools"] if s["id"] != sid]
        forbidden += [("name", p["name"]) for p in r["providers"] if p["id"] not in mine]
        forbidden += [("id", p["id"]) for p in r["providers"] if p["id"] not in mine]
        for text in outputs_for(f"school:{sid}"):
            assert not leaks(text, forbidden), (sid, leaks(text, forbidden))
        view = json.loads(run("solve", EXAMPLE, "--audience", f"school:{sid}").stdout)
        assert [s["id"] for s in view["schools"]] == [sid]
        assert view["schools"][0]["assignments"] == next(
            s["assignments"] for s in plan["schools"] if s["id"] == sid)


@test
def provider_view_shows_only_its_own_assignments_and_scores():
    r = json.load(open(EXAMPLE))
    for prov in r["providers"]:
        pid = prov["id"]
        scored = {x["school"] for x in r["scores"] if x["provider"] == pid}
        forbidden = [("name", p["name"]) for p in r["providers"] if p["id"] != pid]
        forbidden += [("id", p["id"]) for p in r["providers"] if p["id"] != pid]
        forbidden += [("name", s["name"]) for s in r["schools"] if s["id"] not in scored]
        forbidden += [("id", s["id"]) for s in r["schools"] if s["id"] not in scored]
        for text in outputs_for(f"provider:{pid}"):
            assert not leaks(text, forbidden), (pid, leaks(text, forbidden))
        view = json.loads(run("solve", EXAMPLE, "--audience", f"provider:{pid}").stdout)
        assert all(a["provider"] == pid for s in view["schools"] for a in s["assignments"])
        assert [p["id"] for p in view["providers"]] == [pid]


@test
def audience_errors():
    p = run("solve", EXAMPLE, "--audience", "school:nowhere")
    assert p.returncode == 65 and "unknown school" in p.stderr and p.stdout == ""
    p = run("solve", EXAMPLE, "--audience", "everyone")
    assert p.returncode == 65 and "use procurement, school:ID or provider:ID" in p.stderr
    pf = os.path.join(TMP, "hp.json")
    run("solve", EXAMPLE, "-o", pf)
    p = run("reasons", EXAMPLE, pf, "--audience", "provider:duin")
    assert p.returncode == 65
    p = run("reasons", EXAMPLE, pf, "--audience", "school:horizon")
    assert p.returncode == 0 and "## SBO Horizon" in p.stdout and "SBO De Vuurtoren" not in p.stdout


def main():
    passed = failed = 0
    only = os.environ.get("CJOS_E2E_ONLY")  # a part of a test name, to run a few
    for t in TESTS:
        if only and only not in t.__name__:
            continue
        try:
            t()
            passed += 1
        except Exception as e:  # noqa: BLE001 - report every failure and go on
            failed += 1
            print(f"FAIL {t.__name__}: {type(e).__name__}: {e}")
    shutil.rmtree(TMP, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
