"""`python -m bench` (what `make bench` runs): a fresh bench database, the data set, the run.

The bench never touches the database the project otherwise uses: on PostgreSQL it uses a
database beside `DATABASE_URL`'s, named with `_bench` after it (dropped and created again each
time); on SQLite the file `var/bench.sqlite3`. `--keep` measures again on the data already
there (seeding N=1 takes minutes)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def bench_environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("SAMSYN_DEBUG", "1")  # manage.py only: bench_run starts gunicorn without it
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url)
        name = parts.path.lstrip("/") or "postgres"
        env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}_bench"))
    else:
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(ROOT / "var" / "bench.sqlite3")
    return env


def reset_database(env: dict[str, str]) -> None:
    url = env.get("DATABASE_URL")
    if url is None:
        path = Path(env["SQLITE_PATH"])
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict[str, str], *args: str) -> None:
    started = time.monotonic()
    print("$ manage.py", " ".join(args), flush=True)
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True)  # noqa: S603
    print(f"  ({time.monotonic() - started:.0f} s)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", default=os.environ.get("BENCH_SCALE", "1"))
    parser.add_argument("--keep", action="store_true", help="mät på data som redan finns")
    # Everything else goes on to bench_run (--repeat, --duration, --no-http...).
    options, run_args = parser.parse_known_args()
    env = bench_environment()
    where = env.get("DATABASE_URL") or env["SQLITE_PATH"]
    print(f"Benchmark-databas: {where}", flush=True)
    if not options.keep:
        reset_database(env)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "bench_seed", "--scale", str(options.scale))
    manage(env, "bench_run", *run_args)


if __name__ == "__main__":
    main()
