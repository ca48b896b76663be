"""EXPLAIN (ANALYZE) every query the public pages send, and name the indexes used.

Each page is requested in-process through Django's test client with the page
cache off; the SQL it sends is captured and run again under EXPLAIN, so the
plans are those of the real queries at the real data size.
"""

import re

# Tables small enough that reading them whole is the right plan.
SMALL_TABLES = {"publications_publicationtype", "django_content_type"}


def capture(path):
    """Return the SQL statements a GET of *path* sends, with their milliseconds."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = Client().get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    return [
        {"sql": query["sql"], "ms": round(float(query["time"]) * 1000, 2)}
        for query in queries.captured_queries
    ]


def explain(sql):
    """Return the text plan of *sql* run under EXPLAIN (ANALYZE, BUFFERS)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def execution_ms(plan):
    match = re.search(r"Execution Time: ([\d.]+) ms", plan)
    return float(match.group(1)) if match else None


def access_paths(plan):
    """Return how each table is read: "index NAME" or "seq scan TABLE (rows)"."""
    paths = []
    for line in plan.splitlines():
        index = re.search(
            r"(Index Only Scan|Index Scan|Bitmap Index Scan)"
            r"(?: Backward)? (?:using|on) (\w+)",
            line,
        )
        if index:
            kind = index.group(1).replace(" Scan", "").lower()
            paths.append(f"{kind} {index.group(2)}")
            continue
        seq = re.search(
            r"Seq Scan on (\w+).*actual time=\S+ rows=(\d+) loops=(\d+)", line
        )
        if seq:
            rows = int(seq.group(2)) * int(seq.group(3))
            paths.append(f"seq scan {seq.group(1)} ({rows:,} rows)")
    return list(dict.fromkeys(paths))


def label(sql):
    """Return a short name for a query: what it reads and how."""
    lowered = sql.lower()
    main = _outer_table(lowered)
    words = []
    if "count(" in lowered and "group by" not in lowered:
        words.append("count")
    elif "group by" in lowered:
        words.append("grouped counts")
    if "ts_rank" in lowered or "@@" in lowered:
        words.append("search")
    if "offset" in lowered:
        offset = re.search(r"offset (\d+)", lowered)
        words.append(f"offset {offset.group(1)}" if offset else "offset")
    return f"{main} {' '.join(words)}".strip()


def _outer_table(sql):
    """Return the first table in *sql*'s outermost FROM clause."""
    depth = 0
    for index, char in enumerate(sql):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0 and sql.startswith(' from "', index):
            return sql[index + 7 : sql.index('"', index + 7)]
    return "?"


def explain_pages(pages, *, out):
    """EXPLAIN every SELECT of every page in *pages* ({name: path}).

    Write the full plans to *out* (a text file) and return a summary per page:
    each query's label, milliseconds under EXPLAIN ANALYZE and access paths.
    """
    from django.db import connection
    from django.test.utils import override_settings

    summary = {}
    # A cache that never keeps anything: every page takes the path of a
    # cache miss, so the plans show every query the data caches can save.
    dummy = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    with override_settings(CACHES=dummy), open(out, "w") as plans_file:
        for name, path in pages.items():
            plans_file.write(f"\n{'=' * 79}\n{name}: GET {path}\n{'=' * 79}\n")
            rows = []
            for query in capture(path):
                sql = query["sql"]
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                row = {"query": label(sql), "sql": sql}
                if connection.vendor == "postgresql":
                    plan = explain(sql)
                    row["ms"] = execution_ms(plan)
                    row["access"] = access_paths(plan)
                    plans_file.write(f"\n-- {row['query']}\n{sql}\n\n{plan}\n")
                else:
                    row["ms"] = query["ms"]
                    row["access"] = []
                rows.append(row)
            summary[name] = rows
    return summary


def big_seq_scans(summary, *, threshold=10_000):
    """Return (page, query, path) of sequential scans over more than *threshold*."""
    found = []
    for page, rows in summary.items():
        for row in rows:
            for path in row["access"]:
                match = re.match(r"seq scan (\w+) \(([\d,]+) rows\)", path)
                if match and match.group(1) not in SMALL_TABLES:
                    if int(match.group(2).replace(",", "")) > threshold:
                        found.append((page, row["query"], path))
    return found
