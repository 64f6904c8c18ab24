#!/usr/bin/env python3
"""Deterministic inputs for output-hash checks (scripts/output-hash.sh): what-if scenarios and
months with custom rule packs, valid and broken, one JSON text per line. The same seed gives the
same lines, so the engine's answers to them can be hashed before and after a refactoring."""
import copy, json, os, random, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

def load(p):
    with open(os.path.join(ROOT, p), encoding="utf-8") as f:
        return json.load(f)

def examples():
    out = []
    with open(os.path.join(ROOT, "..", "shared", "scenarios", "examples.jsonl"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                out.append(json.loads(line)["input"])
    return out

ODD = [None, True, False, -1, 0, 0.5, 1, 2, 1e9, "x", "", [], {}, [1], {"a": 1}, 1.0000001, -0.0, 44640, 44641]

def mutate(v, r, depth=0):
    """One random change somewhere in v (returns the new value)."""
    if isinstance(v, dict) and v and r.random() < 0.8:
        k = r.choice(sorted(v))
        roll = r.random()
        if roll < 0.15:
            v = dict(v); del v[k]; return v
        v = dict(v); v[k] = mutate(v[k], r, depth + 1); return v
    if isinstance(v, list) and v and r.random() < 0.8:
        i = r.randrange(len(v))
        v = list(v)
        if r.random() < 0.1:
            del v[i]
        else:
            v[i] = mutate(v[i], r, depth + 1)
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool) and r.random() < 0.6:
        return r.choice([v * 2, v + 1, -v, v / 3, 0, round(v * 1.37, 4)])
    return r.choice(ODD)

def scenarios(r, n):
    packs = ["medicare-cy2025", "medicare-cy2026", "medicare-cy2027", None, "nope"]
    locs = [None, "01112-26", "10112-00", "02102-01", "05302-99"] * 3 + ["99999-99", "bad"]
    out = []
    for i in range(n):
        bands = []
        for _ in range(r.randrange(0, 5)):
            bands.append({"track": r.choice(["staff", "complex", "practitioner"] * 8 + ["x"]), "minutes": r.choice([0, 15, 19, 20, 35, 40, 45, 60, 61, 90, 120, 19.5, 300]),
                          "share": r.choice([0.05, 0.1, 0.2, 0.25])})
        s = {"patients": r.choice([0, 1, 100, 400, 1234]), "bands": bands}
        if r.random() < 0.5: s["rulePack"] = r.choice(packs)
        if r.random() < 0.5: s["serviceMonth"] = r.choice(["2025-06", "2026-01", "2027-03"] * 4 + ["2024-01", "bad"])
        if r.random() < 0.6:
            p = {}
            if r.random() < 0.5: p["setting"] = r.choice(["nonFacility", "facility", "rhc", "fqhc"] * 3 + ["x"])
            if r.random() < 0.5: p["locality"] = r.choice(locs)
            if r.random() < 0.3: p["gpci"] = {"work": r.choice([1, 1.05, 0.9]), "pe": r.choice([1.1, 0.8]), "mp": 0.7}
            if r.random() < 0.3: p["qualifyingApmParticipant"] = r.choice([True, False])
            s["payment"] = p
        for k in ["eligibleShare", "enrollment", "staffCostPerHour"]:
            if r.random() < 0.4: s[k] = r.choice([0, 0.3, 0.75, 1, 45, 62.5])
        if r.random() < 0.15:
            s = mutate(s, r)
        out.append(s)
    out += [[], "x", 7, None, {"bands": [{}] * 101, "patients": 1}]
    return out

def pack_months(r, n):
    ex = examples()
    base = [load("packs/medicare-cy2026.json"), load("packs/medicare-cy2025.json"), load("packs/medicare-cy2027.json"),
            load("packs/examples/example-medicare-advantage-2026.json")]
    if os.environ.get("GOLDEN_V1_PACKS"):
        # The packs as v1 had them (no CONTRACT §10 programs), to compare with answers from before.
        for p in base:
            p.pop("programs", None)
    out = []
    for i in range(n):
        m = copy.deepcopy(r.choice(ex))
        p = copy.deepcopy(r.choice(base))
        for _ in range(r.choice([0, 0, 1, 1, 2, 3])):
            p = mutate(p, r)
        if isinstance(p, dict) and "effectiveFrom" in p and isinstance(m, dict):
            p["effectiveFrom"] = "2020-01-01"; p["effectiveTo"] = None
        if isinstance(m, dict):
            m["rulePack"] = p
        out.append(m)
    return out

def main():
    r = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 20261207)
    kind = sys.argv[1]
    items = scenarios(r, 1500) if kind == "whatif" else pack_months(r, 300)
    for x in items:
        print(json.dumps(x, separators=(",", ":"), ensure_ascii=False))

if __name__ == "__main__":
    main()
