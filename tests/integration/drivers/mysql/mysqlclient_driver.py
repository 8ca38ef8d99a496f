#!/usr/bin/env python3
"""mysqlclient (MySQLdb, Debian's python3-mysqldb) for the MySQL driver tests
(tests/integration/mariadb_drivers_test.cpp). Holds ONE connection (autocommit on, multi-statements
allowed); its parameters are substituted client-side, as mysqlclient always does.

usage: mysqlclient_driver.py HOST PORT USER PASSWORD DATABASE TABLE SCRIPT
Prints "ready" once connected, then answers commands on stdin (tests/support/mysql_driver_client.h):
  script -> the transcript of SCRIPT's steps (drivers/mysql/script.txt), then "end"
  round  -> "ok THREAD_ID" | "error WHY"   a prepared insert, read back, in a transaction
  begin  -> "ok" | "error WHY"             START TRANSACTION and an insert left open
  commit -> "ok" | "error WHY"             COMMIT, and the row begin wrote is there
"""
import hashlib
import sys

import MySQLdb
from MySQLdb.constants import CLIENT


def value(v):
    if v is None:
        return "NULL"
    if isinstance(v, (bytes, bytearray)):
        return "x'%s'" % v.hex().upper()
    s = str(v)
    if len(s) > 64:
        return "len=%d md5=%s" % (len(s), hashlib.md5(s.encode()).hexdigest())
    return s.replace("\\", "\\\\").replace("\n", "\\n")


def param(p):
    kind, _, text = p.partition(":")
    return {"i": int, "f": float, "s": str, "x": bytes.fromhex, "null": lambda _: None}[kind](text)


def print_result(cur, affected):
    if cur.description is None:
        print("ok affected=%d" % affected)
        return
    print("columns " + ", ".join(d[0] for d in cur.description))
    rows = cur.fetchall()
    for row in rows:
        print("row " + " | ".join(value(v) for v in row))
    print("rows %d" % len(rows))


def error(e, sqlstate):
    code, message = e.args[0], e.args[1] if len(e.args) > 1 else ""
    print("error %d %s: %s" % (code, sqlstate, message))


def run_script(conn, table, path):
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        step, sql = fields[0], fields[1].replace("{table}", table) if len(fields) > 1 else ""
        print("> " + line.split("\t")[0] + (" " + fields[1] if len(fields) > 1 else ""))
        cur = conn.cursor()
        try:
            if step == "connection":
                cur.execute("SELECT CONNECTION_ID()")
                (cid,) = cur.fetchone()
                print("thread %d greeting=%s" % (cid, "same" if conn.thread_id() == cid else "differs"))
            elif step == "query":
                print_result(cur, cur.execute(sql))
            elif step == "execute":
                params = [param(p) for p in fields[2:]]
                print_result(cur, cur.execute(sql.replace("?", "%s"), params))
            elif step == "multi":
                affected = cur.execute(sql)
                while True:
                    print_result(cur, affected)
                    if cur.nextset() is None:
                        break
                    affected = cur.rowcount
        except MySQLdb.Error as e:
            error(e, conn.sqlstate())
            while True:  # what is left of a multi-statement string after an error is nothing
                try:
                    if cur.nextset() is None:
                        break
                except MySQLdb.Error:
                    break
        finally:
            cur.close()
    print("end", flush=True)


class Rounds:
    def __init__(self, conn, table):
        self.conn, self.table, self.n = conn, table + "_pool", 0
        cur = conn.cursor()
        cur.execute("DROP TABLE IF EXISTS %s" % self.table)
        cur.execute("CREATE TABLE %s (id INT PRIMARY KEY, v VARCHAR(40))" % self.table)

    def round(self):
        self.n += 1
        cur = self.conn.cursor()
        cur.execute("START TRANSACTION")
        cur.execute("INSERT INTO %s (id, v) VALUES (%%s, %%s)" % self.table, (self.n, "round %d 😀" % self.n))
        cur.execute("SELECT v FROM %s WHERE id = %%s" % self.table, (self.n,))
        got = cur.fetchall()
        cur.execute("COMMIT")
        if got != (("round %d 😀" % self.n,),):
            return "error read back %r" % (got,)
        cur.execute("SELECT CONNECTION_ID()")
        return "ok %d" % cur.fetchone()[0]

    def begin(self):
        cur = self.conn.cursor()
        cur.execute("START TRANSACTION")
        self.open_id = -1 - self.n
        cur.execute("INSERT INTO %s (id, v) VALUES (%%s, 'open')" % self.table, (self.open_id,))
        return "ok"

    def commit(self):
        cur = self.conn.cursor()
        cur.execute("COMMIT")
        cur.execute("SELECT COUNT(*) FROM %s WHERE id = %%s" % self.table, (self.open_id,))
        return "ok" if cur.fetchone()[0] == 1 else "error the committed row is missing"


def main():
    host, port, user, password, database, table, script = sys.argv[1:8]
    conn = MySQLdb.connect(host=host, port=int(port), user=user, passwd=password, db=database,
                           charset="utf8mb4", autocommit=True, client_flag=CLIENT.MULTI_STATEMENTS)
    rounds = None
    print("ready", flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "script":
            run_script(conn, table, script)
            continue
        try:
            rounds = rounds or Rounds(conn, table)
            answer = {"round": rounds.round, "begin": rounds.begin, "commit": rounds.commit}[command]()
        except Exception as e:  # the test prints the answer; any failure is one line
            answer = "error %s" % str(e).replace("\n", " ")
        print(answer, flush=True)
    conn.close()


if __name__ == "__main__":
    main()
