"""A cached report page four ways, wrk rounds interleaved.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/folio_perf \\
        python bench/report_page.py [--rounds 5] [--seconds 8] [--path /publications/x/]

1. the bare Django view (/bench/minimal/<the page's size>/), the yardstick;
2. Folio's report page from gunicorn, out of its own page cache (Redis);
3. the same page through Varnish (deploy/varnish/folio.vcl) in front of that
   gunicorn;
4. nginx serving the page's bytes as a static file.

All four are loaded by wrk at --connections in turn within each round, so
that other work on the machine weighs on each alike; medians and ratios to
the bare view are printed and saved to bench/results/report_page.json. The
database is only read (run `make bench` once to seed it); collectstatic
writes into bench/results/.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)
RESULTS = ROOT / "bench" / "results"

from bench import load  # noqa: E402
from bench.varnish import Process, Varnish, free_port, wait_for  # noqa: E402

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NGINX_CONF = """\
worker_processes 2;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    default_type text/html;
    server {{
        listen 127.0.0.1:{port};
        root {folder}/root;
        location / {{ try_files $uri $uri/index.html =404; }}
    }}
}}
"""


def django_env(args, varnish_port):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "FOLIO_SITE_URL": "http://127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(RESULTS / "static"),
        "DJANGO_CONN_MAX_AGE": "60",
        "FOLIO_PAGE_CACHE_SECONDS": "3600",
        "REDIS_URL": args.redis_url,
        "FOLIO_PURGE_BACKEND": "varnish",
        "FOLIO_VARNISH_URLS": f"http://127.0.0.1:{varnish_port}",
    }
    return env


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--path", help="A live report's page (default: the newest).")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3"),
        help="A Redis database of its own: the bench flushes it.",
    )
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    ports = [free_port() for _ in range(4)]
    env = django_env(args, ports[2])
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    folder = Path(tempfile.mkdtemp(prefix="folio-bench-"))
    folder.chmod(0o755)  # nginx's workers read the page as another user
    try:
        run(args, env, folder, *ports)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(args, env, folder, bare_port, app_port, varnish_port, nginx_port):
    gunicorn = [sys.executable, "-m", "gunicorn", "config.wsgi"]
    gunicorn += ["--workers", str(args.workers), "--bind"]
    # The bare view without Folio's page cache or shared cache headers.
    bare_env = {**env, "FOLIO_PAGE_CACHE_SECONDS": "0", "FOLIO_PURGE_BACKEND": ""}
    app = f"http://127.0.0.1:{app_port}"
    with (
        Process(
            [*gunicorn, f"127.0.0.1:{bare_port}"],
            env=bare_env,
            log_path=RESULTS / "gunicorn-bare-view.log",
        ),
        Process(
            [*gunicorn, f"127.0.0.1:{app_port}"],
            env=env,
            log_path=RESULTS / "gunicorn-report-page.log",
        ),
        Varnish(
            port=varnish_port,
            backend=f"127.0.0.1:{app_port}",
            env=env,
            log_path=RESULTS / "varnishd-report-page.log",
        ),
    ):
        wait_for(app + "/healthz")
        wait_for(f"http://127.0.0.1:{bare_port}/healthz")
        path = args.path or newest_report(app)
        _, page = load.check(app + path)
        (folder / "root" / path.strip("/")).mkdir(parents=True)
        (folder / "root" / path.strip("/") / "index.html").write_bytes(page)
        (folder / "nginx.conf").write_text(
            NGINX_CONF.format(folder=folder, port=nginx_port)
        )
        nginx = [NGINX, "-p", folder, "-c", folder / "nginx.conf"]
        nginx += ["-g", "daemon off;"]
        with Process(nginx, log_path=folder / "nginx.log"):
            urls = {
                "bare Django view": (
                    f"http://127.0.0.1:{bare_port}/bench/minimal/{len(page)}/"
                ),
                "Folio via gunicorn": app + path,
                "Folio via Varnish": f"http://127.0.0.1:{varnish_port}{path}",
                "nginx, page as a file": f"http://127.0.0.1:{nginx_port}{path}",
            }
            wait_for(urls["nginx, page as a file"])
            wait_for(urls["Folio via Varnish"])
            for url in urls.values():
                for _ in range(3):
                    headers, _ = load.check(url)
            headers, _ = load.check(urls["Folio via Varnish"])
            if headers.get("X-Varnish-Cache") != "hit":
                raise RuntimeError("Varnish does not serve the page from its cache.")
            if load.check(urls["Folio via gunicorn"])[0].get("X-Cache") != "hit":
                raise RuntimeError("gunicorn does not serve the page from its cache.")
            report(args, path, len(page), rounds(args, urls))


def newest_report(app):
    _, listing = load.check(app + "/publications/?type=special-report")
    return re.search(rb'href="(/publications/[\w-]+/)"', listing)[1].decode()


def rounds(args, urls):
    figures = []
    for number in range(1, args.rounds + 1):
        print(f"Round {number} of {args.rounds}, {args.connections} connections:")
        figures.append({})
        for name, url in urls.items():
            result = load.wrk(url, connections=args.connections, seconds=args.seconds)
            figures[-1][name] = result
            print(
                f"  {name:<24} {result['rps']:>9.1f} requests/s  "
                f"p99 {result['p99_ms']:>6.2f} ms  errors {result['errors']}"
                f"  non-2xx {result['non_2xx']}",
                flush=True,
            )
    return figures


def report(args, path, size, figures):
    medians = {
        name: {
            key: statistics.median(round_[name][key] for round_ in figures)
            for key in ("rps", "p50_ms", "p99_ms")
        }
        for name in figures[0]
    }
    bare = medians["bare Django view"]["rps"]
    load_average = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\n{path} ({size:,} bytes), medians of {args.rounds} rounds of ")
    print(f"{args.seconds} s at {args.connections} connections; load {load_average}:")
    for name, row in medians.items():
        row["ratio_to_bare"] = round(row["rps"] / bare, 2) if bare else None
        print(
            f"  {name:<24} {row['rps']:>9.1f} requests/s  x{row['ratio_to_bare']:<6}"
            f" p50 {row['p50_ms']:>6.2f} ms  p99 {row['p99_ms']:>6.2f} ms"
        )
    output = RESULTS / "report_page.json"
    output.write_text(
        json.dumps(
            {"path": path, "bytes": size, "rounds": figures, "medians": medians},
            indent=2,
        )
    )
    print(f"Figures saved to {output.relative_to(ROOT)}.")


if __name__ == "__main__":
    main()
