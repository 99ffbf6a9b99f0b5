"""Smoke check of huiyin-bench: runs it with the sizes given and checks that it exits 0 and
writes well-formed JSON with every expected row (the scale rows too when sizes are given), each
measured (count > 0, no errors: a public search whose results do not match the generated texts
counts as an error). Timings are never asserted.

    check_bench_json.py BENCH_BINARY OUT.json [bench flags...]
"""

import json
import math
import subprocess
import sys

EXPECTED = [
    "limit: empty gRPC call",
    "limit: SQLite commit, 1 row",
    "limit: SQLite commit, 100 rows",
    "limit: minimal HTTP response",
    "SubmitItem over gRPC (durable)",
    "POST /v1/items via gateway (durable)",
    "public list",
    "public detail",
    "public search, 2 chars (物业)",
    "public search, 4 chars (老旧小区)",
    "public search, 2 chars (物业), disclosure over gRPC",
    "public search, 4 chars (老旧小区), disclosure over gRPC",
]
# Rows whose note says where their CPU went, process by process (harness.h, CpuPerOperation).
CPU_ROWS = ["SubmitItem over gRPC (durable)", "POST /v1/items via gateway (durable)",
            "public list", "year over gRPC: whole life", "year over REST: whole life"]
# The synthetic year (year.cc), over both transports: its whole-life row also carries the check
# of the end state (tasks, figures, public records) as errors.
YEAR_ROWS = ["create unit", "whole life", "submit", "accept", "assign", "acknowledge", "plan",
             "contact", "co-handler opinion", "opinion review", "answer draft", "answer review",
             "sign", "issue", "evaluate", "disclose"]
EXPECTED += [f"year over {transport}: {row}" for transport in ("gRPC", "REST")
             for row in YEAR_ROWS]
SERVICES = ["intake", "assignment", "workflow", "disclosure", "supervision", "gateway"]
# With --scale_items, --similar_items and --public_items: rows of the scale benches (by prefix,
# their names carry the sizes) and the peak RSS of each bench process.
SCALE_ROWS = [
    "supervision bulk load, ",
    "GetFigures GROUP_BY_UNIT",
    "ListLedger a unit's page (50)",
    "OverdueByUnit",
    "intake submit, ",
    "FindSimilar at ",
    "disclosure bulk load, ",
]
SCALE_PROCESSES = ["supervision_bench", "intake_bench", "disclosure_bench"]


def main():
    binary, out = sys.argv[1], sys.argv[2]
    run = subprocess.run([binary, f"--json={out}"] + sys.argv[3:], timeout=170)
    if run.returncode != 0:
        sys.exit(f"huiyin-bench exited with {run.returncode}")
    with open(out, encoding="utf-8") as f:
        report = json.load(f)
    rows = {row["operation"]: row for row in report["rows"]}
    problems = []
    for name in EXPECTED:
        row = rows.get(name)
        if row is None:
            problems.append(f"missing row {name!r}")
            continue
        for key in ("throughput", "p50_ms", "p99_ms"):
            if not isinstance(row[key], (int, float)) or not math.isfinite(row[key]):
                problems.append(f"{name!r}: {key} is {row[key]!r}")
        if name.startswith("limit: ") != (row["limit"] is None):
            problems.append(f"{name!r}: limit {row['limit']!r}")
        if row["limit"] is not None and not isinstance(row["ratio"], (int, float)):
            problems.append(f"{name!r}: ratio {row['ratio']!r}")
    for name in CPU_ROWS:
        note = rows.get(name, {}).get("note", "")
        if "CPU ms per" not in note or not all(f"{s} " in note for s in SERVICES):
            problems.append(f"{name!r}: no CPU per operation for every service in {note!r}")
    if any(arg.startswith("--scale_items=") for arg in sys.argv[3:]):
        for prefix in SCALE_ROWS:
            if not any(name.startswith(prefix) for name in rows):
                problems.append(f"missing scale row {prefix!r}…")
        for process in SCALE_PROCESSES:
            if report["peak_rss_bytes"].get(process, 0) <= 0:
                problems.append(f"no peak RSS for {process}")
    # Every row measured, expected or not (a scale row or a search check that failed shows here).
    for name, row in rows.items():
        if row["count"] <= 0 or row["errors"] != 0:
            problems.append(f"{name!r}: count {row['count']}, errors {row['errors']}"
                            + (f" ({row['first_error']})" if row.get("first_error") else ""))
    for service in SERVICES:
        if report["peak_rss_bytes"].get(service, 0) <= 0:
            problems.append(f"no peak RSS for {service}")
    if problems:
        sys.exit("huiyin-bench report:\n  " + "\n  ".join(problems))
    print(f"huiyin-bench smoke: {len(rows)} rows, all measured")


if __name__ == "__main__":
    main()
