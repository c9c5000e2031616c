"""`make bench`, the county served: builds the county in a database of its own (DATABASE_URL's name
with `_county`), serves it with gunicorn as deployed (2 sync workers, the production settings plus
the bare view and a query-count header), and measures it with bench/load.py.

BENCH_SCALE (1: the county), BENCH_ROUNDS (3) and BENCH_SECONDS (2, per run of wrk) shorten it.
"""

import json
import os
import platform
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from bench import load

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.md"
PORT = int(os.environ.get("BENCH_PORT", "8765"))


def county_env():
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sefton_safety")
    url = base.rsplit("/", 1)[0] + "/" + base.rsplit("/", 1)[1].split("?")[0] + "_county"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_TASK_DEFAULT"))}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="bench-only-" + "k" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=url,
        CACHE_KEY_PREFIX=f"sefton-bench-{os.getpid()}",
        LOG_LEVEL="WARNING",
    )
    return env, url


def create_database(url):
    admin_url, name = url.rsplit("/", 1)
    with psycopg.connect(admin_url + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url):
    admin_url, name = url.rsplit("/", 1)
    with psycopg.connect(admin_url + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_for_port(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on {port}")


def bench_county():
    scale = float(os.environ.get("BENCH_SCALE", "1"))
    rounds, seconds = int(os.environ.get("BENCH_ROUNDS", "3")), int(os.environ.get("BENCH_SECONDS", "2"))
    env, url = county_env()
    python = sys.executable
    started = time.perf_counter()
    create_database(url)
    try:
        subprocess.run([python, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        built = subprocess.run(
            [python, "-m", "bench.county", str(scale)], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )
        sys.stderr.write(built.stderr)
        data = json.loads(built.stdout.strip().splitlines()[-1])
        print(f"county database built and migrated in {time.perf_counter() - started:.0f} s", flush=True)
        gunicorn = subprocess.Popen(
            [python, "-m", "gunicorn", "sefton_safety.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{PORT}"]
            + ["--access-logfile", "/dev/null"],
            cwd=ROOT,
            env=env,
        )
        try:
            wait_for_port(PORT)
            table = load.run(f"http://127.0.0.1:{PORT}", data, rounds=rounds, seconds=seconds)
        finally:
            gunicorn.terminate()
            gunicorn.wait(30)
    finally:
        drop_database(url)
    print(load.format_table(table), flush=True)
    return table, scale


def write_results(county, drains, *, minutes):
    table, scale = county
    cpu = platform.processor() or platform.machine()
    machine = f"{platform.node()}: {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"
    drain_lines = [
        f"- drain of 10,000 family emails, {n} worker process(es): {t:.1f} s, {r:.0f} a second"
        for n, (t, r) in sorted(drains.items())
    ]
    text = "\n".join(
        [
            f"Scale {scale:g} of the county, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {machine}; "
            f"gunicorn 2 sync workers, wrk {load.CONNECTIONS} connections, medians of the rounds; "
            f"{minutes:.1f} minutes in all.",
            "",
            load.format_table(table),
            "",
            *drain_lines,
        ]
    )
    RESULTS.write_text(text + "\n")
    print(text)
