"""Restart PostgreSQL in the middle of public traffic: how long until the site serves again, and
whether any request fails once the database is back.

    .venv/bin/python bench/fault_db_restart.py [--duration 40] [--restart-at 12] [--down 2]

The database is the bench scripts' own throwaway cluster (never the machine's shared server).
Traffic runs at --concurrency connections; at --restart-at seconds the cluster is stopped (fast
shutdown: connections are cut), kept down --down seconds, and started again. Printed: errors while
it was down, seconds from "database back" to the first good answer (target: within 5 s), and
errors after that (target: none).
"""
import argparse
import threading
import time

from harness import (
    Traffic,
    bench_cluster,
    common_arguments,
    database_url,
    gunicorn,
    is_error,
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
    parser.add_argument("--duration", type=float, default=40, help="Seconds of traffic in all (default 40).")
    parser.add_argument("--restart-at", type=float, default=12, help="When to stop the database (default 12 s).")
    parser.add_argument("--down", type=float, default=2, help="Seconds the database stays down (default 2).")
    parser.add_argument("--concurrency", type=int, default=10, help="Concurrent connections (default 10).")
    args = parser.parse_args()

    with bench_cluster(args.cluster_dir) as cluster:
        prepare_data(cluster, args.programs)
        url = database_url(cluster)
        paths = public_paths(url)
        with gunicorn(url, workers=args.workers, log_name="fault_db_restart") as server:
            say(f"gunicorn on {server.host}; database on port {cluster.primary.port}")
            traffic = Traffic()
            runner = threading.Thread(target=run_traffic, args=(server.host, paths),
                                      kwargs={"concurrency": args.concurrency, "seconds": args.duration,
                                              "traffic": traffic})
            start = time.monotonic()
            runner.start()
            time.sleep(args.restart_at)
            down_at = time.monotonic()
            cluster.stop(cluster.primary, mode="fast")
            stopped_at = time.monotonic()
            say(f"database stopped at {down_at - start:.1f} s (took {stopped_at - down_at:.1f} s)")
            time.sleep(args.down)
            cluster.start(cluster.primary)
            back_at = time.monotonic()
            say(f"database accepting connections again at {back_at - start:.1f} s")
            runner.join()
            end = time.monotonic()

    samples = sorted(traffic.samples, key=lambda s: s.started)
    before = [s for s in samples if s.started < down_at]
    during = [s for s in samples if down_at <= s.started < back_at]
    after = [s for s in samples if s.started >= back_at]
    first_good = next((s for s in after if not is_error(s.status)), None)
    recovered_at = first_good.started + first_good.seconds if first_good else None
    # Requests sent once the site answered again: these must all succeed.
    settled = [s for s in after if recovered_at is not None and s.started >= recovered_at]

    print_summary("before the restart", summarize(before, down_at - start))
    print_summary("while the database was down", summarize(during, back_at - down_at))
    print_summary("after it was back", summarize(after, end - back_at))
    if recovered_at is None:
        say("RESULT: the site never answered again after the database came back")
        return
    say(f"serving again {recovered_at - back_at:.1f} s after the database was back (target: within 5 s)")
    failed = [s for s in settled if is_error(s.status)]
    say(f"errors once serving again: {len(failed)} of {len(settled)} requests (target: 0)"
        + (": " + ", ".join(f"{s.status} {s.path.split('?')[0]}" for s in failed[:10]) if failed else ""))


if __name__ == "__main__":
    main()
