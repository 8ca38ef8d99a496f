#!/usr/bin/env ruby
# frozen_string_literal: true

# ActiveRecord (6.1, ruby-pg) as two versions of an application use the differential test's
# schema: create, insert_all / upsert_all (ON CONFLICT), update_all with expressions and a
# sub-select, update_counters, find_or_create_by, save of a loaded record, lock! in a
# transaction, destroy, delete_all, and nested transactions (savepoints). ActiveRecord prepares
# its statements (the extended protocol); each statement it sends is recorded by a wrapper
# around PG::Connection, printed as the Python programs do (recorder.py).
#
# usage: activerecord_workload.rb CONNINFO [SKIP]
require 'active_record'
require 'json'
require 'pg'

$step = 'setup'
$skip = ARGV[1] || ''

def emit(sql, view)
  puts JSON.generate({ step: $step, sql: sql, view: view })
  $stdout.flush
end

def plain(value)
  value.is_a?(Array) ? value.map { |v| plain(v) } : value
end

# Records what each query method of the connection gave, the outermost call only.
module Recording
  %i[exec async_exec exec_params async_exec_params exec_prepared async_exec_prepared].each do |name|
    define_method(name) do |*args, &block|
      return super(*args, &block) if @recording

      @recording = true
      sql = name.to_s.include?('prepared') ? (@prepared_sql || {})[args[0]] || args[0] : args[0]
      begin
        result = super(*args, &block)
        # The schema's own OIDs differ between the two databases: catalog rows are not compared.
        shown = result.nfields.positive? && sql !~ /\bpg_(class|index|attribute|type|namespace)\b/
        values = plain(result.values)
        # Rows in storage order differ between the databases (recorder.py's in_given_order).
        values = values.sort_by { |r| JSON.generate(r) } unless sql =~ /ORDER BY/i || sql =~ /\A\s*INSERT/i
        rows = shown ? "rows #{JSON.generate(values)}\n" : ''
        emit(sql, "ok #{result.cmd_status} rowcount #{result.cmd_tuples}\n#{rows}")
        result
      rescue PG::Error => e
        r = e.respond_to?(:result) ? e.result : nil
        emit(sql, "error #{r&.error_field(PG::PG_DIAG_SQLSTATE)}: #{r&.error_field(PG::PG_DIAG_MESSAGE_PRIMARY)}\n")
        raise
      ensure
        @recording = false
      end
    end
  end

  %i[prepare async_prepare].each do |name|
    define_method(name) do |stmt_name, sql, *rest|
      (@prepared_sql ||= {})[stmt_name] = sql
      super(stmt_name, sql, *rest)
    end
  end
end
PG::Connection.prepend(Recording)

conninfo = PG::Connection.conninfo_parse(ARGV[0]).to_h { |o| [o[:keyword], o[:val]] }.compact
ActiveRecord::Base.establish_connection(adapter: 'postgresql', host: conninfo['host'], port: conninfo['port'],
                                        database: conninfo['dbname'], username: conninfo['user'],
                                        password: conninfo['password'])

class Person < ActiveRecord::Base; self.table_name = 'people'; end
class User < ActiveRecord::Base; self.table_name = 'users'; self.ignored_columns = %w[display_name]; end
class NewUser < ActiveRecord::Base; self.table_name = 'users'; self.ignored_columns = %w[full_name]; end
class Account < ActiveRecord::Base
  self.table_name = 'accounts'
  self.primary_key = 'aid'
  self.ignored_columns = %w[include_bool id]
end
class NewAccount < ActiveRecord::Base
  self.table_name = 'accounts'
  self.primary_key = 'aid'
  self.ignored_columns = %w[include id]
end
class OldInvoice < ActiveRecord::Base; self.table_name = 'inovices'; end
class Invoice < ActiveRecord::Base; self.table_name = 'invoices'; end
class LegacyItem < ActiveRecord::Base; self.table_name = 'legacy_items'; end
class Item < ActiveRecord::Base; self.table_name = 'items'; end

def step(name)
  return if $skip.include?(",#{name},")

  $step = name
  ActiveRecord::Base.transaction { yield }
