-- The reference dual write of the differential test: what a trigger-based tool (pgroll, gh-ost
-- style) installs in database B so that every write, whatever sends it, keeps both shapes. The
-- expressions are the migrations' up and down (differential_test.cpp). A trigger cannot see which
-- columns a statement named, so it reads the shape of a write from the values: an INSERT that
-- leaves the new column NULL wrote the old shape, an UPDATE that changes one side only wrote
-- that side.

CREATE FUNCTION users_dual_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.display_name IS NULL THEN NEW.display_name := NEW.full_name;
    ELSIF NEW.full_name IS NULL THEN NEW.full_name := NEW.display_name;
    END IF;
  ELSIF NEW.full_name IS DISTINCT FROM OLD.full_name AND NEW.display_name IS NOT DISTINCT FROM OLD.display_name THEN
    NEW.display_name := NEW.full_name;
  ELSIF NEW.display_name IS DISTINCT FROM OLD.display_name AND NEW.full_name IS NOT DISTINCT FROM OLD.full_name THEN
    NEW.full_name := NEW.display_name;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER users_dual_write BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_dual_write();

CREATE FUNCTION accounts_dual_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.include_bool IS NULL THEN NEW.include_bool := CASE WHEN NEW.include = 'X' THEN true ELSE false END;
    ELSIF NEW.include IS NULL THEN NEW.include := CASE WHEN NEW.include_bool THEN 'X' ELSE '' END;
    END IF;
    IF NEW.id IS NULL THEN NEW.id := NEW.aid; END IF;
  ELSE
    IF NEW.include IS DISTINCT FROM OLD.include AND NEW.include_bool IS NOT DISTINCT FROM OLD.include_bool THEN
      NEW.include_bool := CASE WHEN NEW.include = 'X' THEN true ELSE false END;
    ELSIF NEW.include_bool IS DISTINCT FROM OLD.include_bool AND NEW.include IS NOT DISTINCT FROM OLD.include THEN
      NEW.include := CASE WHEN NEW.include_bool THEN 'X' ELSE '' END;
    END IF;
    IF NEW.aid IS DISTINCT FROM OLD.aid AND NEW.id IS NOT DISTINCT FROM OLD.id THEN NEW.id := NEW.aid; END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER accounts_dual_write BEFORE INSERT OR UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION accounts_dual_write();

-- Two tables: each row written to one is upserted into (or deleted from) the other by key. The
-- depth guard stops the other table's trigger from writing back.
-- rename_table: the same columns, so the row itself goes across (TG_ARGV[0] is the other table).
CREATE FUNCTION same_row_to_other_table() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF pg_trigger_depth() > 1 THEN RETURN NULL; END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    EXECUTE format('DELETE FROM %I WHERE id = $1', TG_ARGV[0]) USING OLD.id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    EXECUTE format('DELETE FROM %I WHERE id = $1', TG_ARGV[0]) USING NEW.id;
    EXECUTE format('INSERT INTO %I SELECT ($1).*', TG_ARGV[0]) USING NEW;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER inovices_to_invoices AFTER INSERT OR UPDATE OR DELETE ON inovices
  FOR EACH ROW EXECUTE FUNCTION same_row_to_other_table('invoices');
CREATE TRIGGER invoices_to_inovices AFTER INSERT OR UPDATE OR DELETE ON invoices
  FOR EACH ROW EXECUTE FUNCTION same_row_to_other_table('inovices');

-- copy_table: the mapped columns (the migration's columns: and down:).
CREATE FUNCTION legacy_items_to_items() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF pg_trigger_depth() > 1 THEN RETURN NULL; END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') AND (TG_OP = 'DELETE' OR OLD.id <> NEW.id) THEN
    DELETE FROM items WHERE id = OLD.id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO items (id, title, price) VALUES (NEW.id, NEW.title, NEW.price_cents / 100.0)
      ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, price = EXCLUDED.price;
  END IF;
  RETURN NULL;
END $$;
CREATE FUNCTION items_to_legacy_items() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF pg_trigger_depth() > 1 THEN RETURN NULL; END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') AND (TG_OP = 'DELETE' OR OLD.id <> NEW.id) THEN
    DELETE FROM legacy_items WHERE id = OLD.id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO legacy_items (id, title, price_cents) VALUES (NEW.id, NEW.title, (NEW.price * 100)::int)
      ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, price_cents = EXCLUDED.price_cents;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER legacy_items_to_items AFTER INSERT OR UPDATE OR DELETE ON legacy_items
  FOR EACH ROW EXECUTE FUNCTION legacy_items_to_items();
CREATE TRIGGER items_to_legacy_items AFTER INSERT OR UPDATE OR DELETE ON items
  FOR EACH ROW EXECUTE FUNCTION items_to_legacy_items();

-- TRUNCATE of either table empties the other, as the statement-level event it is (by DELETE: a
-- TRUNCATE trigger cannot truncate a table the same statement lists).
CREATE FUNCTION truncate_other() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF pg_trigger_depth() > 1 THEN RETURN NULL; END IF;
  EXECUTE format('DELETE FROM %I', TG_ARGV[0]);
  RETURN NULL;
END $$;
CREATE TRIGGER inovices_truncate AFTER TRUNCATE ON inovices FOR EACH STATEMENT EXECUTE FUNCTION truncate_other('invoices');
CREATE TRIGGER invoices_truncate AFTER TRUNCATE ON invoices FOR EACH STATEMENT EXECUTE FUNCTION truncate_other('inovices');
CREATE TRIGGER legacy_items_truncate AFTER TRUNCATE ON legacy_items FOR EACH STATEMENT
  EXECUTE FUNCTION truncate_other('items');
CREATE TRIGGER items_truncate AFTER TRUNCATE ON items FOR EACH STATEMENT EXECUTE FUNCTION truncate_other('legacy_items');
