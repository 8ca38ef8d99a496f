#!/usr/bin/env python3
"""SQLAlchemy (1.4, psycopg2) as two versions of an application use the differential test's
schema: ORM sessions (add, add_all, merge, delete, query().update() with synchronize_session,
with_for_update, bulk_insert_mappings / bulk_update_mappings) and Core statements (insert with
returning, PostgreSQL on_conflict_do_update / do_nothing with excluded, update with
scalar_subquery, UPDATE ... FROM and DELETE ... USING from multi-table criteria, insert
from_select, a DELETE ... RETURNING CTE feeding an INSERT). Every statement is recorded by the
engine's cursor events (recorder.py).

usage: sqlalchemy_workload.py CONNINFO [SKIP]
"""
import sys

import psycopg2.extensions
from sqlalchemy import Boolean, CHAR, Column, Integer, Numeric, Text, create_engine, delete, event, func, insert, \
    literal, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session, declarative_base

from recorder import Recorder

Base = declarative_base()


class Person(Base):
    __tablename__ = "people"
    id = Column(Integer, primary_key=True, autoincrement=False)
    name = Column(Text)
    mail = Column(Text)


class User(Base):  # the application before the migration: the old columns
    __tablename__ = "users"
    id = Column(Integer, primary_key=True, autoincrement=False)
    full_name = Column(Text)
    email = Column(Text)


class Account(Base):
    __tablename__ = "accounts"
    aid = Column(Integer, primary_key=True)
    include = Column(CHAR(1))
    name = Column(Text)


NewBase = declarative_base()  # the application after the migration: the new columns


class NewUser(NewBase):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True, autoincrement=False)
    display_name = Column(Text)
    email = Column(Text)


class NewAccount(NewBase):
    __tablename__ = "accounts"
    aid = Column(Integer, primary_key=True)
    include_bool = Column(Boolean)
    name = Column(Text)


class InvoiceColumns:  # rename_table: both tables have these
    id = Column(Integer, primary_key=True)
    customer = Column(Text, nullable=False)
    amount = Column(Numeric(12, 2))
    note = Column(Text)


class OldInvoice(InvoiceColumns, Base):
    __tablename__ = "inovices"


class Invoice(InvoiceColumns, Base):
    __tablename__ = "invoices"


class LegacyItem(Base):
    __tablename__ = "legacy_items"
    id = Column(Integer, primary_key=True)
    title = Column(Text, nullable=False)
    price_cents = Column(Integer, nullable=False, server_default="0")


class Item(Base):
    __tablename__ = "items"
    id = Column(Integer, primary_key=True, autoincrement=False)
    title = Column(Text, nullable=False)
    price = Column(Numeric(10, 2))


def engine_for(rec):
    dsn = psycopg2.extensions.parse_dsn(rec.conninfo)
    engine = create_engine("postgresql+psycopg2://", connect_args=dsn, future=True)

    @event.listens_for(engine, "after_cursor_execute")
    def recorded(conn, cursor, statement, parameters, context, executemany):
        rec.record_psycopg2_cursor(statement, cursor, executemany)

    @event.listens_for(engine, "handle_error")
    def failed(context):
        e = context.original_exception
        if isinstance(e, psycopg2.Error):
            rec.record_psycopg2_error(context.statement, e)

    return engine


