#!/usr/bin/env python3
"""Brute force against the solver: for a few hundred small seeded random
rounds, enumerate every choice of providers per school, solve what remains
(the FTE of the chosen pairs) with a different solver (HiGHS, through SciPy),
keep the best, and compare it with the optimum `cjos solve` reports.  Also
runs the plan checker on every plan.

    tests/bruteforce.py CJOS [ROUNDS] [SEED]
"""
import itertools
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
    nc = rng.choice([1, 1, 2])
    ns = rng.randint(1, 3)
    npv = rng.randint(2, 4)
    ex = ["e1", "e2"]
    clusters = []
    for c in range(nc):
        lo = rng.choice([0, 0.2, 0.5, 1.0])
        clusters.append({"id": f"c{c}", "name": f"Cluster {c}",
                         "fte": {"min": lo, "max": lo + rng.choice([0, 0.5, 1.0, 2.0])},
                         "required_expertise": rng.sample(ex, rng.randint(0, 2))})
        if rng.random() < 0.3:
            clusters[-1]["annual_amount"] = rng.choice([60000, 120000, 200000])
    schools = []
    for s in range(ns):
        d = {"id": f"s{s}", "name": f"School {s}", "cluster": f"c{rng.randrange(nc)}"}
        if rng.random() < 0.5:
            d["annual_amount"] = rng.choice([40000, 80000, 150000])
        if rng.random() < 0.25:
            lo = rng.choice([0, 0.3])
            d["fte"] = {"min": lo, "max": lo + rng.choice([0.4, 1.0])}
        if rng.random() < 0.2:
            mn = rng.randint(0, 1)
            d["providers"] = {"min": mn, "max": mn + rng.randint(0, 2)}
        schools.append(d)
    providers = []
    for p in range(npv):
        d = {"id": f"p{p}", "name": f"Provider {p} (illustrative)",
             "admitted": sorted(rng.sample([c["id"] for c in clusters],
                                           rng.randint(1, nc))),
             "expertise": rng.sample(ex, rng.randint(0, 2)),
             "fte_capacity": rng.choice([0.5, 1.0, 1.5, 2.5]),
             "cost_per_fte": rng.choice([85000, 90000, 95000, 100000, 105000])}
        if rng.random() < 0.3:
            d["max_schools"] = rng.randint(1, 2)
        providers.append(d)
    topics = [{"id": "t1", "name": "Topic 1"}, {"id": "t2", "name": "Topic 2",
                                                "weight": rng.choice([1, 2])}]
    scores = plancheck.random_scores(rng, schools, providers, 0.8, 0.3)
    decisions = plancheck.incumbents_and_decisions(rng, schools, scores, 0.4, 0.08, 0.16)
    pmin = rng.choice([0, 1, 1])
    policy = {"providers_per_school": {"min": pmin, "max": pmin + rng.choice([0, 1, 1, 2])},
              "min_fte_per_assignment": rng.choice([0, 0.1, 0.2]),
              "fte_step": rng.choice([None, None, 0.1, 0.25]),
              "interview_weight": rng.choice([0, 0.5, 1]),
              "shortlist_size": rng.randint(1, 3),
              "use_shortlist": rng.random() < 0.25,
              "continuity": rng.choice(["none", "prefer", "require"]),
              "continuity_bonus": rng.choice([0, 0.5, 2]),
              "expertise_coverage": rng.choice(["hard", "soft", "off"]),
              "coverage_penalty": rng.choice([0, 3, 10])}
    return plancheck.round_of(f"random-{k}", policy, topics, ex, clusters, schools,
                              providers, scores, decisions)


def best_by_enumeration(r):
    """The optimum over every provider choice, or None when none is feasible."""
    values = values_by_enumeration(r)
    return max(values) if values else None


def values_by_enumeration(r):
    """The best objective of every feasible provider choice (one per choice)."""
    pol = plancheck.policy(r)
    el = plancheck.eligible(r)
    prov = {p["id"]: p for p in r["providers"]}
    clusters = {c["id"]: c for c in r["clusters"]}
    chosen = {(d["provider"], d["school"]) for d in r.get("decisions", [])
              if d["decision"] == "chosen"}
    per_school = []
    for s in r["schools"]:
        cand = sorted(p for (p, sid) in el if sid == s["id"])
        pr = s.get("providers", pol["providers_per_school"])
        must = {p for p in cand if (p, s["id"]) in chosen}
        if pol["continuity"] == "require":
            must |= {p for p in s.get("incumbents", []) if (p, s["id"]) in el}
        opts = []
        for n in range(pr["min"], pr["max"] + 1):
            for sub in itertools.combinations(cand, n):
                if must <= set(sub):
                    opts.append(sub)
        per_school.append(opts)
    values = []
    for choice in itertools.product(*per_school):
        assign = {s["id"]: set(c) for s, c in zip(r["schools"], choice)}
        count = {}
        for ps in assign.values():
            for p in ps:
                count[p] = count.get(p, 0) + 1
        if any("max_schools" in prov[p] and n > prov[p]["max_schools"]
               for p, n in count.items()):
            continue
        if pol["expertise_coverage"] == "hard" and any(
                not any(e in prov[p].get("expertise", []) for p in assign[s["id"]])
                for s in r["schools"]
                for e in clusters[s["cluster"]].get("required_expertise", [])):
            continue
        z = solve_fte(r, assign)
        if z is not None:
            values.append(z)
    return values


