"""A throwaway PostgreSQL server for tests and benchmarks, from the Debian binaries.

``initdb`` into a fresh temporary folder, ``pg_ctl start`` on a free port of 127.0.0.1 (its unix
socket in that folder, so nothing touches /var/run/postgresql), ``pg_ctl stop`` and the folder
removed at the end. ``initdb`` refuses to run as root, so as root every server command runs as the
``postgres`` user (``runuser``) in a folder that user owns. Install the binaries with
``scripts/install-postgres.sh`` (``make test`` does).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

INSTALL_HINT = "run scripts/install-postgres.sh (make test does): apt-get install postgresql"


def find_bindir() -> Path | None:
    """The newest ``/usr/lib/postgresql/N/bin`` that has ``initdb`` (or ``$HEARD_PG_BINDIR``)."""
    given = os.environ.get("HEARD_PG_BINDIR")
    if given:
        return Path(given) if (Path(given) / "initdb").exists() else None
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parent.parent.name)
        if Path(p).parent.parent.name.isdigit()
        else 0,
    )
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    """One PostgreSQL cluster in a temp folder; ``url(db)`` names a database on it.

    ``durable=False`` (tests) turns fsync off: a crash loses a throwaway cluster anyway.
    Benchmarks keep the defaults so their figures mean what a deployment would see.
    """

    def __init__(self, bindir: Path, durable: bool = False):
        self.bindir = bindir
        self.durable = durable
        self.root = Path(tempfile.mkdtemp(prefix="heard-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.user = "postgres"
        self._as_postgres = os.geteuid() == 0
        self.started = False

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self._as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=120)

    def start(self) -> PgServer:
        if self._as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        else:
            self.user = os.environ.get("USER") or "postgres"
        try:
            self._run(
                "initdb",
                "-D",
                str(self.data),
                "-U",
                self.user,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            )
        except subprocess.CalledProcessError as exc:
            raise RuntimeError(f"initdb failed: {exc.stderr.strip()}") from exc
        opts = [
            f"-p {self.port}",
            "-c listen_addresses=127.0.0.1",
            f"-c unix_socket_directories={self.root}",
            "-c max_connections=50",
            "-c shared_buffers=128MB",
        ]
        if not self.durable:
            opts += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._opts = " ".join(opts)
        done = self._run(
            "pg_ctl",
            "start",
            "-w",
            "-t",
            "60",
            "-D",
            str(self.data),
            "-l",
            str(self.root / "server.log"),
            "-o",
            self._opts,
            check=False,
        )
        if done.returncode != 0:
            log = (
                (self.root / "server.log").read_text(errors="replace")[-2000:]
                if (self.root / "server.log").exists()
                else ""
            )
            self.stop()
            raise RuntimeError(f"pg_ctl start failed: {done.stderr.strip()} {log}")
        self.started = True
        self._watchdog = self._watch(os.getpid())
        return self

    def _watch(self, owner: int) -> subprocess.Popen[bytes]:
        """A tiny shell that stops the server and removes its folder if this process dies without
        ``stop()`` (a killed test run): ``pg_ctl start`` daemonizes, so nothing else would."""
        stop = f"{self.bindir / 'pg_ctl'} stop -D {self.data} -m immediate -w"
        if self._as_postgres:
            stop = f"runuser -u postgres -- {stop}"
        script = (
            f"while kill -0 {owner} 2>/dev/null; do sleep 1; done; "
            f"{stop} >/dev/null 2>&1; rm -rf {self.root}"
        )
        return subprocess.Popen(
            ["sh", "-c", script],
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def halt(self) -> None:
        """Stop the server as a maintenance restart does (``-m fast``: every session is ended
        under its client); ``resume()`` starts it again on the same port and data."""
        self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w")

    def resume(self) -> None:
        self._run(
            "pg_ctl",
            "start",
            "-w",
            "-t",
            "60",
            "-D",
            str(self.data),
            "-l",
            str(self.root / "server.log"),
            "-o",
            self._opts,
        )

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, prefix: str = "heard") -> str:
        """A new empty database; returns its URL."""
        import psycopg

        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        watchdog = getattr(self, "_watchdog", None)
        if watchdog is not None and watchdog.poll() is None:
            watchdog.kill()
            watchdog.wait()
        if self.started:
            self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w", check=False)
            self.started = False
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PgServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
