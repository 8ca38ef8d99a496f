"""A psycopg 3 login over TLS for tls_scram_test.cpp: connects with sslmode=require (libpq's
default channel_binding=prefer) and a password, and prints the answer of one query (its first
column of its first row).

usage: psycopg_tls.py HOST PORT DBNAME USER PASSWORD SQL
"""
import sys

import psycopg

host, port, dbname, user, password, sql = sys.argv[1:7]
with psycopg.connect(host=host, port=port, dbname=dbname, user=user, password=password, sslmode="require",
                     connect_timeout=15) as conn:
    print(conn.execute(sql).fetchone()[0])
