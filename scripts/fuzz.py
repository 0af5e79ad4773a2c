#!/usr/bin/env python3
"""Fuzz the served API with schemathesis: no 5xx, and every answer matches the published schema.

    python scripts/fuzz.py                   # temporary SQLite database
    python scripts/with_postgres.py -- python scripts/fuzz.py   # the throwaway PostgreSQL

Migrates a fresh database (a temporary SQLite file unless DATABASE_URL is set), seeds the demo
data, serves the app with gunicorn on a free loopback port, fetches the token of the association
secretariat (`sekretariat`, the widest non-superuser persona), and runs a bounded, seeded
schemathesis run (examples, fuzzing and stateful links; ~4 minutes on 2 cores) with the checks
not_a_server_error, status_code_conformance and response_schema_conformance. Prints the number of
requests sent; exits non-zero on any failure.

FUZZ_MAX_EXAMPLES, FUZZ_SEED, FUZZ_WORKERS and FUZZ_PHASES tune the run; extra arguments go to
schemathesis.
"""

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"
# The token endpoint is left out: fuzzing it means thousands of failed logins for generated
# usernames, which the login throttle (django-axes) is meant to stop; it has its own tests.
EXCLUDED_PATHS = ("/api/v1/auth/token/",)


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - our own loopback server
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def token(base: str) -> str:
    request = urllib.request.Request(  # noqa: S310 - our own loopback server
        f"{base}/api/v1/auth/token/",
        data=json.dumps({"username": "sekretariat", "password": "samdigi-demo"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.load(response)["token"]


def count_requests(ndjson: Path) -> int:
    total = 0
    if not ndjson.exists():
        return total
    with ndjson.open() as events:
        for line in events:
            event = json.loads(line)
            # Every scenario carries its recorded request/response pairs ("interactions").
            for value in event.values():
                if isinstance(value, dict) and "recorder" in value:
                    total += len(value["recorder"].get("interactions", {}))
    return total


def main(extra: list[str]) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="samdigi-fuzz-"))
    env = dict(os.environ)
    env.setdefault("DEBUG", "true")
    env.setdefault("LOG_LEVEL", "ERROR")  # thousands of expected 4xx would drown the 5xx
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'fuzz.sqlite3'}"
    env["MEDIA_ROOT"] = str(workdir / "media")
    python = str(BIN / "python")
    manage = [python, str(ROOT / "manage.py")]
    started = time.monotonic()
    server = None
    try:
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
        subprocess.run(
            [*manage, "seed_demo"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL
        )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "samdigi.wsgi",
                f"--bind=127.0.0.1:{port}",
                "--workers=2",
                "--timeout=120",
                "--log-level=warning",
            ],
            env=env,
            cwd=ROOT,
        )
        wait_for(f"{base}/api/schema/")
        report = workdir / "events.ndjson"
        command = [
            str(BIN / "schemathesis"),
            "run",
            f"{base}/api/schema/",
            f"--url={base}",
            f"--header=Authorization: Token {token(base)}",
            f"--checks={CHECKS}",
            f"--seed={env.get('FUZZ_SEED', '20261203')}",
            f"--max-examples={env.get('FUZZ_MAX_EXAMPLES', '10')}",
            f"--workers={env.get('FUZZ_WORKERS', '2')}",
            # The coverage phase (every boundary value of every parameter) alone takes ~15 min
            # on 2 cores: FUZZ_PHASES=examples,coverage,fuzzing,stateful for a deep run.
            f"--phases={env.get('FUZZ_PHASES', 'examples,fuzzing,stateful')}",
            "--request-timeout=60",
            "--suppress-health-check=all",
            "--report=ndjson",
            f"--report-ndjson-path={report}",
            *[f"--exclude-path={path}" for path in EXCLUDED_PATHS],
            *extra,
        ]
        result = subprocess.run(command, env=env, cwd=workdir)
        print(
            f"fuzz: {count_requests(report)} requests in {time.monotonic() - started:.0f} s, "
            f"schemathesis exit code {result.returncode}"
        )
        return result.returncode
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
