#!/usr/bin/env python3
"""Limits under stress, run by hand (docs/reliability.md): seeded rounds of
bench/gen, 6 to 90 schools, some with staff, each solved under a limit drawn
at random (a node limit, a time limit, a gap limit, a memory limit, or two of
them), usually with the sanitizer build.  Every plan is checked by
tests/plancheck.py; its value may not pass the round's optimum and its bound
may not fall below it, both as a run without a limit (up to 240 s, of
REFERENCE, the same program unless given) finds them: the optimum where that
run proves it, else its plan and bound; its gap is its value and bound's.  A
run that ends without a plan must end `unknown`, stopped by a limit, or on a
round the reference finds infeasible.  A run under a time limit must end
within it and a margin (MARGIN seconds, 1.5 unless CJOS_LIMITS_MARGIN says;
give more under the sanitizer build, whose nodes can outlast it), or, when
the rescue ran (`--verbose` says `rescue:`), within half as long again, which
the manual allows it: the limit is the command line's promise, and a staffed
round once passed it by 40 s.

    tests/limits.py CJOS [RUNS] [SEED] [REFERENCE]
"""
import json
import os
import random
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plancheck  # noqa: E402

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MARGIN = float(os.environ.get("CJOS_LIMITS_MARGIN", "1.5"))


def limits(rng):
    """One of the limits, as command-line options."""
    k = rng.randrange(6)
    if k == 0:
        return ["--node-limit", str(rng.choice([1, 2, 5, 20, 50, 200, 1000]))]
    if k == 1:
        return ["-t", str(rng.choice([0.05, 0.3, 1, 3, 8]))]
    if k == 2:
        return ["--gap", rng.choice(["0.05%", "0.1%", "0.2%", "1%", "5%"])]
    if k == 3:
        return ["--gap", rng.choice(["0.1%", "0.5%"]), "--node-limit",
                str(rng.choice([10, 300]))]
    if k == 4:
        return ["--memory-limit", str(rng.choice([1, 2, 4]))]
    return ["--node-limit", str(rng.choice([3, 100])), "-t", "2"]


def problems_of(r, plan, code, ref):
    """What is wrong with a limited run's plan, against the reference plan."""
    if code == 1:
        if plan["status"] == "unknown" and plan["solver"]["stopped_by"]:
            return []
        if plan["status"] == "infeasible" and ref["status"] == "infeasible":
            return []
        return [f"no plan ({plan['status']}), the reference's is {ref['status']}"]
    bad = plancheck.check(r, plan)
    ob, rob = plan["objective"], ref["objective"] or {}
    v, b = ob["value"], ob.get("bound")
    if ref["status"] == "optimal":
        hi = lo = rob["value"]
    elif ref["status"] == "feasible":
        hi, lo = rob["bound"], rob["value"]  # the optimum lies between
    else:
        return bad + [f"a plan, but the reference's is {ref['status']}"]
    tol = 1e-6 * (1 + abs(lo))
    if v > hi + tol:
        bad.append(f"plan {v} above {hi}, which no plan passes")
    if b is not None and b < lo - tol:
        bad.append(f"bound {b} below {lo}, a plan's value")
    if plan["status"] == "optimal" and (abs(v - lo) > tol or abs(v - hi) > tol):
        bad.append(f"optimal at {v}, but the optimum lies in [{lo}, {hi}]")
    if b is not None and ob.get("gap") is not None and v:
        g = (b - v) / abs(v)
        if abs(g - ob["gap"]) > 1e-6 * (1 + abs(g)):
            bad.append(f"gap {ob['gap']}, but value and bound give {g}")
    return bad


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 64
    cjos = argv[1]
    runs = int(argv[2]) if len(argv) > 2 else 100
    seed = int(argv[3]) if len(argv) > 3 else 1
    reference = argv[4] if len(argv) > 4 else cjos
    rng = random.Random(seed)
    refs = {}
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(runs):
            if rng.random() < 0.8:
                s, p = rng.randint(6, 45), rng.randint(4, 30)
            else:
                s, p = rng.randint(50, 90), rng.randint(30, 55)
            gseed, staff = rng.randint(1, 10**6), rng.random() < 0.15
            rf = os.path.join(tmp, f"r{s}x{p}s{gseed}{'st' if staff else ''}.json")
            if rf not in refs:
                subprocess.run([sys.executable, os.path.join(SRC, "bench", "gen"),
                                "--schools", str(s), "--providers", str(p), "--seed",
                                str(gseed), "-o", rf] + (["--staff"] if staff else []),
                               check=True)
                out = os.path.join(tmp, "ref.json")
                subprocess.run([reference, "solve", rf, "-t", "240", "-q", "-o", out],
                               capture_output=True, text=True)
                refs[rf] = json.load(open(out))
                os.unlink(out)
            args = limits(rng)
            out = os.path.join(tmp, "plan.json")
            start = time.monotonic()
            run = subprocess.run([cjos, "solve", rf, "--verbose", "-o", out, *args],
                                 capture_output=True, text=True)
            took = time.monotonic() - start
            what = f"{k}: {os.path.basename(rf)} {' '.join(args)}"
            if run.returncode not in (0, 1) or "Sanitizer" in run.stderr or \
                    "runtime error" in run.stderr:
                bad = [f"exit {run.returncode}: {run.stderr[-1000:]}"]
            else:
                bad = problems_of(json.load(open(rf)), json.load(open(out)),
                                  run.returncode, refs[rf])
            if "-t" in args:
                t = float(args[args.index("-t") + 1])
                rescued = any(line.startswith("rescue: ")
                              for line in run.stderr.splitlines())
                if took > t * (1.5 if rescued else 1) + MARGIN:
                    bad.append(f"took {took:.2f} s under its time limit"
                               + (" and the rescue" if rescued else ""))
            if os.path.exists(out):
                os.unlink(out)
            if bad:
                failed += 1
                print(f"FAIL {what}: " + "; ".join(bad), flush=True)
            else:
                passed += 1
                print(f"ok {what} (exit {run.returncode})", flush=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
