-- The differential test's schema (differential_test.cpp), created alike in database A (written
-- through switchyard) and database B (written directly, where reference_triggers.sql keeps the
-- shapes). Both shapes of every migration exist from the start, as after an expand step.
CREATE TABLE people (id int PRIMARY KEY, name text, mail text);
-- rename_column full_name -> display_name.
CREATE TABLE users (id int PRIMARY KEY, full_name text, email text, display_name text);
-- change_column include ('X' or '') -> include_bool, and add_column id from aid.
CREATE TABLE accounts (aid serial PRIMARY KEY, include char(1), name text DEFAULT 'unnamed',
                       include_bool boolean, id int);
-- rename_table inovices -> invoices.
CREATE TABLE inovices (id serial PRIMARY KEY, customer text NOT NULL, amount numeric(12,2) CHECK (amount >= 0),
                       note text);
CREATE TABLE invoices (id serial PRIMARY KEY, customer text NOT NULL, amount numeric(12,2) CHECK (amount >= 0),
                       note text);
-- copy_table legacy_items -> items, price_cents (int) becoming price (numeric).
CREATE TABLE legacy_items (id serial PRIMARY KEY, title text NOT NULL, price_cents int NOT NULL DEFAULT 0);
CREATE TABLE items (id int PRIMARY KEY, title text NOT NULL, price numeric(10,2));
