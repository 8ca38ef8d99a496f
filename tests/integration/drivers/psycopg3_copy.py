#!/usr/bin/env python3
"""psycopg 3's cursor.copy into the migrated `users` table (tests/integration/copy_from_migrated_test.cpp):
write_row in text and binary format, write() of raw text, an error inside the block, and a COPY
in a transaction rolled back. Prints what the client sees of each, one line each, so the proxy's
run can be compared with the reference's.

usage: psycopg3_copy.py CONNINFO
"""
import sys

import psycopg


def copy(conn, sql, rows=None, raw=None, types=None):
    try:
        with conn.cursor() as cur:
            with cur.copy(sql) as c:
                if types:
                    c.set_types(types)
                for row in rows or []:
                    c.write_row(row)
                if raw:
                    c.write(raw)
            print(sql, "->", cur.statusmessage, cur.rowcount)
    except psycopg.Error as e:
        print(sql, "->", "error", e.sqlstate)


def main(conninfo):
    with psycopg.connect(conninfo, autocommit=True) as conn:
        copy(conn, "COPY users (full_name, email) FROM STDIN", [("Row", "r@x"), ("Tab\there", None), ("Ünï", "u@x")])
        copy(conn, "COPY users (full_name, email) FROM STDIN (FORMAT BINARY)", [("Bin", "b@x"), (None, None)],
             types=["text", "text"])
        copy(conn, "COPY users (display_name) FROM STDIN", raw="Raw\nText\n")
        copy(conn, "COPY users (full_name, email) FROM STDIN", [("Bad", "no-at")])
        try:
            with conn.transaction():
                copy(conn, "COPY users (full_name) FROM STDIN", [("rolled back",)])
                raise psycopg.Rollback()
        except psycopg.Error as e:
            print("transaction error", e.sqlstate)
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM users")
            print("rows", cur.fetchone()[0])


if __name__ == "__main__":
    main(sys.argv[1])
