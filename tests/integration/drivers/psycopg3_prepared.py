#!/usr/bin/env python3
"""A psycopg 3 client for the prepared-statement lifecycle test (prepared_lifecycle_test.cpp):
ONE connection, held for the whole run, with prepare_threshold=0 so that psycopg prepares every
statement server-side on its first execution, as a pooled application does after warm-up. The
connection carries an old-shaped and a new-shaped application at once.

usage: psycopg3_prepared.py HOST PORT DBNAME USER FIRST_ID  OLD_INSERT OLD_UPDATE OLD_READ OLD_READ_ALL
                            NEW_INSERT NEW_UPDATE NEW_READ NEW_READ_ALL
Statements use $1 (the row id, int) and $2 (a value, text). Commands on stdin, one answer line
each on stdout (the protocol of tests/support/prepared_clients.h):
  round    -> "ok" | "error WHY"    each app writes two rows of its own, reads them back, checks
  read ID  -> "ok OLD NEW" | "error WHY"   each app's prepared read of row ID
"""
import sys

import psycopg


def placeholders(sql):
    for n in (1, 2):
        sql = sql.replace("$%d" % n, "%%(p%d)s" % n)
    return sql


class App:
    def __init__(self, statements):
        self.insert, self.update, self.read, self.read_all = (placeholders(s) for s in statements)


def text(value):
    return "NULL" if value is None else str(value)


def main():
    host, port, dbname, user, first_id = sys.argv[1:6]
    apps = [App(sys.argv[6:10]), App(sys.argv[10:14])]
    conn = psycopg.connect(host=host, port=port, dbname=dbname, user=user, prepare_threshold=0, autocommit=True)
    next_id = int(first_id)
    rounds = 0
    print("ready", flush=True)
    for line in sys.stdin:
        words = line.split()
        try:
            if words == ["round"]:
                rounds += 1
                with conn.transaction():
                    for app in apps:
                        ids = (next_id, next_id + 1)
                        next_id += 2
                        for i in ids:
                            conn.execute(app.insert, {"p1": i, "p2": "r%d-%d" % (rounds, i)})
                            conn.execute(app.update, {"p1": i, "p2": "u%d-%d" % (rounds, i)})
                        for i in ids:
                            got = conn.execute(app.read, {"p1": i}).fetchall()
                            if got != [("u%d-%d" % (rounds, i),)]:
                                raise AssertionError("read of %d after writing it: %r" % (i, got))
                            got = conn.execute(app.read_all, {"p1": i}).fetchall()
                            if len(got) != 1:
                                raise AssertionError("whole read of %d: %d rows" % (i, len(got)))
                print("ok", flush=True)
            elif len(words) == 2 and words[0] == "read":
                values = []
                with conn.transaction():
                    for app in apps:
                        got = conn.execute(app.read, {"p1": int(words[1])}).fetchall()
                        if len(got) != 1:
                            raise AssertionError("read of %s: %d rows" % (words[1], len(got)))
                        values.append(text(got[0][0]))
                print("ok " + " ".join(values), flush=True)
            else:
                print("error unknown command %r" % line.strip(), flush=True)
        except (AssertionError, psycopg.Error) as e:
            print("error %s: %s" % (type(e).__name__, str(e).replace("\n", " ")), flush=True)
    conn.close()


if __name__ == "__main__":
    main()
