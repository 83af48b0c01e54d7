#!/usr/bin/env python3
"""The priced path against another solver: seeded random rounds of 14 to 22
schools with FTE in steps, which cjos solves through its priced rows and
neighbourhoods (docs/model.md) with more blocks and joining rows than the
small rounds of tests/bruteforce.py, compared with HiGHS
(through SciPy) on the model of SPEC section 3 written here from the text.
Checks the optimum, the plan (tests/plancheck.py) and that the bound a plan
reports is never below the optimum: at a 20 s limit (a few random rounds are
hard for GLPK, with or without the priced rows; HiGHS takes seconds there),
and again at 0.05 s.

    tests/pricecheck.py CJOS [ROUNDS] [SEED]
"""
import json
import math
import os
import random
import subprocess
import sys
import tempfile

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plancheck  # noqa: E402


def random_round(rng, k):
    ex = ["e1", "e2", "e3"]
    nc = rng.randint(2, 4)
    clusters = []
    for c in range(nc):
        lo = rng.choice([0, 0.5, 1.0])
        clusters.append({"id": f"c{c}", "name": f"Cluster {c}",
                         "fte": {"min": lo, "max": lo + rng.choice([2.0, 3.0, 4.0, 8.0])},
                         "required_expertise": rng.sample(ex, rng.randint(0, 2))})
        if rng.random() < 0.3:
            clusters[-1]["annual_amount"] = rng.choice([200000, 300000, 500000])
    schools = []
    for s in range(rng.randint(14, 22)):
        d = {"id": f"s{s}", "name": f"School {s}", "cluster": f"c{rng.randrange(nc)}"}
        if rng.random() < 0.7:
            d["annual_amount"] = rng.choice([40000, 80000, 95000, 150000])
        if rng.random() < 0.2:
            lo = rng.choice([0, 0.2])
            d["fte"] = {"min": lo, "max": lo + rng.choice([0.6, 1.0])}
        if rng.random() < 0.2:
            d["providers"] = {"min": rng.randint(0, 1), "max": rng.randint(2, 3)}
        schools.append(d)
    providers = []
    for p in range(rng.randint(10, 14)):
        d = {"id": f"p{p}", "name": f"Provider {p} (illustrative)",
             "admitted": sorted(rng.sample([c["id"] for c in clusters], rng.randint(1, nc))),
             "expertise": rng.sample(ex, rng.randint(1, 3)),
             "fte_capacity": rng.choice([0.8, 1.5, 2.5, 4.0]),
             "cost_per_fte": rng.choice([85000, 90000, 95000, 100000, 105000])}
        if rng.random() < 0.3:
            d["max_schools"] = rng.randint(1, 4)
        providers.append(d)
    topics = [{"id": "t1", "name": "Topic 1"}, {"id": "t2", "name": "Topic 2", "weight": 2}]
    scores = plancheck.random_scores(rng, schools, providers, 0.85)
    decisions = plancheck.incumbents_and_decisions(rng, schools, scores, 0.3, 0.01, 0.06)
    policy = {"providers_per_school": {"min": rng.choice([0, 1, 1]), "max": 2},
              "min_fte_per_assignment": rng.choice([0, 0.1, 0.2]),
              "fte_step": rng.choice([0.1, 0.2, 0.25]),
              "continuity": rng.choice(["none", "prefer", "prefer", "require"]),
              "expertise_coverage": rng.choice(["hard", "soft", "soft", "soft", "off"]),
              "coverage_penalty": rng.choice([1, 3, 10])}
    return plancheck.round_of(f"priced-{k}", policy, topics, ex, clusters, schools,
                              providers, scores, decisions)


def optimum(r):
    """The SPEC section 3 optimum by HiGHS, or None when there is no plan."""
    res = highs(r, 300)
    if res is None or res.status == 2:
        return None
    if res.status != 0:
        raise RuntimeError(f"HiGHS: {res.message}")
    return -res.fun


def found_by_highs(r, seconds):
    """The best plan HiGHS finds for the round in `seconds`, proven best or
    not: a value no optimum is below (None when it found none)."""
    res = highs(r, seconds)
    return None if res is None or res.x is None else -res.fun


