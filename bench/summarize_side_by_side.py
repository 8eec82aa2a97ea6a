#!/usr/bin/env python3
"""The table of bench/run_side_by_side.sh's JSON lines: per case and thread count, each side's median over rounds
and the median of the per-round ratios Likeness / PyTorch (below 1: Likeness is faster). With --json, the same as
one JSON object (for bench/results/)."""
import json
import statistics
import sys
from collections import defaultdict


def value(row):
    """The case's time in ms: per image, per step or per forward; the wall time for the whole process."""
    if row["bench"] == "process":
        return row.get("wallMs")
    o = row["out"]
    for key in ("unetMsMedian", "msPerImageMedian", "msPerStepMedian"):
        if key in o:
            return o[key]
    for key in ("ms", "msPerImage", "msPerStep"):
        if key in o:
            return o[key]["median"]
    return None


def load_ms(row):
    o = row["out"]
    if "loadSeconds" in o:
        return o["loadSeconds"] * 1000
    return o.get("loadMs")


def main():
    args = [a for a in sys.argv[1:] if a != "--json"]
    rows = [json.loads(line) for line in open(args[0]) if line.strip()]
    by = defaultdict(lambda: defaultdict(dict))
    for r in rows:
        v = value(r)
        if v is not None:
            by[(r["bench"], r["threads"])][r["round"]][r["side"]] = v
        if r["bench"] == "generate" and load_ms(r) is not None:  # model load, both sides report it
            by[("load", r["threads"])][r["round"]][r["side"]] = load_ms(r)
    table = []
    for (case, threads), rounds in sorted(by.items()):
        pairs = [d for d in rounds.values() if len(d) == 2]
        if not pairs:
            continue
        table.append({"case": case, "threads": threads,
                      "likenessMs": round(statistics.median(d["likeness"] for d in pairs), 1),
                      "pytorchMs": round(statistics.median(d["pytorch"] for d in pairs), 1),
                      "ratio": round(statistics.median(d["likeness"] / d["pytorch"] for d in pairs), 2),
                      "roundRatios": [round(d["likeness"] / d["pytorch"], 2) for d in pairs]})
    if "--json" in sys.argv:
        print(json.dumps({"rows": table, "load1": sorted({r["load1"] for r in rows})}, indent=1))
        return
    print(f"{'case':<12}{'thr':>4}{'Likeness ms':>13}{'PyTorch ms':>12}{'ratio':>8}  per-round")
    for t in table:
        print(f"{t['case']:<12}{t['threads']:>4}{t['likenessMs']:>13.1f}{t['pytorchMs']:>12.1f}{t['ratio']:>8.2f}  "
              + " ".join(f"{x:.2f}" for x in t["roundRatios"]))


if __name__ == "__main__":
    main()
