#!/usr/bin/env python3
"""Medians of deploy/bench/gateway.sh's runs as a table, the ratios, and the targets of issue 4 next to them.

usage: summarize.py RESULTS.tsv "DESCRIPTION"
RESULTS.tsv has a header line and one line per measured wrk run (columns: see gateway.sh). Prints the report; the
exit code is always 0 (a missed target is a finding, not a failure: gateway.sh fails on errors by itself).
"""
import csv
import statistics
import sys

TARGETS = [("direct", "direct"), ("nginx", "nginx"), ("bare-yarp", "bare YARP"), ("gateway", "gateway")]

# issue 4, item 9: with every feature on, gateway >= 1.0x bare YARP and >= 0.8x nginx (RPS); added p99 over direct
# at most 1.5 ms at 16 connections
MIN_VS_BARE_YARP = 1.0
MIN_VS_NGINX = 0.8
MAX_ADDED_P99_MS = 1.5
P99_CONNECTIONS = 16
# other processes using more of the machine than this during a run make its figures doubtful
OTHERS_WARN_PCT = 5.0


def main() -> None:
    path, description = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else ""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    if not rows:
        print("no measurements")
        return

    conns = sorted({int(r["conns"]) for r in rows})
    rounds = len({r["round"] for r in rows})

    def values(target: str, c: int, column: str) -> list[float]:
        return [float(r[column]) for r in rows if r["target"] == target and int(r["conns"]) == c and r.get(column)]

    def median(target: str, c: int, column: str) -> float | None:
        v = values(target, c, column)
        return statistics.median(v) if v else None

    print()
    print(f"Gateway benchmark: medians of {rounds} round(s) per target and connection count")
    if description:
        print(description)
    print()
    header = (f"{'target':<10} {'conns':>5} {'RPS':>9} {'spread':>7} {'p50 ms':>8} {'p99 ms':>8} {'proxy CPU':>10} "
              f"{'+ Redis':>8} {'upstream':>9} {'others':>7}")
    print(header)
    print(f"{'':<10} {'':>5} {'':>9} {'':>7} {'':>8} {'':>8} {'us/req':>10} {'us/req':>8} {'us/req':>9} {'CPU %':>7}")
    print("-" * len(header))
    for c in conns:
        for key, name in TARGETS:
            rps_values = values(key, c, "rps")
            if not rps_values:
                continue
            rps = statistics.median(rps_values)
            spread = (max(rps_values) - min(rps_values)) / rps * 100 if rps else 0.0
            p50 = median(key, c, "p50_us")
            p99 = median(key, c, "p99_us")
            cpu = median(key, c, "proxy_cpu_us_per_req")
            up = median(key, c, "upstream_cpu_us_per_req")
            others = median(key, c, "others_cpu_pct")
            redis = median(key, c, "redis_cpu_us_per_req") if key == "gateway" else None
            print(f"{name:<10} {c:>5} {rps:>9.0f} {spread:>6.1f}% {p50 / 1000:>8.2f} {p99 / 1000:>8.2f} "
                  f"{'-' if key == 'direct' or cpu is None else f'{cpu:.1f}':>10} {'-' if redis is None else f'{redis:.1f}':>8} "
                  f"{'-' if up is None else f'{up:.1f}':>9} {'-' if others is None else f'{others:.1f}':>7}")
        print()
    print("spread = (max - min) / median of the rounds' RPS; CPU us/req = user + system time of the process(es) / requests")
    print("(+ Redis: redis-server's, which the gateway's rate limiter asks once per lease of permits); others = share of the whole")
    print("machine used by processes other than wrk, the upstream, the target and Redis during a run")
    busy = [float(r["others_cpu_pct"]) for r in rows if r.get("others_cpu_pct")]
    if busy and max(busy) > OTHERS_WARN_PCT:
        print(f"WARNING: other processes used up to {max(busy):.0f}% of the machine (median {statistics.median(busy):.0f}%) during "
              "the runs: RPS and latency are disturbed; run again on a quiet machine (CPU us/req suffers least).")
    print()

    def ratio(c: int, other: str) -> float | None:
        g, o = median("gateway", c, "rps"), median(other, c, "rps")
        return g / o if g is not None and o else None

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    cols = "".join(f"{f'{c} conns':>11}" for c in conns)
    print(f"{'ratio (RPS)':<22}{cols}   target (issue 4)")
    for other, label, minimum in [("nginx", "gateway / nginx", MIN_VS_NGINX),
                                  ("bare-yarp", "gateway / bare YARP", MIN_VS_BARE_YARP),
                                  ("direct", "gateway / direct", None)]:
        rs = [ratio(c, other) for c in conns]
        cells = "".join(f"{'-' if r is None else f'{r:.2f}x':>11}" for r in rs)
        if minimum is None:
            target = "(for information)"
        else:
            known = [r for r in rs if r is not None]
            target = f">= {minimum:.2f}x  " + (verdict(all(r >= minimum for r in known)) if known else "-")
        print(f"{label:<22}{cells}   {target}")
    for other, label in [("bare-yarp", "bare YARP / nginx")]:
        rs = []
        for c in conns:
            a, b = median(other, c, "rps"), median("nginx", c, "rps")
            rs.append(a / b if a is not None and b else None)
        cells = "".join(f"{'-' if r is None else f'{r:.2f}x':>11}" for r in rs)
        print(f"{label:<22}{cells}   (issue 4 measured about 0.65x)")

    print()
    for c in conns:
        g, d = median("gateway", c, "p99_us"), median("direct", c, "p99_us")
        if g is None or d is None:
            continue
        added = (g - d) / 1000
        # a tail is what other load disturbs first: say so when it was there
        busy = values("gateway", c, "others_cpu_pct") + values("direct", c, "others_cpu_pct")
        doubt = (f"  (doubtful: other processes used up to {max(busy):.0f}% of the machine during these runs)"
                 if busy and max(busy) > OTHERS_WARN_PCT else "")
        if c == P99_CONNECTIONS:
            print(f"added p99, gateway over direct, {c} conns: {added:.2f} ms   target <= {MAX_ADDED_P99_MS} ms  "
                  f"{verdict(added <= MAX_ADDED_P99_MS)}{doubt}")
        else:
            print(f"added p99, gateway over direct, {c} conns: {added:.2f} ms   (for information){doubt}")
    for c in conns:
        g, d = median("gateway", c, "p50_us"), median("direct", c, "p50_us")
        if g is not None and d is not None:
            print(f"added p50, gateway over direct, {c} conns: {(g - d) / 1000:.2f} ms   (for information; less disturbed than p99)")
    print()
    print("Targets are goals to tune towards; a missed one does not fail the benchmark.")


if __name__ == "__main__":
    main()
