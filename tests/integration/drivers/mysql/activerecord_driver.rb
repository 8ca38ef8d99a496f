#!/usr/bin/env ruby
# frozen_string_literal: true

# ActiveRecord 6.1 with its mysql2 adapter (Debian's ruby-activerecord and ruby-mysql2) for
# tests/integration/mariadb_orm_test.cpp, the same line protocol and model as orm_driver.py:
# ONE connection held as a pool holds it (pool: 1, never reaped), the model `orm_people` (id,
# full_name, email, visits), whose full_name a rename_column migration moves to display_name
# while this process runs. ActiveRecord's mysql2 adapter interpolates values into the text (the
# server sees literals, as the corpus's activerecord.sql shows).
#
# usage: activerecord_driver.rb HOST PORT USER PASSWORD DATABASE
#   round N -> "ok THREAD_ID" | "error WHY": create person N, insert_all N+1000 and N+2000, update
#              N's full_name by save of a loaded record and by update_all with an expression
#              (visits + 1), read N back by a where on full_name, destroy N+2000
#   read N  -> "ok FULL_NAME" | "error WHY": person N's full_name as ActiveRecord reads it
require 'active_record'

$stdout.sync = true
host, port, user, password, database = ARGV

ActiveRecord::Base.establish_connection(adapter: 'mysql2', host: host, port: Integer(port), username: user,
                                        password: password, database: database, encoding: 'utf8mb4', pool: 1,
                                        reaping_frequency: nil, idle_timeout: 0, prepared_statements: false)

class Person < ActiveRecord::Base
  self.table_name = 'orm_people'
end

def thread_id
  ActiveRecord::Base.connection.select_value('SELECT CONNECTION_ID()')
end

def round_(n)
  tid = nil
  ActiveRecord::Base.transaction do
    p = Person.create!(id: n, full_name: "p#{n}", email: "p#{n}@x")
    Person.insert_all([{ id: n + 1000, full_name: "b#{n}" }, { id: n + 2000, full_name: "c#{n}" }])
    p.full_name = "saved #{n}"
    p.save!
    Person.where(id: n).update_all(['visits = visits + 1, full_name = ?', "updated #{n}"])
    got = Person.where(full_name: "updated #{n}").pluck(:id)
    return "error read back #{got.inspect}" unless got == [n]

    Person.find(n + 2000).destroy!
    tid = thread_id
  end
  "ok #{tid}"
end

def read(n)
  "ok #{Person.find(n).full_name}"
end

thread_id # connect now
puts 'ready'
$stdin.each_line do |line|
  words = line.split
  answer =
    begin
      case words[0]
      when 'round' then round_(Integer(words[1]))
      when 'read' then read(Integer(words[1]))
      else "error unknown command #{words[0]}"
      end
    rescue StandardError => e # the test shows the ORM's own error
      "error #{e.class}: #{e.message.split.join(' ')}"
    end
  puts answer
end