def main(argv):
    rec = Recorder(argv)
    engine = engine_for(rec)
    users, people, accounts = User.__table__, Person.__table__, Account.__table__
    new_users, new_accounts = NewUser.__table__, NewAccount.__table__
    inovices, invoices, legacy, items = OldInvoice.__table__, Invoice.__table__, LegacyItem.__table__, Item.__table__
    with Session(engine, future=True) as s:
        tx = s.begin
        @rec.step("orm_add", tx)
        def _():
            s.add(User(id=10, full_name="Ken Thompson", email="ken@example.com"))
            s.add_all([NewUser(id=11, display_name="Dennis Ritchie"), Account(include="X", name="sqlalchemy"),
                       NewAccount(include_bool=True, name="sqlalchemy new"), OldInvoice(customer="sa", amount=3),
                       Item(id=1000, title="sa new", price=4)])

        @rec.step("copy_table_serial", tx)  # the old table's key from its sequence
        def _():
            s.add(LegacyItem(title="sa", price_cents=300))
            s.flush()
            s.execute(insert(legacy).values(title="core").returning(legacy.c.id, legacy.c.price_cents))

        @rec.step("orm_add_many", tx)
        def _():
            s.add_all([User(id=20 + i, full_name=f"SA {i}") for i in range(3)])
            s.add_all([OldInvoice(customer=f"sa {i}", amount=i) for i in range(3)])
        @rec.step("orm_modify_and_flush", tx)
        def _():
            u = s.get(User, 1)
            u.full_name = "Ada, Countess of Lovelace"
            a = s.get(Account, 2)
            a.include = "X"
            inv = s.get(Invoice, 3)
            inv.note = "sa note"
        @rec.step("orm_merge", tx)
        def _():
            s.merge(User(id=2, full_name="Merged", email="m@example.com"))
            s.merge(User(id=30, full_name="Merged new"))
            s.merge(Item(id=2, title="merged item", price=2))
        @rec.step("orm_for_update", tx)
        def _():
            u = s.execute(select(User).where(User.id == 4).with_for_update()).scalar_one()
            u.full_name = u.full_name + " (locked)"
            li = s.execute(select(LegacyItem).where(LegacyItem.id == 3).with_for_update()).scalar_one()
            li.price_cents += 1
        @rec.step("orm_query_update", tx)
        def _():
            s.query(User).filter(User.id < 3).update({User.full_name: User.full_name + " Sr."}, synchronize_session=False)
            s.query(OldInvoice).filter(OldInvoice.amount > 20).update({OldInvoice.amount: OldInvoice.amount * 2},
                                                                     synchronize_session="fetch")
            s.query(Item).filter(Item.id == 1).update({Item.price: Item.price + 1}, synchronize_session="evaluate")
        @rec.step("orm_bulk", tx)
        def _():
            s.bulk_insert_mappings(User, [{"id": 40 + i, "full_name": f"Bulk {i}"} for i in range(3)])
            s.bulk_update_mappings(User, [{"id": 1, "full_name": "Bulk updated 1"}, {"id": 2, "full_name": "Bulk 2"}])
            s.bulk_update_mappings(LegacyItem, [{"id": 1, "price_cents": 1}, {"id": 2, "price_cents": 2}])
        @rec.step("core_insert_returning", tx)
        def _():
            s.execute(insert(users).values(id=50, full_name="Core").returning(users.c.id, users.c.full_name))
            s.execute(insert(new_users).values([{"id": 51, "display_name": "Core new", "email": "n@example.com"}]))
            s.execute(insert(accounts).values(include="", name="core").returning(accounts.c.aid))
            s.execute(insert(inovices).values(customer="core", amount=5).returning(inovices))
        @rec.step("core_on_conflict_do_update", tx)
        def _():
            stmt = pg_insert(users).values([{"id": 1, "full_name": "Upserted", "email": None},
                                            {"id": 52, "full_name": "Inserted", "email": None}])
            s.execute(stmt.on_conflict_do_update(index_elements=[users.c.id],
                                                 set_={"full_name": stmt.excluded.full_name}))
            inv = pg_insert(inovices).values(id=2, customer="upserted", amount=1)
            s.execute(inv.on_conflict_do_update(constraint="inovices_pkey",
                                                set_={"customer": inv.excluded.customer, "amount": inv.excluded.amount})
                      .returning(inovices.c.id, inovices.c.customer))
            it = pg_insert(items).values(id=3, title="upserted", price=9)
            s.execute(it.on_conflict_do_update(index_elements=["id"], set_={"price": it.excluded.price},
                                               where=items.c.price < it.excluded.price))
        @rec.step("core_on_conflict_do_nothing", tx)
        def _():
            s.execute(pg_insert(users).values(id=3, full_name="ignored").on_conflict_do_nothing())
            s.execute(pg_insert(legacy).values(id=1, title="ignored").on_conflict_do_nothing(index_elements=["id"]))
        @rec.step("core_update_expressions", tx)
        def _():
            s.execute(update(users).where(users.c.email.is_(None)).values(full_name=func.coalesce(users.c.full_name, "?")))
            s.execute(update(accounts).where(accounts.c.aid.in_([1, 3])).values(include=literal("")))
            s.execute(update(new_accounts).where(new_accounts.c.aid == 4).values(include_bool=True)
                      .returning(new_accounts.c.aid, new_accounts.c.include_bool))
            s.execute(update(invoices).values(amount=invoices.c.amount + 1).where(invoices.c.id <= 2))
        @rec.step("core_update_scalar_subquery", tx)
        def _():
            name = select(people.c.name).where(people.c.id == users.c.id).scalar_subquery()
            s.execute(update(users).where(users.c.id.in_(select(people.c.id))).values(full_name=name))
        @rec.step("core_update_from", tx)
        def _():
            s.execute(update(users).where(users.c.id == people.c.id).values(full_name=people.c.name))
            s.execute(update(inovices).where(inovices.c.id == people.c.id).values(note=people.c.name))
        @rec.step("core_insert_from_select", tx)
        def _():
            s.execute(insert(users).from_select(["id", "full_name", "email"],
                                                select(people.c.id + 100, people.c.name, people.c.mail)))
            s.execute(insert(legacy).from_select(["id", "title", "price_cents"],
                                                 select(people.c.id + 100, people.c.name, people.c.id * 7)))
        @rec.step("core_delete", tx)
        def _():
            s.execute(delete(users).where(users.c.id == 5))
            s.execute(delete(accounts).where(accounts.c.aid == 5).returning(accounts.c.aid, accounts.c.include))
            s.execute(delete(inovices).where(inovices.c.id == people.c.id))
            s.execute(delete(items).where(items.c.id.in_([4, 5])))
        @rec.step("core_delete_cte_into_people", tx)
        def _():
            gone = delete(users).where(users.c.id > 20).returning(users.c.id, users.c.full_name).cte("gone")
            s.execute(insert(people).from_select(["id", "name"], select(gone.c.id + 500, gone.c.full_name)))
        @rec.step("orm_delete", tx)
        def _():
            s.delete(s.get(User, 3))
            s.delete(s.get(LegacyItem, 2))
        @rec.step("text", tx)
        def _():
            s.execute(text("UPDATE users SET full_name = :n WHERE id = :i"), {"n": "Text", "i": 10})
            s.execute(text("UPDATE invoices SET note = :n WHERE id = ANY(:ids)"), {"n": "text", "ids": [1, 2]})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
