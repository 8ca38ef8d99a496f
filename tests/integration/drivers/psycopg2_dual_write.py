#!/usr/bin/env python3
"""Writes the seeds' tables through switchyard the way a Python application does, with psycopg2:
%s parameters, executemany, transactions committed and rolled back, RETURNING, and a refused
statement. Exits non-zero, saying why, at the first surprise; the C++ test that runs it
(dual_write_psycopg2_test.cpp) then checks what PostgreSQL holds.

usage: psycopg2_dual_write.py CONNINFO
"""
import sys

import psycopg2


def expect(what, got, wanted):
    if got != wanted:
        raise AssertionError(f"{what}: got {got!r}, wanted {wanted!r}")


def main(conninfo):
    conn = psycopg2.connect(conninfo)
    cur = conn.cursor()

    # Old-shaped writes, one row and many.
    cur.execute("INSERT INTO users (id, full_name, email) VALUES (%s, %s, %s)", (1, "Ada Lovelace", "ada@example.com"))
    cur.executemany("INSERT INTO users (id, full_name) VALUES (%s, %s)", [(i, f"User {i}") for i in range(2, 12)])
    cur.execute("UPDATE users SET full_name = %s WHERE id = %s RETURNING id, full_name, display_name", ("Ada King", 1))
    expect("RETURNING of the old-shaped UPDATE", cur.fetchone(), (1, "Ada King", "Ada King"))
    conn.commit()

    # New-shaped writes, and parameters that need quoting.
    cur.execute("INSERT INTO users (id, display_name) VALUES (%(id)s, %(name)s)", {"id": 20, "name": "Grace O'Hopper"})
    cur.executemany("UPDATE users SET display_name = %s WHERE id = %s", [("Alan Turing", 2), ("Edsger Dijkstra", 3)])
    expect("rows updated by executemany (the sum of its statements)", cur.rowcount, 2)
    conn.commit()

    # A transaction rolled back leaves nothing.
    cur.execute("INSERT INTO users (id, full_name) VALUES (%s, %s)", (30, "rolled back"))
    cur.execute("UPDATE users SET full_name = %s WHERE id = %s", ("rolled back", 1))
    conn.rollback()

    # The accounts: include 'X'/'' becomes include_bool, and aid (a serial) is copied into id.
    cur.executemany("INSERT INTO accounts (include, name) VALUES (%s, %s)", [("X", "checking"), ("", "savings")])
    cur.execute("INSERT INTO accounts (include_bool, name) VALUES (%s, %s) RETURNING aid, id, include", (True, "credit"))
    expect("RETURNING of the new-shaped INSERT", cur.fetchone(), (3, 3, "X"))
    cur.execute("UPDATE accounts SET include_bool = %s WHERE name = %s", (False, "checking"))
    conn.commit()

    # A write switchyard cannot mirror is refused with SQLSTATE 0A000, and the transaction with it.
    cur.execute("INSERT INTO users (id, full_name) VALUES (%s, %s)", (40, "lost with the refusal"))
    try:
        # (a MERGE inserting a volatile value: MERGE's one VALUES row cannot evaluate it once for both columns)
        cur.execute("MERGE INTO users u USING (SELECT %s AS id) s ON s.id = u.id "
                    "WHEN NOT MATCHED THEN INSERT (id, full_name) VALUES (s.id, random()::text)", (41,))
        raise AssertionError("MERGE into users was not refused")
    except psycopg2.Error as e:
        expect("SQLSTATE of the refused MERGE", e.pgcode, "0A000")
        if "migration users-display-name" not in e.pgerror:
            raise AssertionError(f"the refusal does not name the migration: {e.pgerror}")
    conn.rollback()

    # Autocommit, as many web applications run.
    conn.autocommit = True
    cur.execute("UPDATE users SET full_name = %s WHERE id = %s", ("Barbara Liskov", 11))
    expect("rows updated in autocommit", cur.rowcount, 1)
    conn.close()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    try:
        main(sys.argv[1])
    except (AssertionError, psycopg2.Error) as e:
        sys.exit(f"psycopg2_dual_write.py: {type(e).__name__}: {e}")
    print("psycopg2_dual_write.py: ok")
