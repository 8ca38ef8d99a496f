"""ORM sessions against MySQL / MariaDB for tests/integration/mariadb_orm_test.cpp: Django's
MySQL backend (over MySQLdb) or SQLAlchemy 1.4 over PyMySQL, holding ONE connection, as an
application's pool does. The model is `orm_people` (id, full_name, email, visits), whose
full_name a rename_column migration moves to display_name while this process runs.

argv: django|sqlalchemy HOST PORT USER PASSWORD DATABASE
Line protocol (tests/support/line_driver.h): "ready" once connected, then per command one line:
  round N -> "ok THREAD_ID" | "error WHY": through the ORM, create person N, bulk-create N+1000
             and N+2000, update N's full_name by an instance save() and by a queryset update()
             with an expression (visits + 1), read N back by full_name filter, and delete N+2000
  read N  -> "ok FULL_NAME" | "error WHY": person N's full_name as the ORM reads it
"""
import sys

kind, host, port, user, password, database = sys.argv[1:7]
port = int(port)


def django_session():
    import django
    from django.conf import settings

    settings.configure(
        DATABASES={"default": {"ENGINE": "django.db.backends.mysql", "HOST": host, "PORT": port, "USER": user,
                               "PASSWORD": password, "NAME": database, "CONN_MAX_AGE": None,
                               "OPTIONS": {"charset": "utf8mb4"}}},
        INSTALLED_APPS=[], USE_TZ=False, DEFAULT_AUTO_FIELD="django.db.models.AutoField")
    django.setup()
    from django.db import connection, models, transaction
    from django.db.models import F

    class Person(models.Model):
        full_name = models.CharField(max_length=100, null=True)
        email = models.CharField(max_length=100, null=True)
        visits = models.IntegerField(default=0)

        class Meta:
            app_label = "orm"
            db_table = "orm_people"

    def thread_id():
        with connection.cursor() as c:
            c.execute("SELECT CONNECTION_ID()")
            return c.fetchone()[0]

    def round_(n):
        with transaction.atomic():
            p = Person.objects.create(id=n, full_name="p%d" % n, email="p%d@x" % n)
            Person.objects.bulk_create([Person(id=n + 1000, full_name="b%d" % n), Person(id=n + 2000, full_name="c%d" % n)])
            p.full_name = "saved %d" % n
            p.save()
            Person.objects.filter(id=n).update(visits=F("visits") + 1, full_name="updated %d" % n)
            got = Person.objects.filter(full_name="updated %d" % n).values_list("id", flat=True)
            if list(got) != [n]:
                return "error read back %r" % list(got)
            Person.objects.filter(id=n + 2000).delete()
        return "ok %d" % thread_id()

    def read(n):
        return "ok %s" % Person.objects.get(id=n).full_name

    thread_id()  # connect now
    return round_, read


def sqlalchemy_session():
    from sqlalchemy import Column, Integer, String, create_engine, select, text, update
    from sqlalchemy.orm import Session, declarative_base

    Base = declarative_base()

    class Person(Base):
        __tablename__ = "orm_people"
        id = Column(Integer, primary_key=True, autoincrement=False)
        full_name = Column(String(100))
        email = Column(String(100))
        visits = Column(Integer, default=0)

    engine = create_engine("mysql+pymysql://%s:%s@%s:%d/%s?charset=utf8mb4" % (user, password, host, port, database),
                           pool_size=1, max_overflow=0, pool_pre_ping=False, future=True)
    session = Session(engine, future=True)

    def thread_id():
        return session.execute(text("SELECT CONNECTION_ID()")).scalar()

    def round_(n):
        with session.begin():
            session.add(Person(id=n, full_name="p%d" % n, email="p%d@x" % n, visits=0))
            session.flush()
            session.add_all([Person(id=n + 1000, full_name="b%d" % n, visits=0), Person(id=n + 2000, full_name="c%d" % n, visits=0)])
            session.flush()
            p = session.get(Person, n)
            p.full_name = "saved %d" % n
            session.flush()
            session.execute(update(Person).where(Person.id == n).values(visits=Person.visits + 1, full_name="updated %d" % n)
                            .execution_options(synchronize_session=False))
            got = session.execute(select(Person.id).where(Person.full_name == "updated %d" % n)).scalars().all()
            if got != [n]:
                return "error read back %r" % got
            session.delete(session.get(Person, n + 2000))
            tid = thread_id()
        session.expunge_all()
        return "ok %d" % tid

    def read(n):
        session.expunge_all()
        with session.begin():
            return "ok %s" % session.get(Person, n).full_name

    with session.begin():
        thread_id()
    return round_, read


round_, read = django_session() if kind == "django" else sqlalchemy_session()
print("ready", flush=True)
for line in sys.stdin:
    words = line.split()
    try:
        if words[0] == "round":
            answer = round_(int(words[1]))
        elif words[0] == "read":
            answer = read(int(words[1]))
        else:
            answer = "error unknown command " + words[0]
    except Exception as e:  # the test shows the ORM's own error
        answer = "error " + type(e).__name__ + ": " + " ".join(str(e).split())
    print(answer, flush=True)