def highs(r, seconds):
    """HiGHS's result on the model of SPEC section 3 for round r, written here
    from the text, after at most `seconds`; None when a school that must have
    a provider has no eligible one."""
    pol = plancheck.policy(r)
    el = plancheck.eligible(r)
    prov = {p["id"]: p for p in r["providers"]}
    clusters = {c["id"]: c for c in r["clusters"]}
    school = {s["id"]: s for s in r["schools"]}
    inc = {s["id"]: set(s.get("incumbents", [])) for s in r["schools"]}
    chosen = {(d["provider"], d["school"]) for d in r.get("decisions", [])
              if d["decision"] == "chosen"}
    q = pol["fte_step"]
    pairs = sorted(el)
    n = len(pairs)
    # columns: y per pair, n (steps) per pair, then u per (school, expertise)
    soft = pol["expertise_coverage"] == "soft"
    us = [(s["id"], e) for s in r["schools"]
          for e in clusters[s["cluster"]].get("required_expertise", [])] if soft else []
    N = 2 * n + len(us)
    c, lb, ub, integ = np.zeros(N), np.zeros(N), np.zeros(N), np.zeros(N)
    rows, lo, hi = [], [], []

    def row(coef, a, b):
        v = np.zeros(N)
        for j, x in coef:
            v[j] += x
        rows.append(v)
        lo.append(a)
        hi.append(b)
    for i, (p, s) in enumerate(pairs):
        fmax = school[s]["fte"]["max"] if "fte" in school[s] else \
            clusters[school[s]["cluster"]]["fte"]["max"]
        U = min(prov[p]["fte_capacity"], fmax)
        ub[i], integ[i] = 1, 1
        if (p, s) in chosen or (pol["continuity"] == "require" and p in inc[s]):
            lb[i] = 1
        ub[n + i], integ[n + i] = math.floor(U / q + 1e-9), 1
        w = plancheck.total(r, el[(p, s)])
        if pol["continuity"] != "none" and p in inc[s]:
            w += pol["continuity_bonus"]
        c[n + i] = w * q
        m = pol["min_fte_per_assignment"]
        row([(n + i, q), (i, -m)], 0, np.inf)                 # C2
        row([(n + i, q), (i, -U)], -np.inf, 0)
    for j, (s, e) in enumerate(us):
        ub[2 * n + j] = 1
        c[2 * n + j] = -pol["coverage_penalty"]
    for s in r["schools"]:
        idx = [i for i, (_, x) in enumerate(pairs) if x == s["id"]]
        pr = s.get("providers", pol["providers_per_school"])
        if idx:
            row([(i, 1) for i in idx], pr["min"], pr["max"])      # C1
        elif pr["min"] > 0:
            return None
        if "fte" in s:
            row([(n + i, q) for i in idx], s["fte"]["min"], s["fte"]["max"])  # C4
        if "annual_amount" in s:
            row([(n + i, q * prov[pairs[i][0]]["cost_per_fte"]) for i in idx],
                -np.inf, s["annual_amount"])                      # C5
        if pol["expertise_coverage"] != "off":
            for e in clusters[s["cluster"]].get("required_expertise", []):
                cover = [(i, 1) for i in idx if e in prov[pairs[i][0]].get("expertise", [])]
                if soft:
                    cover.append((2 * n + us.index((s["id"], e)), 1))
                row(cover, 1, np.inf)                             # C8
    for cl in clusters.values():
        idx = [i for i, (_, x) in enumerate(pairs) if school[x]["cluster"] == cl["id"]]
        if not any(s["cluster"] == cl["id"] for s in r["schools"]):
            continue
        row([(n + i, q) for i in idx], cl["fte"]["min"], cl["fte"]["max"])   # C3
        if "annual_amount" in cl:
            row([(n + i, q * prov[pairs[i][0]]["cost_per_fte"]) for i in idx],
                -np.inf, cl["annual_amount"])                      # C6
    for p in prov.values():
        idx = [i for i, (x, _) in enumerate(pairs) if x == p["id"]]
        if idx:
            row([(n + i, q) for i in idx], -np.inf, p["fte_capacity"])       # C7
            if "max_schools" in p:
                row([(i, 1) for i in idx], -np.inf, p["max_schools"])
    res = milp(-c, bounds=Bounds(lb, ub), integrality=integ,
               constraints=[LinearConstraint(np.array(rows), lo, hi)],
               options={"mip_rel_gap": 0, "presolve": False, "time_limit": seconds})
    return res


