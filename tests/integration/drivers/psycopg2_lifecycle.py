"""A psycopg2 client for the lifecycle test: old-shaped writes and reads through switchyard for
SECONDS seconds on rows of its own (ids from 300001), each read checked against what this client
last wrote. Exits 1 at the first error or wrong read; prints "reads=N writes=M" on success.

usage: psycopg2_lifecycle.py CONNINFO SECONDS INSERT UPDATE READ
INSERT/UPDATE/READ use $1 (id) and $2 (value), turned into psycopg2's %s placeholders here.
"""
import random
import sys
import time

import psycopg2


def placeholders(sql, order):
    for n in order:
        sql = sql.replace("$%d" % n, "%%(p%d)s" % n)
    return sql


def main():
    conninfo, seconds, insert, update, read = sys.argv[1:6]
    insert, update, read = (placeholders(s, (1, 2)) for s in (insert, update, read))
    conn = psycopg2.connect(conninfo)
    conn.autocommit = False  # a transaction per operation, committed at once
    cur = conn.cursor()
    rng = random.Random(7)
    expected = {}
    next_id = 300001
    reads = writes = 0
    deadline = time.time() + float(seconds)
    i = 0
    while time.time() < deadline:
        i += 1
        op = 0 if not expected else rng.randrange(3)
        row = next_id if op == 0 else rng.choice(list(expected))
        if op == 0:
            next_id += 1
        value = "py%d-%d" % (i, row)
        params = {"p1": row, "p2": value}
        if op == 0:
            cur.execute(insert, params)
        elif op == 1:
            cur.execute(update, params)
        else:
            cur.execute(read, params)
            got = cur.fetchall()
            if len(got) != 1 or got[0][0] != expected[row]:
                print("wrong read of %d: %r, expected %r" % (row, got, expected[row]), file=sys.stderr)
                sys.exit(1)
            reads += 1
        conn.commit()
        if op <= 1:
            expected[row] = value
            writes += 1
        time.sleep(0.003)
    print("reads=%d writes=%d" % (reads, writes))


if __name__ == "__main__":
    main()
