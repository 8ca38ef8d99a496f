#!/usr/bin/env python3
"""psycopg 3 as an application uses it without an ORM, for the differential test: server-side
parameters (the extended protocol), executemany (pipelined), prepare=True, COPY FROM STDIN with
copy.write_row, transactions with savepoints (conn.transaction()), and client-side binding
(ClientCursor, the simple protocol).

usage: psycopg_workload.py CONNINFO [SKIP]
"""
import sys

import psycopg

from recorder import Recorder


class Recording:
    """Runs statements on a cursor, recording what each gave."""

    def __init__(self, rec, cursor):
        self.rec, self.cur = rec, cursor

    def __call__(self, sql, params=None, many=False, prepare=None):
        try:
            if many:
                self.cur.executemany(sql, params)
            else:
                self.cur.execute(sql, params, prepare=prepare)
        except psycopg.Error as e:
            self.rec.error(sql, e.sqlstate, e.diag.message_primary)
            raise
        rows = self.cur.fetchall() if self.cur.description is not None and not many else None
        self.rec.ok(sql, self.cur.statusmessage, self.cur.rowcount, rows)
        return rows


def copy_rows(rec, conn, sql, rows):
    """COPY FROM STDIN of `rows`, recorded as one statement."""
    try:
        with conn.cursor() as cur:
            with cur.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
            rec.ok(sql, cur.statusmessage, cur.rowcount)
    except psycopg.Error as e:
        rec.error(sql, e.sqlstate, e.diag.message_primary)
        raise


def main(argv):
    rec = Recorder(argv)
    with psycopg.connect(rec.conninfo, autocommit=True) as conn:
        run = Recording(rec, conn.cursor())
        client = Recording(rec, psycopg.ClientCursor(conn))
        tx = conn.transaction
        @rec.step("insert_params", tx)
        def _():
            run("INSERT INTO users (id, full_name, email) VALUES (%s, %s, %s)", (10, "Ken Thompson", "ken@example.com"))
            run("INSERT INTO users (id, display_name) VALUES (%(id)s, %(name)s) RETURNING id, full_name",
                {"id": 11, "name": "Dennis Ritchie"})
        @rec.step("executemany", tx)
        def _():
            run("INSERT INTO users (id, full_name) VALUES (%s, %s)", [(20 + i, f"User {i}") for i in range(5)], many=True)
            run("UPDATE accounts SET include = %s WHERE aid = %s", [("X", 2), ("", 3)], many=True)
        @rec.step("prepared", tx)
        def _():
            for i in range(3):
                run("UPDATE users SET full_name = %s WHERE id = %s", (f"Prepared {i}", 1), prepare=True)
            run("INSERT INTO inovices (customer, amount) VALUES (%s, %s) RETURNING id", ("prepared", 3), prepare=True)
        @rec.step("client_side_binding", tx)
        def _():
            client("UPDATE users SET full_name = %s WHERE id = %s", ("O'Brien", 2))

        @rec.step("copy_table_serial", tx)  # the old table's key from its sequence
        def _():
            client("INSERT INTO legacy_items (title, price_cents) VALUES (%s, %s) RETURNING *", ("client", 4200))
        @rec.step("savepoints", tx)
        def _():
            run("UPDATE invoices SET note = %s WHERE id = %s", ("kept", 1))
            try:
                with conn.transaction():
                    run("UPDATE invoices SET note = %s WHERE id = %s", ("rolled back", 2))
                    run("INSERT INTO invoices (id, customer) VALUES (%s, %s)", (1, "duplicate"))
            except psycopg.errors.UniqueViolation:
                pass
            run("UPDATE items SET price = price + %s WHERE id = ANY(%s)", (1, [1, 2]))
        @rec.step("copy", tx)
        def _():
            copy_rows(rec, conn, "COPY users (id, full_name, email) FROM STDIN", [(60, "Copied", None)])
        @rec.step("copy_unmigrated", tx)
        def _():
            copy_rows(rec, conn, "COPY people (id, name) FROM STDIN", [(61, "Copied person")])
        @rec.step("delete_returning", tx)
        def _():
            run("DELETE FROM accounts WHERE aid = %s RETURNING aid, include, include_bool", (5,))
            run("DELETE FROM legacy_items WHERE id = %s", (5,))
        @rec.step("upsert", tx)
        def _():
            run("INSERT INTO items (id, title, price) VALUES (%s, %s, %s) ON CONFLICT (id) DO UPDATE "
                "SET title = EXCLUDED.title, price = EXCLUDED.price RETURNING id, price", (2, "upserted", "9.99"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
