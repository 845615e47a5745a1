"""How long `seed_demo --participants N` takes, on PostgreSQL and on the SQLite demo database.

Each run migrates a fresh database, seeds the programme, then times the demo seed.
Baseline in the same run: the same command with N/100 participants, so the figure shows
whether the bulk inserts scale linearly (the goal: 100,000 participants in under a minute).

    .venv/bin/python bench/seed_demo.py [--participants 100000]
"""

import argparse
import tempfile

from benchdb import drop_database, manage, recreate_database

PG_DB = "menet_bench_seed"


def run(label, make_db, n):
    results = {}
    for count in (n // 100, n):
        db_url = make_db()
        manage(db_url, "migrate", "--noinput", "-v0")
        manage(db_url, "seed_programme")
        results[count] = manage(db_url, "seed_demo", "--participants", str(count))
    small, big = n // 100, n
    print(f"{label:<10} N={small:>7}: {results[small]:6.1f} s   N={big:>7}: {results[big]:6.1f} s   "
          f"({big / results[big]:,.0f} participants/s; 100× N took {results[big] / results[small]:.1f}× the time)")
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=100_000)
    args = parser.parse_args()
    print(f"seed_demo --participants {args.participants} (times include process start and demo accounts)")
    try:
        run("PostgreSQL", lambda: recreate_database(PG_DB), args.participants)
    finally:
        drop_database(PG_DB)
    with tempfile.TemporaryDirectory() as tmp:
        counter = iter(range(10))
        run("SQLite", lambda: f"sqlite:///{tmp}/bench-{next(counter)}.sqlite3", args.participants)


if __name__ == "__main__":
    main()
