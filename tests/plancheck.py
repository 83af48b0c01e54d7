#!/usr/bin/env python3
"""An independent plan checker: recomputes every rule of SPEC section 3 from
the round file and a plan that cjos wrote, without any of cjos's code.

Used by the end-to-end tests on every plan they produce, and by hand:

    tests/plancheck.py ROUND.json PLAN.json

Exit 0 when the plan keeps every rule and its objective is what the round
says it is; 1 with one line per violation otherwise.
"""
import json
import math
import sys

TOL = 1e-6


def policy(r):
    p = {"providers_per_school": {"min": 1, "max": 2}, "min_fte_per_assignment": 0.1,
         "fte_step": None, "interview_weight": 0.5, "shortlist_size": 5,
         "use_shortlist": False, "continuity": "prefer", "continuity_bonus": 0.5,
         "expertise_coverage": "hard", "coverage_penalty": 10}
    p.update(r.get("policy", {}))
    return p


def written(r, sc):
    w = {t["id"]: t.get("weight", 1) for t in r["topics"]}
    return sum(w[t] * sc["topics"][t] for t in w) / sum(w.values())


def total(r, sc):
    iw = policy(r)["interview_weight"]
    if "interview" not in sc:
        return written(r, sc)
    return (1 - iw) * written(r, sc) + iw * sc["interview"]


def base_eligible(r):
    """(provider, school) -> score entry, for scored, admitted, not excluded pairs."""
    cluster = {s["id"]: s["cluster"] for s in r["schools"]}
    admitted = {p["id"]: set(p["admitted"]) for p in r["providers"]}
    excluded = {(d["provider"], d["school"]) for d in r.get("decisions", [])
                if d["decision"] == "excluded"}
    out = {}
    for sc in r["scores"]:
        key = (sc["provider"], sc["school"])
        if cluster[sc["school"]] in admitted[sc["provider"]] and key not in excluded:
            out[key] = sc
    return out


def shortlists(r):
    """school -> set of shortlisted providers (SPEC section 2)."""
    pol = policy(r)
    base = base_eligible(r)
    groups = [g["schools"] for g in r.get("interview_groups", [])]
    grouped = {s for g in groups for s in g}
    groups += [[s["id"]] for s in r["schools"] if s["id"] not in grouped]
    result = {}
    for g in groups:
        sums = {}
        for (p, s), sc in base.items():
            if s in g:
                sums.setdefault(p, []).append(written(r, sc))
        ranked = sorted(((sum(v) / len(v), p) for p, v in sums.items()),
                        key=lambda x: -x[0])
        k = pol["shortlist_size"]
        invited = {p for _, p in ranked[:k]}
        if len(ranked) > k:
            last = ranked[k - 1][0]
            invited |= {p for sc, p in ranked[k:] if abs(sc - last) <= 1e-9}
        for s in g:
            result[s] = {p for p in invited if (p, s) in base}
    return result


def eligible(r):
    pol = policy(r)
    base = base_eligible(r)
    if not pol["use_shortlist"]:
        return base
    sl = shortlists(r)
    chosen = {(d["provider"], d["school"]) for d in r.get("decisions", [])
              if d["decision"] == "chosen"}
    return {k: v for k, v in base.items() if k[0] in sl[k[1]] or k in chosen}


def objective_of(r, assign):
    """assign: school -> {provider: fte}.  The SPEC section 3 objective."""
    pol = policy(r)
    el = eligible(r)
    inc = {s["id"]: set(s.get("incumbents", [])) for s in r["schools"]}
    exp = {p["id"]: set(p.get("expertise", [])) for p in r["providers"]}
    req = {c["id"]: c.get("required_expertise", []) for c in r["clusters"]}
    z = 0.0
    for s in r["schools"]:
        for p, f in assign.get(s["id"], {}).items():
            z += total(r, el[(p, s["id"])]) * f
            if pol["continuity"] != "none" and p in inc[s["id"]]:
                z += pol["continuity_bonus"] * f
        if pol["expertise_coverage"] == "soft":
            for e in req[s["cluster"]]:
                if not any(e in exp[p] for p in assign.get(s["id"], {})):
                    z -= pol["coverage_penalty"]
    return z


