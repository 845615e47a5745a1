"""Fail early, with a message a person can act on, when PostgreSQL or Redis is unreachable."""

import os
import sys

import environ
import psycopg2
import redis


def main() -> int:
    db_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/menet")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    ok = True
    db = environ.Env.db_url_config(db_url)
    try:
        psycopg2.connect(
            dbname="postgres", user=db.get("USER") or None, password=db.get("PASSWORD") or None,
            host=db.get("HOST") or None, port=db.get("PORT") or None, connect_timeout=5,
        ).close()
    except psycopg2.Error as exc:
        ok = False
        print(f"PostgreSQL is not reachable at {db_url}: {exc}".strip(), file=sys.stderr)
        print("  Start it (Debian: pg_ctlcluster 15 main start) or set DATABASE_URL.", file=sys.stderr)
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=5).ping()
    except redis.RedisError as exc:
        ok = False
        print(f"Redis is not reachable at {redis_url}: {exc}", file=sys.stderr)
        print("  Start it (redis-server --daemonize yes) or set REDIS_URL.", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
