#!/usr/bin/env python3
"""Django (3.2, psycopg2) as two versions of an application use the differential test's schema:
models of the old shape (users.full_name, accounts.include, the tables inovices and legacy_items)
and of the new one (users.display_name, accounts.include_bool, invoices, items), through the ORM's
own operations: create, bulk_create, update with F() and functions, Case/When, Subquery/OuterRef,
get_or_create, update_or_create, select_for_update in a transaction, save(), bulk_update, delete.
Every statement Django sends is recorded by an execute wrapper (recorder.py).

usage: django_workload.py CONNINFO [SKIP]
"""
import sys

import django
import psycopg2
import psycopg2.extensions
from django.conf import settings

from recorder import Recorder


def configure(conninfo):
    dsn = psycopg2.extensions.parse_dsn(conninfo)
    settings.configure(
        DATABASES={"default": {"ENGINE": "django.db.backends.postgresql", "NAME": dsn["dbname"],
                               "USER": dsn.get("user", ""), "PASSWORD": dsn.get("password", ""),
                               "HOST": dsn.get("host", ""), "PORT": dsn.get("port", "")}},
        INSTALLED_APPS=[], USE_TZ=False)
    django.setup()


def main(argv):
    rec = Recorder(argv)
    configure(rec.conninfo)
    from django.db import connection, models, transaction
    from django.db.models import Case, F, OuterRef, Subquery, Value, When
    from django.db.models.functions import Coalesce, Concat, Lower, Upper

    class Meta:
        app_label = "workload"
        managed = False

    def model(model_name, table, **fields):
        return type(model_name, (models.Model,), {"__module__": __name__, "Meta": type("Meta", (Meta,), {"db_table": table}),
                                            **fields})

    Person = model("Person", "people", id=models.IntegerField(primary_key=True), name=models.TextField(null=True),
                   mail=models.TextField(null=True))
    User = model("User", "users", id=models.IntegerField(primary_key=True), full_name=models.TextField(null=True),
                 email=models.TextField(null=True))
    NewUser = model("NewUser", "users", id=models.IntegerField(primary_key=True),
                    display_name=models.TextField(null=True), email=models.TextField(null=True))
    Account = model("Account", "accounts", aid=models.AutoField(primary_key=True),
                    include=models.CharField(max_length=1, null=True), name=models.TextField(null=True))
    NewAccount = model("NewAccount", "accounts", aid=models.AutoField(primary_key=True),
                       include_bool=models.BooleanField(null=True), name=models.TextField(null=True))
    OldInvoice = model("OldInvoice", "inovices", customer=models.TextField(),
                       amount=models.DecimalField(max_digits=12, decimal_places=2, null=True),
                       note=models.TextField(null=True))
    Invoice = model("Invoice", "invoices", customer=models.TextField(),
                    amount=models.DecimalField(max_digits=12, decimal_places=2, null=True), note=models.TextField(null=True))
    LegacyItem = model("LegacyItem", "legacy_items", title=models.TextField(), price_cents=models.IntegerField(default=0))
    Item = model("Item", "items", id=models.IntegerField(primary_key=True), title=models.TextField(),
                 price=models.DecimalField(max_digits=10, decimal_places=2, null=True))

    def wrapper(execute, sql, params, many, context):
        try:
            result = execute(sql, params, many, context)
        except psycopg2.Error as e:
            rec.record_psycopg2_error(sql, e)
            raise
        except Exception as e:  # Django wraps the driver's error
            cause = e.__cause__ if isinstance(e.__cause__, psycopg2.Error) else None
            if cause is None:
                raise
            rec.record_psycopg2_error(sql, cause)
            raise
        rec.record_psycopg2_cursor(sql, context["cursor"].cursor, many)
        return result

    atomic = transaction.atomic
    with connection.execute_wrapper(wrapper):
        @rec.step("create", atomic)
        def _():
            User.objects.create(id=10, full_name="Ken Thompson", email="ken@example.com")
            NewUser.objects.create(id=11, display_name="Dennis Ritchie")
            Account.objects.create(include="X", name="django")
            NewAccount.objects.create(include_bool=False, name="django new")
            OldInvoice.objects.create(customer="django", amount=12)
            Invoice.objects.create(id=1000, customer="django new", amount=13)
            Item.objects.create(id=1000, title="django new", price="56.78")
        @rec.step("bulk_create", atomic)
        def _():
            User.objects.bulk_create([User(id=20 + i, full_name=f"Bulk {i}") for i in range(3)])
            NewUser.objects.bulk_create([NewUser(id=30 + i, display_name=f"New bulk {i}") for i in range(2)])
            Account.objects.bulk_create([Account(include="", name="bulk a"), Account(include="X", name="bulk b")])
            OldInvoice.objects.bulk_create([OldInvoice(customer=f"bulk {i}", amount=i) for i in range(3)])
        @rec.step("copy_table_serial", atomic)  # the old table's key from its sequence
        def _():
            LegacyItem.objects.create(title="django", price_cents=1234)
            LegacyItem.objects.bulk_create([LegacyItem(title="bulk", price_cents=5), LegacyItem(title="bulk 2")])

        @rec.step("bulk_create_ignore_conflicts", atomic)
        def _():
            User.objects.bulk_create([User(id=1, full_name="conflict"), User(id=40, full_name="new")],
                                     ignore_conflicts=True)
            Item.objects.bulk_create([Item(id=1, title="conflict"), Item(id=1001, title="x", price=1)],
                                     ignore_conflicts=True)
        @rec.step("update_values", atomic)
        def _():
            User.objects.filter(id__in=[1, 2]).update(full_name="Updated")
            NewUser.objects.filter(email__isnull=True).update(display_name="No mail")
            Account.objects.filter(aid=2).update(include="X")
            NewAccount.objects.filter(name__startswith="acct").exclude(aid=1).update(include_bool=True)
            OldInvoice.objects.filter(id=3).update(note="django note")
            Item.objects.filter(price__gt=2).update(price="7.00")
        @rec.step("update_f_expressions", atomic)
        def _():
            User.objects.filter(id=1).update(full_name=Concat(F("full_name"), Value(" Jr.")))
            User.objects.update(full_name=Upper("full_name"))
            NewUser.objects.filter(id=4).update(display_name=Lower(Coalesce("display_name", "email")))
            OldInvoice.objects.update(amount=F("amount") + 1)
            LegacyItem.objects.filter(id__lte=3).update(price_cents=F("price_cents") * 2)
            Item.objects.update(price=F("price") / 2)
        @rec.step("update_case_when", atomic)
        def _():
            Account.objects.update(include=Case(When(aid__lt=3, then=Value("X")), default=Value("")))
            NewAccount.objects.update(include_bool=Case(When(name__endswith="1", then=Value(True)), default=Value(False)))
        @rec.step("update_subquery", atomic)
        def _():
            names = Person.objects.filter(id=OuterRef("id")).values("name")[:1]
            User.objects.filter(id__in=Person.objects.values("id")).update(full_name=Subquery(names))
        @rec.step("update_filter_subquery", atomic)
        def _():
            User.objects.filter(id__in=Person.objects.filter(mail__isnull=True).values("id")).update(email="none")
            OldInvoice.objects.filter(id__in=Invoice.objects.filter(amount__gt=20).values("id")).update(note="big")
        @rec.step("get_or_create", atomic)
        def _():
            User.objects.get_or_create(id=1, defaults={"full_name": "not used"})
            User.objects.get_or_create(id=50, defaults={"full_name": "Created"})
            OldInvoice.objects.get_or_create(customer="got or created", defaults={"amount": 5})
        @rec.step("update_or_create", atomic)
        def _():
            User.objects.update_or_create(id=2, defaults={"full_name": "Updated or created"})
            NewUser.objects.update_or_create(id=51, defaults={"display_name": "Created new"})
            Item.objects.update_or_create(id=3, defaults={"price": "3.33"})
        @rec.step("select_for_update_save", atomic)
        def _():
            u = User.objects.select_for_update().get(id=4)
            u.full_name = "Locked and saved"
            u.save()
            a = Account.objects.select_for_update().get(aid=3)
            a.include = ""
            a.save(update_fields=["include"])
            inv = OldInvoice.objects.select_for_update().get(id=2)
            inv.amount = 99
            inv.save()
        @rec.step("save_new_objects", atomic)
        def _():
            User(id=60, full_name="Saved", email="s@example.com").save()
            NewUser(id=61, display_name="Saved new").save()
            LegacyItem(id=60, title="saved", price_cents=60).save()
            Item(id=61, title="saved new", price="0.61").save()
        @rec.step("bulk_update", atomic)
        def _():
            users = list(User.objects.filter(id__in=[1, 2, 3]).order_by("id"))
            for i, user in enumerate(users):
                user.full_name = f"Bulk updated {i}"
            User.objects.bulk_update(users, ["full_name"])
            items = list(LegacyItem.objects.filter(id__in=[1, 2]).order_by("id"))
            for item in items:
                item.price_cents += 1
            LegacyItem.objects.bulk_update(items, ["price_cents"])
        @rec.step("integrity_error", atomic)
        def _():
            try:
                with transaction.atomic():
                    User.objects.create(id=1, full_name="duplicate")
            except django.db.IntegrityError:
                pass
            NewUser.objects.filter(id=5).update(display_name="after the savepoint")
        @rec.step("delete", atomic)
        def _():
            User.objects.filter(id=5).delete()
            NewAccount.objects.filter(include_bool=False).delete()
            OldInvoice.objects.filter(amount__lt=20).delete()
            Item.objects.filter(id=4).delete()
            LegacyItem.objects.filter(title="item 5").delete()
        @rec.step("delete_all", atomic)
        def _():
            Invoice.objects.all().delete()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