def solve_fte(r, assign):
    """Given the providers of every school, the best FTE plan's objective."""
    pol = plancheck.policy(r)
    el = plancheck.eligible(r)
    prov = {p["id"]: p for p in r["providers"]}
    clusters = {c["id"]: c for c in r["clusters"]}
    pairs = [(p, s["id"]) for s in r["schools"] for p in sorted(assign[s["id"]])]
    # with every FTE at zero only the coverage penalty is left: a constant
    const = plancheck.objective_of(r, {s: {p: 0.0 for p in ps} for s, ps in assign.items()})
    inc = {s["id"]: set(s.get("incumbents", [])) for s in r["schools"]}
    n = len(pairs)
    if n == 0:
        ok = all(c["fte"]["min"] <= 1e-9 for c in clusters.values()
                 if any(s["cluster"] == c["id"] for s in r["schools"]))
        ok = ok and all(s.get("fte", {"min": 0})["min"] <= 1e-9 for s in r["schools"])
        return const if ok else None
    q = pol["fte_step"] or 1.0
    school = {s["id"]: s for s in r["schools"]}
    c = np.zeros(n)
    lb = np.zeros(n)
    ub = np.zeros(n)
    for i, (p, s) in enumerate(pairs):
        c[i] = plancheck.total(r, el[(p, s)])
        if pol["continuity"] != "none" and p in inc[s]:
            c[i] += pol["continuity_bonus"]
        c[i] *= q
        fmax = school[s]["fte"]["max"] if "fte" in school[s] else \
            clusters[school[s]["cluster"]]["fte"]["max"]
        U = min(prov[p]["fte_capacity"], fmax)
        m = pol["min_fte_per_assignment"]
        if pol["fte_step"]:
            lb[i] = math.ceil(m / q - 1e-9)
            ub[i] = math.floor(U / q + 1e-9)
        else:
            lb[i], ub[i] = m, U
        if lb[i] > ub[i] + 1e-9:
            return None
    rows, lo, hi = [], [], []

    def row(coef, a, b):
        rows.append(coef)
        lo.append(a)
        hi.append(b)
    for s in r["schools"]:
        idx = [i for i, (_, x) in enumerate(pairs) if x == s["id"]]
        if "fte" in s:
            row([q if i in idx else 0 for i in range(n)], s["fte"]["min"], s["fte"]["max"])
        if "annual_amount" in s:
            row([q * prov[pairs[i][0]]["cost_per_fte"] if i in idx else 0 for i in range(n)],
                -np.inf, s["annual_amount"])
        if not idx and "fte" in s and s["fte"]["min"] > 1e-9:
            return None
    for cl in clusters.values():
        members = {s["id"] for s in r["schools"] if s["cluster"] == cl["id"]}
        if not members:
            continue
        idx = [i for i, (_, x) in enumerate(pairs) if x in members]
        row([q if i in idx else 0 for i in range(n)], cl["fte"]["min"], cl["fte"]["max"])
        if "annual_amount" in cl:
            row([q * prov[pairs[i][0]]["cost_per_fte"] if i in idx else 0 for i in range(n)],
                -np.inf, cl["annual_amount"])
    for p in prov:
        idx = [i for i, (x, _) in enumerate(pairs) if x == p]
        if idx:
            row([q if i in idx else 0 for i in range(n)], -np.inf, prov[p]["fte_capacity"])
    integrality = np.ones(n) if pol["fte_step"] else np.zeros(n)
    res = milp(-c, bounds=Bounds(lb, ub), integrality=integrality,
               constraints=[LinearConstraint(np.array(rows), lo, hi)] if rows else [],
               options={"mip_rel_gap": 0})
    if res.status != 0:
        return None
    return const - res.fun


def main(argv):
    cjos = argv[1]
    rounds = int(argv[2]) if len(argv) > 2 else 300
    seed = int(argv[3]) if len(argv) > 3 else 1
    rng = random.Random(seed)
    passed = failed = 0
    stats = {}
    alternatives = 0
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(rounds):
            r = random_round(rng, k)
            rf, pf = os.path.join(tmp, "r.json"), os.path.join(tmp, "p.json")
            json.dump(r, open(rf, "w"))
            run = subprocess.run([cjos, "solve", rf, "-o", pf], capture_output=True, text=True)
            keep = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"cjos-bf-{seed}-{k}.json")
            if run.returncode not in (0, 1):
                plancheck.report(r, k, keep, [f"exit {run.returncode}: {run.stderr.strip()}"])
                failed += 1
                continue
            plan = json.load(open(pf))
            expect = best_by_enumeration(r)
            problems = plancheck.check(r, plan)
            problems += plancheck.against(plan, run.returncode, expect, "enumeration")
            if not plancheck.report(r, k, keep, problems):
                failed += 1
            elif k % 5 == 0 and plan["status"] == "optimal":
                # the K best plans that differ are the K best provider choices
                want = sorted(values_by_enumeration(r), reverse=True)[:4]
                alt = subprocess.run([cjos, "alternatives", rf, "-k", "4"], capture_output=True,
                                     text=True)
                got = [x["objective"] for x in json.loads(alt.stdout)["plans"]]
                if len(got) != len(want) or any(not math.isclose(a, b, rel_tol=1e-6,
                                                                 abs_tol=1e-6)
                                                 for a, b in zip(got, want)):
                    failed += 1
                    plancheck.report(r, k, keep, [f"alternatives {got}, enumeration {want}"])
                else:
                    passed += 1
                    alternatives += 1
            else:
                passed += 1
            stats[plan["status"]] = stats.get(plan["status"], 0) + 1
    return plancheck.summary(stats, passed, failed,
                             f"alternatives checked against the enumeration: "
                             f"{alternatives} rounds")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