def honest(plan, expect, how):
    """Problems when a plan claims more than the optimum allows."""
    z, bound = plan["objective"]["value"], plan["objective"]["bound"]
    out = []
    if bound < expect - 1e-6 * (1 + abs(expect)):
        out.append(f"bound {bound} below the optimum {expect} at {how}")
    if z > expect + 1e-6 * (1 + abs(expect)):
        out.append(f"plan {z} above the optimum {expect} at {how}")
    return out


def main(argv):
    cjos = argv[1]
    rounds = int(argv[2]) if len(argv) > 2 else 20
    seed = int(argv[3]) if len(argv) > 3 else 1
    rng = random.Random(seed)
    passed = failed = priced = limited = unproven = deep = 0
    stopped = {"--node-limit": 0, "--gap": 0}
    stats = {}
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(rounds):
            r = random_round(rng, k)
            rf, pf = os.path.join(tmp, "r.json"), os.path.join(tmp, "p.json")
            json.dump(r, open(rf, "w"))
            keep = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"cjos-pc-{seed}-{k}.json")
            run = subprocess.run([cjos, "solve", rf, "-o", pf, "-v", "-t", "20"],
                                 capture_output=True, text=True)
            priced += "priced rows:" in run.stderr
            if run.returncode not in (0, 1):
                plancheck.report(r, k, keep, [f"exit {run.returncode}: {run.stderr.strip()}"])
                failed += 1
                continue
            plan = json.load(open(pf))
            stats[plan["status"]] = stats.get(plan["status"], 0) + 1
            expect = optimum(r)
            problems = plancheck.check(r, plan)
            if plan["status"] == "feasible" and expect is not None:
                unproven += 1
                problems += honest(plan, expect, "-t 20")
            else:
                problems += plancheck.against(plan, run.returncode, expect, "HiGHS")
            # a short time limit: whatever the plan, its bound holds
            run = subprocess.run([cjos, "solve", rf, "-o", pf, "-t", "0.05"],
                                 capture_output=True, text=True)
            if run.returncode == 0 and expect is not None:
                short = json.load(open(pf))
                limited += short["status"] != "optimal"
                problems += plancheck.check(r, short) + honest(short, expect, "-t 0.05")
            # a node limit and a gap limit, drawn apart from the rounds: the
            # plan each stops at keeps the rules and its bound holds (at a
            # node limit, the tighter bound of solver/deep.c where branch and
            # price did not prove the round), and a plan stopped by the gap
            # limit is within it
            lim = random.Random(seed * 1000003 + k)
            nodes = lim.choice([1, 3, 10, 30, 100, 300])
            gap = lim.choice([0.001, 0.003, 0.01, 0.03])
            for args in (["--node-limit", str(nodes)], ["--gap", str(gap), "-t", "20"]):
                how = " ".join(args[:2])
                run = subprocess.run([cjos, "solve", rf, "-o", pf, "-v", *args],
                                     capture_output=True, text=True)
                if run.returncode not in (0, 1) or not os.path.exists(pf):
                    problems.append(f"exit {run.returncode} at {how}: {run.stderr[-300:]}")
                    continue
                lp = json.load(open(pf))
                if run.returncode == 1:
                    # no plan: an infeasible round, or a limit before any plan
                    if expect is not None and lp["status"] != "unknown":
                        problems.append(f"{lp['status']} at {how}, HiGHS finds {expect}")
                    continue
                problems += plancheck.check(r, lp)
                if expect is not None:
                    problems += honest(lp, expect, how)
                stopped[how.split()[0]] += lp["status"] == "feasible"
                deep += "tighter bound:" in run.stderr
                if args[0] == "--gap" and lp["solver"]["stopped_by"] == "gap" and \
                        not lp["objective"]["gap"] <= gap + 1e-9:
                    problems.append(f"gap {lp['objective']['gap']} above {gap} at {how}")
            if plancheck.report(r, k, keep, problems):
                passed += 1
            else:
                failed += 1
    code = plancheck.summary(stats, passed, failed,
                             f"rounds solved through priced rows: {priced} of {rounds}; "
                             f"stopped by the short limit: {limited}; "
                             f"not proven in 20 s: {unproven}; "
                             f"stopped short by a node limit: {stopped['--node-limit']}, "
                             f"by a gap limit: {stopped['--gap']}; "
                             f"with the tighter bound: {deep}")
    if priced < rounds // 2:
        print("too few rounds took the priced path: the generator no longer tests it")
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
