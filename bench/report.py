"""Print the figures the benchmarks appended to a JSON-lines file as ONE JSON line.

    python bench/report.py bench/.results.jsonl

Output: {"searches": [{"name": ..., "req_p50_ms": ..., "req_p95_ms": ..., "sql_p50_ms": ..., "sql_p95_ms": ...}, ...]}
"""
import json
import sys
from pathlib import Path


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/.results.jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    sys.stdout.write(json.dumps({"searches": rows}) + "\n")


if __name__ == "__main__":
    main()
