#!/usr/bin/env python3
"""An independent rota checker: recomputes every rule of SPEC section 6
(S1-S4), the backups, the week grids and the rota summary from the round
file and a staffed plan that cjos wrote, without any of cjos's code.

    tests/rotacheck.py ROUND.json PLAN.json [SALT]

With SALT, the plan shows staff by pseudonym: each is derived here again
(HMAC-SHA256 of the id under the salt, "staff-" and ten hex digits) to find
the person.  Exit 0 when every rule holds; 1 with one line per violation.
"""
import hashlib
import hmac
import json
import math
import sys

DAY_PARTS = [f"{d}-{h}" for d in ("mon", "tue", "wed", "thu", "fri") for h in ("am", "pm")]
TOL = 1e-6


def pseudonym(salt, sid):
    return "staff-" + hmac.new(salt.encode(), sid.encode(), hashlib.sha256).hexdigest()[:10]


def check(r, plan, salt=None):
    bad = []
    if not any("staff" in p for p in r["providers"]):
        return ["a round without staff has a rota"] if "rota" in plan else []
    if plan["status"] not in ("optimal", "feasible"):
        return bad
    pol = r.get("policy", {})
    spa = pol.get("staff_per_assignment", {"min": 2, "max": 4})
    dpf = pol.get("day_part_fte", 0.1)
    people = {}  # shown id -> (provider, staff entry)
    for p in r["providers"]:
        for st in p.get("staff", []):
            shown = pseudonym(salt, st["id"]) if salt else st["id"]
            if shown in people:
                bad.append(f"two people shown as {shown}")
            people[shown] = (p["id"], st)
    staffed_provider = {p["id"]: "staff" in p and len(p["staff"]) > 0 for p in r["providers"]}
    schools = {s["id"]: s for s in r["schools"]}
    prov = {p["id"]: p for p in r["providers"]}
    if "rota" not in plan:
        return ["a staffed round's plan has no rota"]
    shown_as = plan["rota"]["staff_shown_as"]
    if shown_as != ("pseudonym" if salt else "id"):
        bad.append(f"staff shown as {shown_as}")

    used = {}  # person -> list of (school, day-part)
    p_fte = {p: 0.0 for p in prov}
    known_fte = 0.0
    days = 0
    at = {}  # (person, school) -> set of day-parts
    for s in plan["schools"]:
        sid = s["id"]
        sc = schools[sid]
        open_ = set(sc.get("open", DAY_PARTS))
        grid = {d: set() for d in DAY_PARTS}
        for a in s["assignments"]:
            pid = a["provider"]
            p_fte[pid] += a["fte"]
            staff = a.get("staff")
            if staff is None:
                bad.append(f"{sid}/{pid}: no staff list")
                continue
            if not staffed_provider[pid]:
                if staff:
                    bad.append(f"{sid}/{pid}: staff for a provider that lists none")
                continue
            ids = [x["id"] for x in staff]
            if len(set(ids)) != len(ids):
                bad.append(f"S1 {sid}/{pid}: a person twice")
            if not spa["min"] <= len(ids) <= spa["max"]:
                bad.append(f"S1 {sid}/{pid}: {len(ids)} staff, not in {spa['min']}..{spa['max']}")
            parts = 0
            for x in staff:
                if x["id"] not in people or people[x["id"]][0] != pid:
                    bad.append(f"{sid}/{pid}: {x['id']} is not staff of {pid}")
                    continue
                st = people[x["id"]][1]
                dps = x["day_parts"]
                if not dps:
                    bad.append(f"S1 {sid}/{x['id']}: no day-parts")
                parts += len(dps)
                if not math.isclose(x["fte"], len(dps) * dpf, abs_tol=TOL):
                    bad.append(f"S1 {sid}/{x['id']}: fte {x['fte']} is not {len(dps)} day-parts")
                if x["skj"] != st["skj"]:
                    bad.append(f"{sid}/{x['id']}: skj shown wrong")
                if x["known"] != (sid in st.get("known_at", [])):
                    bad.append(f"{sid}/{x['id']}: known shown wrong")
                if x["known"]:
                    known_fte += len(dps) * dpf
                avail = set(st.get("available", DAY_PARTS))
                for d in dps:
                    if d not in avail:
                        bad.append(f"S2 {sid}/{x['id']}: not available {d}")
                    if d not in open_:
                        bad.append(f"S2 {sid}/{x['id']}: school closed {d}")
                    used.setdefault(x["id"], []).append((sid, d))
                    grid[d].add(x["id"])
                at[(x["id"], sid)] = set(dps)
                # a long absence: a colleague of the same provider already there
                others = [y["id"] for y in staff if y["id"] != x["id"]]
                if x["backup"] is None:
                    if others:
                        bad.append(f"{sid}/{x['id']}: no backup although colleagues are there")
                elif x["backup"] not in others:
                    bad.append(f"{sid}/{x['id']}: backup {x['backup']} is not a colleague there")
            if not math.isclose(a["fte"], parts * dpf, abs_tol=TOL):
                bad.append(f"S1 {sid}/{pid}: fte {a['fte']} but staff give {parts * dpf:g}")
            # S3: MBO only where an SKJ colleague of the same provider works too
            if any(not people[i][1]["skj"] for i in ids if i in people) and \
                    not any(people[i][1]["skj"] for i in ids if i in people):
                bad.append(f"S3 {sid}/{pid}: MBO staff without an SKJ colleague")
        week = s.get("week")
        if week is None or [w["day_part"] for w in week] != DAY_PARTS:
            bad.append(f"{sid}: no week grid of ten day-parts")
        else:
            for w in week:
                if w["open"] != (w["day_part"] in open_):
                    bad.append(f"{sid}: {w['day_part']} open shown wrong")
                if set(w["staff"]) != grid[w["day_part"]]:
                    bad.append(f"{sid}: week grid at {w['day_part']} differs from the staff lists")
        days += sum(1 for d in ("mon", "tue", "wed", "thu", "fri")
                    if grid[d + "-am"] or grid[d + "-pm"])
    # S2 across schools: one place a day-part, within their FTE
    for person, places in used.items():
        dps = [d for _, d in places]
        if len(set(dps)) != len(dps):
            bad.append(f"S2 {person}: two places in one day-part")
        if len(dps) * dpf > people[person][1]["fte"] + TOL:
            bad.append(f"S2 {person}: {len(dps) * dpf:g} FTE above {people[person][1]['fte']}")
    # S4: the provider rules with capacity not above the staff's FTE
    for pid, p in prov.items():
        if staffed_provider[pid]:
            cap = min(p["fte_capacity"], sum(st["fte"] for st in p["staff"]))
            if p_fte[pid] > cap + TOL:
                bad.append(f"S4 {pid}: {p_fte[pid]:g} FTE above what its staff give")
    changes = 0
    for (person, sid), dps in at.items():
        for (other, sid2), dps2 in at.items():
            if other == person and sid2 != sid:
                changes += sum(1 for d in ("mon", "tue", "wed", "thu", "fri")
                               if d + "-am" in dps and d + "-pm" in dps2)
    ro = plan["rota"]
    for rule in ro.get("rules", []):
        if not rule["holds"]:
            bad.append(f"the plan says {rule['rule']} ({rule['what']}) does not hold")
    if len(ro.get("rules", [])) != 8:
        bad.append("the plan does not list the eight staffing rules")
    if not math.isclose(ro["known_fte"], known_fte, abs_tol=TOL):
        bad.append(f"rota known_fte {ro['known_fte']} but the staff lists give {known_fte:g}")
    if ro["weekdays"] != days:
        bad.append(f"rota weekdays {ro['weekdays']} but the grids give {days}")
    if ro["changes_within_day"] != changes:
        bad.append(f"rota changes {ro['changes_within_day']} but the staff lists give {changes}")
    return bad


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__.strip().splitlines()[4].strip(), file=sys.stderr)
        return 64
    r = json.load(open(argv[1]))
    plan = json.load(open(argv[2]))
    bad = check(r, plan, argv[3] if len(argv) == 4 else None)
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
