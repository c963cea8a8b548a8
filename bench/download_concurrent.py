"""Six concurrent downloads of /api/datapackage.zip while people use the site: is it still responsive?

    .venv/bin/python bench/download_concurrent.py [--downloads 6] [--duration 30]

The package is built once beforehand by the background job (as after an import), so each download
only streams a file. Public traffic at --concurrency connections runs for --duration seconds alone,
then for the same time beside --downloads clients downloading the package over and over. Printed:
download count, sizes and times, and the public pages' latency and errors in both periods.
"""
import argparse
import http.client
import statistics
import threading
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


def download_loop(host: str, seconds: float, results: list, lock: threading.Lock) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            connection = http.client.HTTPConnection(host, timeout=120)
            connection.request("GET", "/api/datapackage.zip")
            response = connection.getresponse()
            size = len(response.read())
            connection.close()
            outcome = (response.status, size, time.monotonic() - started)
        except (OSError, http.client.HTTPException):
            outcome = (0, 0, time.monotonic() - started)
        with lock:
            results.append(outcome)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    common_arguments(parser)
    parser.add_argument("--downloads", type=int, default=6, help="Concurrent package downloads (default 6).")
    parser.add_argument("--duration", type=float, default=30, help="Seconds of each period (default 30).")
    parser.add_argument("--concurrency", type=int, default=10, help="Connections of public traffic (default 10).")
    args = parser.parse_args()

    with bench_cluster(args.cluster_dir) as cluster:
        prepare_data(cluster, args.programs)
        url = database_url(cluster)
        from opendata.jobs import build_package, current_package, package_storage

        package = current_package()
        if package is None or not package.file_name or not package_storage().exists(package.file_name):
            started = time.monotonic()
            package = build_package()
            say(f"data package built (as the background job does) in {time.monotonic() - started:.1f} s")
        say(f"data package: {package.size / 1e6:.1f} MB, {package.programs:,} programs")
        paths = public_paths(url)
        with gunicorn(url, workers=args.workers, log_name="download_concurrent",
                      OPENDATA_PACKAGE_DIR=str(package_storage().location)) as server:
            say(f"gunicorn on {server.host}")
            alone = run_traffic(server.host, paths, concurrency=args.concurrency, seconds=args.duration)
            print_summary("public traffic alone", summarize(alone.samples, args.duration))

            results: list = []
            lock = threading.Lock()
            downloaders = [threading.Thread(target=download_loop, args=(server.host, args.duration, results, lock))
                           for _ in range(args.downloads)]
            for thread in downloaders:
                thread.start()
            beside = run_traffic(server.host, paths, concurrency=args.concurrency, seconds=args.duration)
            for thread in downloaders:
                thread.join()
            print_summary(f"public traffic beside {args.downloads} downloads", summarize(beside.samples, args.duration))
            good = [r for r in results if r[0] == 200 and r[1] == package.size]
            seconds = [r[2] for r in good]
            say(f"downloads: {len(results)} started, {len(good)} complete and whole, {len(results) - len(good)} failed; "
                f"each {statistics.median(seconds):.2f} s median, {max(seconds):.2f} s slowest; "
                f"{sum(r[1] for r in good) / 1e6 / args.duration:.0f} MB/s in all" if good else
                f"downloads: {len(results)} started, none complete")


if __name__ == "__main__":
    main()