def check(r, plan):
    """Returns a list of violations (empty when the plan is right)."""
    bad = []
    pol = policy(r)
    el = eligible(r)
    schools = {s["id"]: s for s in r["schools"]}
    clusters = {c["id"]: c for c in r["clusters"]}
    prov = {p["id"]: p for p in r["providers"]}
    if plan.get("format") != "cjos-plan/1":
        bad.append("format is not cjos-plan/1")
    if plan.get("round") != r["round"]["id"]:
        bad.append("round id differs")
    if [s["id"] for s in plan["schools"]] != [s["id"] for s in r["schools"]]:
        bad.append("schools are not the round's, in the round's order")
    if plan["status"] == "infeasible":
        if plan.get("objective") is not None:
            bad.append("infeasible plan has an objective")
        if not plan.get("diagnosis"):
            bad.append("infeasible plan has no diagnosis")
        return bad
    assign = {}
    for s in plan["schools"]:
        assign[s["id"]] = {}
        for a in s["assignments"]:
            if a["provider"] in assign[s["id"]]:
                bad.append(f"{s['id']}: provider {a['provider']} twice")
            assign[s["id"]][a["provider"]] = a["fte"]
    m = pol["min_fte_per_assignment"]
    q = pol["fte_step"]
    cl_fte = {c: 0.0 for c in clusters}
    cl_cost = {c: 0.0 for c in clusters}
    p_fte = {p: 0.0 for p in prov}
    p_n = {p: 0 for p in prov}
    for sid, a in assign.items():
        s = schools[sid]
        c = clusters[s["cluster"]]
        pr = s.get("providers", pol["providers_per_school"])
        if not pr["min"] <= len(a) <= pr["max"]:
            bad.append(f"C1 {sid}: {len(a)} providers, not in {pr['min']}..{pr['max']}")
        fmax = s["fte"]["max"] if "fte" in s else c["fte"]["max"]
        for p, f in a.items():
            if (p, sid) not in el:
                bad.append(f"{sid}: {p} is not eligible")
                continue
            U = min(prov[p]["fte_capacity"], fmax)
            if f < m - TOL or f > U + TOL:
                bad.append(f"C2 {sid}/{p}: fte {f} not in [{m}, {U}]")
            if q and abs(f / q - round(f / q)) > 1e-6:
                bad.append(f"fte_step {sid}/{p}: {f} is not a multiple of {q}")
            cl_fte[c["id"]] += f
            cl_cost[c["id"]] += f * prov[p]["cost_per_fte"]
            p_fte[p] += f
            p_n[p] += 1
        sf = sum(a.values())
        if "fte" in s and not s["fte"]["min"] - TOL <= sf <= s["fte"]["max"] + TOL:
            bad.append(f"C4 {sid}: fte {sf} outside the school's range")
        cost = sum(f * prov[p]["cost_per_fte"] for p, f in a.items())
        if "annual_amount" in s and cost > s["annual_amount"] * (1 + 1e-9) + 1e-4:
            bad.append(f"C5 {sid}: cost {cost} above {s['annual_amount']}")
        if pol["expertise_coverage"] == "hard":
            for e in c.get("required_expertise", []):
                if not any(e in prov[p].get("expertise", []) for p in a):
                    bad.append(f"C8 {sid}: expertise {e} not covered")
        if pol["continuity"] == "require":
            for p in s.get("incumbents", []):
                if (p, sid) in el and p not in a:
                    bad.append(f"C10 {sid}: incumbent {p} dropped")
    for cid, c in clusters.items():
        if not any(s["cluster"] == cid for s in r["schools"]):
            continue
        if not c["fte"]["min"] - TOL <= cl_fte[cid] <= c["fte"]["max"] + TOL:
            bad.append(f"C3 {cid}: fte {cl_fte[cid]} outside {c['fte']}")
        if "annual_amount" in c and cl_cost[cid] > c["annual_amount"] * (1 + 1e-9) + 1e-4:
            bad.append(f"C6 {cid}: cost {cl_cost[cid]} above {c['annual_amount']}")
    for pid, p in prov.items():
        if p_fte[pid] > p["fte_capacity"] + TOL:
            bad.append(f"C7 {pid}: fte {p_fte[pid]} above capacity")
        if "max_schools" in p and p_n[pid] > p["max_schools"]:
            bad.append(f"C7 {pid}: {p_n[pid]} schools above {p['max_schools']}")
    for d in r.get("decisions", []):
        if d["decision"] == "chosen" and d["provider"] not in assign[d["school"]]:
            bad.append(f"C9 {d['school']}: chosen {d['provider']} missing")
    z = objective_of(r, assign)
    got = plan["objective"]["value"]
    if not math.isclose(z, got, rel_tol=1e-7, abs_tol=1e-6):
        bad.append(f"objective {got} differs from the recomputed {z}")
    # the gap is the plan's distance to the bound it shows (docs/plan.md)
    bound, gap = plan["objective"]["bound"], plan["objective"]["gap"]
    if bound is None or gap is None:
        bad.append("objective without a bound or a gap")
    elif bound < got - 1e-6 * (1 + abs(got)):
        bad.append(f"bound {bound} below the objective {got}")
    elif not math.isclose(gap, abs(bound - got) / (abs(got) + 1e-9), rel_tol=1e-6,
                          abs_tol=1e-9):
        bad.append(f"gap {gap} is not that of the bound {bound} and the objective {got}")
    if plan["status"] == "optimal" and gap != 0:
        bad.append(f"optimal plan with gap {gap}")
    return bad


