"""A real, throwaway PostgreSQL server for the tests and benchmarks: Debian's binaries, own data directory.

`scripts/test.sh` installs Debian's `postgresql` package. The server listens on loopback only, on a
free port, with a Unix socket inside its own directory; it is stopped and its directory removed when
the context ends. PostgreSQL refuses to run as root, so as root the server runs as the `postgres`
system user that the Debian package creates.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _bindir() -> Path:
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True).stdout.strip()
        if out and (Path(out) / "initdb").exists():
            return Path(out)
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not candidates:
        raise RuntimeError("PostgreSQL's server binaries are missing: install Debian's postgresql package "
                           "(bash scripts/test.sh does).")
    return Path(candidates[-1]).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Start a PostgreSQL server; yield a SQLAlchemy URL (psycopg) for its database `kaa`."""
    bindir = _bindir()
    as_root = os.geteuid() == 0
    base = Path(tempfile.mkdtemp(prefix="kaa-pg-"))
    data, sock = base / "data", base / "sock"
    data.mkdir()
    sock.mkdir()
    run_as: list[str] = []
    if as_root:
        user = pwd.getpwnam("postgres")
        for path in (base, data, sock):
            os.chown(path, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    log = base / "server.log"

    def run(*args: str) -> None:
        subprocess.run(run_as + list(args), check=True, capture_output=True, text=True)

    try:
        run(str(bindir / "initdb"), "-D", str(data), "-U", "kaa", "-A", "trust", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync")
        options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {sock} -c fsync=off "
                   "-c full_page_writes=off -c synchronous_commit=off")
        run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60", "start")
        run(str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "kaa", "kaa")
        yield f"postgresql+psycopg://kaa@127.0.0.1:{port}/kaa"
    except subprocess.CalledProcessError as error:
        raise RuntimeError(f"PostgreSQL could not start: {error.stderr}\n"
                           f"{log.read_text() if log.exists() else ''}") from None
    finally:
        subprocess.run(run_as + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":  # a manual check: start, connect, stop
    import sqlalchemy as sa

    with postgres_server() as url:
        with sa.create_engine(url).connect() as conn:
            print(url, conn.execute(sa.text("select version()")).scalar())
