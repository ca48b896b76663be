"""Print the site benchmark's plans, table and targets."""

from bench import plans
from bench.pages import API_PAGES, FILTERED_PAGES

# Issue 8, "Targets on this 2-core machine".
CACHED_RATIO = 0.8
CACHED_P99_MS = 50
REPORT_RATIO = 0.1
OTHER_RATIO = 0.05
FILTERED_P50_MS = 60
DEEP_PAGE_FACTOR = 2
# Open data issue: a page of 50 at one connection.
API_P50_MS = 20
# Issue 17: a listing with two filters, its combination cold, one connection.
TWO_FILTERS_COLD = "two filters, cold"
TWO_FILTERS_P50_MS = 30


def print_plans(summary):
    """Print each page's queries: time under EXPLAIN ANALYZE and access paths."""
    print("\nQuery plans (EXPLAIN ANALYZE; full plans in bench/results/plans.txt):")
    for page, rows in summary.items():
        total = sum(row["ms"] for row in rows)
        print(f"  {page}: {len(rows)} queries, {total:.1f} ms")
        for row in rows:
            access = "; ".join(row["access"]) or "-"
            print(f"    {row['ms']:>7.2f} ms  {row['query']:<42} {access}")
    scans = plans.big_seq_scans(summary)
    if scans:
        print("  Sequential scans over more than 10,000 rows:")
        for page, query, path in scans:
            print(f"    {page}: {query}: {path}")


def check(table, single):
    """Return [(target, figure, met)] for every target of the issue."""
    results = []
    minimal = table["minimal view"]["rps"]
    cached = table["report (cached)"]
    results.append(
        (
            f"cached report >= {CACHED_RATIO} x minimal",
            f"{cached['ratio']:.2f}",
            cached["rps"] >= CACHED_RATIO * minimal,
        )
    )
    results.append(
        (
            f"cached report p99 < {CACHED_P99_MS} ms",
            f"{cached['p99_ms']:.1f} ms",
            cached["p99_ms"] < CACHED_P99_MS,
        )
    )
    for name, row in table.items():
        if name in ("minimal view", "report (cached)"):
            continue
        floor = REPORT_RATIO if name == "report" else OTHER_RATIO
        results.append(
            (
                f"{name} (uncached) >= {floor} x minimal",
                f"{row['ratio']:.3f}",
                row["rps"] >= floor * minimal,
            )
        )
    for name in FILTERED_PAGES:
        p50 = single[name]["p50_ms"]
        results.append(
            (f"{name}: p50 at 1 connection < 60 ms", f"{p50:.1f} ms", p50 < 60)
        )
    for name in API_PAGES:
        p50 = single[name]["p50_ms"]
        results.append(
            (
                f"{name}: p50 at 1 connection < {API_P50_MS} ms",
                f"{p50:.1f} ms",
                p50 < API_P50_MS,
            )
        )
    if TWO_FILTERS_COLD in single:
        p50 = single[TWO_FILTERS_COLD]["p50_ms"]
        results.append(
            (
                f"{TWO_FILTERS_COLD}: p50 at 1 connection < {TWO_FILTERS_P50_MS} ms",
                f"{p50:.1f} ms",
                p50 < TWO_FILTERS_P50_MS,
            )
        )
    first = single["listing page 1"]["p50_ms"]
    deep = single["listing deep page"]["p50_ms"]
    results.append(
        (
            f"deep page p50 <= {DEEP_PAGE_FACTOR} x page 1",
            f"{deep / first:.2f} x",
            deep <= DEEP_PAGE_FACTOR * first,
        )
    )
    failures = sum(row["errors"] + row["non_2xx"] for row in table.values())
    failures += sum(row["errors"] + row["non_2xx"] for row in single.values())
    results.append(("zero errors and non-2xx", str(failures), failures == 0))
    return results


def print_table(table, single, checks):
    print("\nMedians of the rounds at 32 connections; one connection, page cache off:")
    print(
        f"{'page':<22} {'req/s':>8} {'ratio':>6} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'errors':>6} {'non-2xx':>7} {'KB':>5} {'1-conn p50':>10} {'p99':>7}"
    )
    for name, row in table.items():
        key = "report" if name == "report (cached)" else name
        one = single.get(key) if name != "report (cached)" else None
        one_text = f"{one['p50_ms']:>10.1f} {one['p99_ms']:>7.1f}" if one else ""
        print(
            f"{name:<22} {row['rps']:>8.1f} {row['ratio']:>6.3f} "
            f"{row['p50_ms']:>7.1f} {row['p99_ms']:>7.1f} {row['errors']:>6} "
            f"{row['non_2xx']:>7} {row['bytes'] / 1024:>5.0f} {one_text}"
        )
    for name, one in single.items():
        if name not in table:
            print(
                f"{name:<22} {'':>8} {'':>6} {'':>7} {'':>7} {'':>6} {'':>7} "
                f"{'':>5} {one['p50_ms']:>10.1f} {one['p99_ms']:>7.1f}"
            )
    print("\nTargets:")
    for target, figure, met in checks:
        print(f"  {'met ' if met else 'MISS'} {target}: {figure}")


def print_bare(bare):
    """Print the figures without a shared cache (no target applies)."""
    loaded, single = bare["loaded"], bare["single"]
    minimal = loaded["minimal view"]["rps"]
    print("\nWithout a shared cache (every page built from the database):")
    print(f"{'page':<22} {'req/s':>8} {'ratio':>6} {'1-conn p50':>10} {'p99':>7}")
    print(f"{'minimal view':<22} {minimal:>8.1f} {1:>6.3f}")
    for name, one in single.items():
        row = loaded.get(name)
        rate = f"{row['rps']:>8.1f} {row['rps'] / minimal:>6.3f}" if row else " " * 15
        print(f"{name:<22} {rate} {one['p50_ms']:>10.1f} {one['p99_ms']:>7.1f}")
