"""What the differential test's Python programs share: each prints, per statement its driver
sends, one JSON line {"step", "sql", "view"}, the view being what the client saw (command tag,
row count and rows, or SQLSTATE and message), so that differential_test.cpp compares a run
through switchyard with a run against the reference database line by line.

A program groups its ORM operations into named steps, each in a transaction of its own; a step
named in the skip list (argv[2], ",a,b,") is not run, so that the reference run can leave out a
step switchyard refused and the tables still compare.
"""
import decimal
import json
import sys


def _plain(value):
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    return value if value is None or isinstance(value, (bool, int, float, str)) else str(value)


def in_given_order(sql):
    """Whether rows come in an order the statement fixes: ORDER BY, or INSERT ... RETURNING,
    whose rows follow VALUES (Django's bulk_create relies on it). Other rows come in the order of
    the table's storage, which differs between the two databases."""
    text = sql.lstrip().upper()
    return "ORDER BY" in text or text.startswith("INSERT")


class Recorder:
    def __init__(self, argv):
        self.conninfo = argv[1]
        self.skip = argv[2] if len(argv) > 2 else ""
        self.current = "setup"

    def emit(self, sql, view):
        print(json.dumps({"step": self.current, "sql": sql, "view": view}), flush=True)

    def ok(self, sql, tag, rowcount, rows=None):
        view = f"ok {tag} rowcount {rowcount}\n"
        if rows is not None and not in_given_order(sql):
            rows = sorted(_plain(rows), key=json.dumps)
        if rows is not None:
            view += "rows " + json.dumps(_plain(rows)) + "\n"
        self.emit(sql, view)

    def error(self, sql, sqlstate, message):
        self.emit(sql, f"error {sqlstate}: {message}\n")

    def record_psycopg2_cursor(self, sql, cursor, many=False):
        """After a psycopg2 cursor ran `sql`: its tag, count and rows, left for the caller to fetch."""
        rows = None
        if cursor.description is not None and not many:
            rows = cursor.fetchall()
            if rows:
                cursor.scroll(0, mode="absolute")
        self.ok(sql, cursor.statusmessage, cursor.rowcount, rows)

    def record_psycopg2_error(self, sql, e):
        diag = getattr(e, "diag", None)
        self.error(sql, getattr(e, "pgcode", None), diag.message_primary if diag else str(e).splitlines()[0])

    def step(self, name, atomic):
        """A decorator that runs the function at once as step `name`, inside the context manager
        `atomic()` (a transaction), unless the skip list names it; an error is recorded by the
        driver hooks and ends only this step."""

        def run(body):
            if f",{name}," in self.skip:
                return body
            self.current = name
            try:
                with atomic():
                    body()
            except Exception as e:  # noqa: BLE001 -- the statement's error is already recorded
                print(f"step {name}: {type(e).__name__}: {e}".splitlines()[0], file=sys.stderr)
            self.current = "between steps"
            return body

        return run