rescue StandardError => e
  warn "step #{name}: #{e.class}: #{e.message.lines.first}"
ensure
  $step = 'between steps'
end

ActiveRecord::Base.connection # connect, and load the types, before the first step

step('create') do
  User.create!(id: 10, full_name: 'Ken Thompson', email: 'ken@example.com')
  NewUser.create!(id: 11, display_name: 'Dennis Ritchie')
  Account.create!(include: 'X', name: 'ar')
  NewAccount.create!(include_bool: false, name: 'ar new')
  OldInvoice.create!(customer: 'ar', amount: 7)
  Invoice.create!(id: 1000, customer: 'ar new', amount: 8)
  Item.create!(id: 1000, title: 'ar new', price: 8.5)
end
step('copy_table_serial') do # the old table's key from its sequence
  LegacyItem.create!(title: 'ar', price_cents: 700)
end
step('insert_all') do
  User.insert_all([{ id: 20, full_name: 'AR 0' }, { id: 21, full_name: 'AR 1' }])
  OldInvoice.insert_all([{ customer: 'bulk', amount: 1 }, { customer: 'bulk', amount: 2 }])
  LegacyItem.insert_all!([{ id: 20, title: 'bulk', price_cents: 5 }])
end
step('upsert_all') do
  User.upsert_all([{ id: 1, full_name: 'Upserted', email: nil }, { id: 22, full_name: 'AR 2', email: nil }])
  Item.upsert_all([{ id: 2, title: 'upserted', price: 2.5 }], unique_by: :id)
  Invoice.upsert_all([{ id: 3, customer: 'upserted', amount: 3, note: nil }])
end
step('insert_all_on_conflict_skip') do
  NewUser.insert_all([{ id: 2, display_name: 'skipped' }, { id: 23, display_name: 'AR 3' }])
end
step('update_all') do
  User.where(id: [1, 2]).update_all(full_name: 'Updated')
  NewUser.where(email: nil).update_all(display_name: 'No mail')
  Account.where('aid < ?', 3).update_all(include: '')
  NewAccount.where(aid: 4).update_all(include_bool: true)
  OldInvoice.where(id: 4).update_all(note: 'ar')
end
step('update_all_expressions') do
  User.where.not(full_name: nil).update_all(['full_name = full_name || ?', ' (ar)'])
  OldInvoice.update_all('amount = amount * 2')
  LegacyItem.where(id: 1..3).update_all('price_cents = price_cents + 10')
  Item.update_all(['price = price + ?', 1])
end
step('update_all_subquery') do
  User.where(id: Person.select(:id)).update_all('full_name = (SELECT name FROM people WHERE people.id = users.id)')
end
step('update_counters') do
  LegacyItem.update_counters(2, price_cents: 5)
end
step('find_or_create_by') do
  User.find_or_create_by!(id: 1)
  User.find_or_create_by!(id: 30) { |u| u.full_name = 'Found or created' }
  OldInvoice.find_or_create_by!(customer: 'found or created') { |i| i.amount = 4 }
end
step('load_and_save') do
  u = User.find(4)
  u.full_name = 'Saved'
  u.save!
  a = Account.find(3)
  a.update!(include: '')
  na = NewAccount.find(1)
  na.update!(include_bool: false)
  i = Item.find(1)
  i.update!(price: 0.99)
end
step('lock') do
  u = User.lock.find(2)
  u.update!(email: 'locked@example.com', full_name: 'Locked')
  inv = OldInvoice.lock.find(2)
  inv.update!(amount: 22)
end
step('nested_transactions') do
  User.find(1).update!(full_name: 'Outer')
  begin
    ActiveRecord::Base.transaction(requires_new: true) do
      User.find(2).update!(full_name: 'Inner')
      raise ActiveRecord::Rollback
    end
  end
  ActiveRecord::Base.transaction(requires_new: true) { NewUser.find(3).update!(display_name: 'Inner kept') }
end
step('destroy') do
  User.find(5).destroy!
  OldInvoice.find(5).destroy!
  LegacyItem.find(4).destroy!
end
step('delete_all') do
  NewAccount.where(include_bool: false).delete_all
  Item.where('price > ?', 100).delete_all
end
