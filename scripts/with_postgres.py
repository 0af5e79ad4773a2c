#!/usr/bin/env python3
"""Run a command against a throwaway PostgreSQL cluster, then remove the cluster.

    python scripts/with_postgres.py -- pytest

Starts Debian's PostgreSQL binaries with initdb/pg_ctl in a temporary directory on a free loopback
port, exports DATABASE_URL for the command, and stops the server whatever happens. PostgreSQL
refuses to run as root, so as root the cluster runs as the `postgres` system user.

The command also gets SAMDIGI_PG_CTL (the pg_ctl binary) and SAMDIGI_PG_DATA (the data directory),
so a test can stop and start this throwaway cluster (the database outage test does); the server
options live in the cluster's postgresql.conf, so a plain `pg_ctl -D DATA start` brings it back
on the same port.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

CANDIDATE_BINDIRS = [
    "/usr/lib/postgresql/15/bin",
    "/usr/lib/postgresql/16/bin",
    "/usr/lib/postgresql/17/bin",
]


def find_bindir() -> Path:
    explicit = os.environ.get("PG_BINDIR")
    candidates = [explicit] if explicit else CANDIDATE_BINDIRS
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    sys.exit("PostgreSQL server binaries (initdb, pg_ctl) not found; install postgresql-15.")


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(argv: list[str]) -> int:
    if "--" in argv:
        argv = argv[argv.index("--") + 1 :]
    if not argv:
        sys.exit("usage: with_postgres.py -- COMMAND [ARGS...]")
    bindir = find_bindir()
    as_root = os.geteuid() == 0
    workdir = Path(tempfile.mkdtemp(prefix="samdigi-pg-"))
    datadir = workdir / "data"
    if as_root:
        shutil.chown(workdir, "postgres", "postgres")
        os.chmod(workdir, 0o700)

    def run(*cmd, **kwargs):
        full = [str(c) for c in cmd]
        if as_root:
            full = ["runuser", "-u", "postgres", "--", *full]
        return subprocess.run(full, check=True, **kwargs)

    port = free_port()
    log = workdir / "server.log"
    try:
        run(
            bindir / "initdb",
            "-D",
            datadir,
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
            stdout=subprocess.DEVNULL,
        )
        with open(datadir / "postgresql.conf", "a") as conf:
            conf.write(
                f"\nlisten_addresses = '127.0.0.1'\nport = {port}\n"
                f"unix_socket_directories = '{workdir}'\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                "max_connections = 50\n"
            )
        run(
            bindir / "pg_ctl",
            "-D",
            datadir,
            "-l",
            log,
            "-w",
            "-t",
            "60",
            "start",
            stdout=subprocess.DEVNULL,
        )
        env = dict(
            os.environ,
            DATABASE_URL=f"postgresql://postgres@127.0.0.1:{port}/postgres",
            SAMDIGI_PG_CTL=str(bindir / "pg_ctl"),
            SAMDIGI_PG_DATA=str(datadir),
        )
        print(f"[with_postgres] PostgreSQL from {bindir} on 127.0.0.1:{port}", flush=True)
        return subprocess.run(argv, env=env).returncode
    except subprocess.CalledProcessError as error:
        if log.exists():
            sys.stderr.write(log.read_text(errors="replace"))
        print(f"[with_postgres] could not start PostgreSQL: {error}", file=sys.stderr)
        return 3
    finally:
        if (datadir / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                run(
                    bindir / "pg_ctl",
                    "-D",
                    datadir,
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                    stdout=subprocess.DEVNULL,
                )
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
