"""Mixed public traffic against gunicorn as deployed: print req/s, p50, p95, p99 and errors.

    .venv/bin/python bench/load_mixed.py                       # 120 s at 50 connections, 20,000 programs
    .venv/bin/python bench/load_mixed.py --duration 30 --concurrency 20

Home page, searches by ZIP code (with and without filters), keyword searches, program pages,
meeting searches and pages, articles and the open data API, in fixed proportions. The data set and
the database are the bench scripts' own (see bench/harness.py); gunicorn listens on 127.0.0.1 only.
"""
import argparse
import time

from harness import (
    bench_cluster,
    common_arguments,
    database_url,
    gunicorn,
    prepare_data,
    print_summary,
    public_paths,
    run_traffic,
    say,
    summarize,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    common_arguments(parser)
    parser.add_argument("--duration", type=float, default=120, help="Seconds of traffic (default 120).")
    parser.add_argument("--concurrency", type=int, default=50, help="Concurrent keep-alive connections (default 50).")
    parser.add_argument("--warmup", type=float, default=10, help="Seconds of warm-up traffic, not counted (default 10).")
    args = parser.parse_args()

    with bench_cluster(args.cluster_dir) as cluster:
        prepare_data(cluster, args.programs)
        url = database_url(cluster)
        paths = public_paths(url)
        with gunicorn(url, workers=args.workers, log_name="load_mixed") as server:
            say(f"gunicorn on {server.host}; {args.programs:,} programs; {args.concurrency} connections")
            run_traffic(server.host, paths, concurrency=args.concurrency, seconds=args.warmup)
            started = time.monotonic()
            traffic = run_traffic(server.host, paths, concurrency=args.concurrency, seconds=args.duration)
            elapsed = time.monotonic() - started
            summary = summarize(traffic.samples, elapsed)
            print_summary(f"mixed public traffic, {elapsed:.0f} s at {args.concurrency} connections", summary)
            slowest = sorted(traffic.samples, key=lambda s: s.seconds, reverse=True)[:5]
            say("slowest requests: " + ", ".join(f"{s.path.split('?')[0]} {s.seconds * 1000:.0f} ms" for s in slowest))


if __name__ == "__main__":
    main()