def random_scores(rng, schools, providers, p_score, p_interview=0.0):
    """Random scores on topics t1 and t2 for each admitted pair at probability
    p_score, and an interview score at p_interview."""
    scores = []
    for s in schools:
        for p in providers:
            if s["cluster"] in p["admitted"] and rng.random() < p_score:
                e = {"provider": p["id"], "school": s["id"],
                     "topics": {"t1": rng.randint(0, 20) / 2, "t2": rng.randint(0, 20) / 2}}
                if p_interview and rng.random() < p_interview:
                    e["interview"] = rng.randint(0, 20) / 2
                scores.append(e)
    return scores


def round_of(name, policy, topics, expertise, clusters, schools, providers, scores,
             decisions):
    """A round file's contents from a random round's parts."""
    return {"format": "cjos-round/1", "round": {"id": name}, "policy": policy,
            "topics": topics, "expertise": [{"id": e, "name": e} for e in expertise],
            "clusters": clusters, "schools": schools, "providers": providers,
            "scores": scores, "decisions": decisions}


def incumbents_and_decisions(rng, schools, scores, p_incumbent, p_chosen, p_excluded):
    """Random incumbents (one per school, at probability p_incumbent) and
    decisions for a random round's scores; returns the decisions."""
    for s in schools:
        mine = [e["provider"] for e in scores if e["school"] == s["id"]]
        if mine and rng.random() < p_incumbent:
            s["incumbents"] = [rng.choice(mine)]
    decisions = []
    for e in scores:
        x = rng.random()
        if x < p_chosen:
            decisions.append({"school": e["school"], "provider": e["provider"],
                              "decision": "chosen"})
        elif x < p_excluded:
            decisions.append({"school": e["school"], "provider": e["provider"],
                              "decision": "excluded"})
    return decisions


def report(r, k, keep, problems):
    """Says a round's problems and keeps the round in `keep`; True when none."""
    if not problems:
        return True
    json.dump(r, open(keep, "w"), indent=1)
    print(f"round {k} ({keep}): " + "; ".join(problems))
    return False


def summary(stats, passed, failed, *lines):
    """Prints a random check's tally; its exit code."""
    print("plans by status:", ", ".join(f"{k} {v}" for k, v in sorted(stats.items())))
    for line in lines:
        print(line)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def against(plan, exit_code, expect, who):
    """Problems when cjos's answer differs from `expect`, the optimum another
    method (`who`) found, or None when it found that no plan exists."""
    if expect is None:
        if plan["status"] != "infeasible" or exit_code != 1:
            return [f"{who} finds no plan, cjos says {plan['status']} (exit {exit_code})"]
        return []
    if plan["status"] != "optimal":
        return [f"{who} finds {expect}, cjos says {plan['status']}"]
    if not math.isclose(plan["objective"]["value"], expect, rel_tol=1e-6, abs_tol=1e-6):
        return [f"objective {plan['objective']['value']} but {who} finds {expect}"]
    return []


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[3].strip(), file=sys.stderr)
        return 64
    r = json.load(open(argv[1]))
    plan = json.load(open(argv[2]))
    bad = check(r, plan)
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
