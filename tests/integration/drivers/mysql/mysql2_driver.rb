#!/usr/bin/env ruby
# Ruby mysql2 (Debian's ruby-mysql2, over MariaDB Connector/C) for the MySQL driver tests
# (tests/integration/mariadb_drivers_test.cpp). Holds ONE connection (MULTI_STATEMENTS on);
# `execute` steps use Client#prepare and Statement#execute, which prepare server-side.
#
# usage: mysql2_driver.rb HOST PORT USER PASSWORD DATABASE TABLE SCRIPT
# Prints "ready" once connected, then answers commands on stdin (tests/support/mysql_driver_client.h):
#   script -> the transcript of SCRIPT's steps (drivers/mysql/script.txt), then "end"
#   round  -> "ok THREAD_ID" | "error WHY"   a prepared insert, read back, in a transaction
#   begin  -> "ok" | "error WHY"             START TRANSACTION and an insert left open
#   commit -> "ok" | "error WHY"             COMMIT, and the row begin wrote is there
require 'date'
require 'digest'
require 'mysql2'

$stdout.sync = true

def value(v)
  return 'NULL' if v.nil?
  return "x'#{v.unpack1('H*').upcase}'" if v.is_a?(String) && v.encoding == Encoding::BINARY
  s = case v
      when BigDecimal then v.to_s('F')
      when Time, DateTime then v.strftime('%Y-%m-%d %H:%M:%S.%6N')
      else v.to_s
      end
  return "len=#{s.length} md5=#{Digest::MD5.hexdigest(s)}" if s.length > 64
  s.gsub('\\', '\\\\\\\\').gsub("\n", '\\n')
end

def param(p)
  kind, text = p.split(':', 2)
  case kind
  when 'i' then Integer(text)
  when 'f' then Float(text)
  when 's' then text
  when 'x' then [text].pack('H*')
  end
end

def print_result(out, client, result)
  if result.nil?
    out << "ok affected=#{client.affected_rows}"
    return
  end
  out << "columns #{result.fields.join(', ')}"
  rows = result.to_a
  rows.each { |row| out << "row #{row.map { |v| value(v) }.join(' | ')}" }
  out << "rows #{rows.length}"
end

def run_script(client, table, path)
  out = []
  File.foreach(path, encoding: 'UTF-8') do |line|
    line = line.chomp
    next if line.empty? || line.start_with?('#')
    fields = line.split("\t")
    step = fields[0]
    sql = (fields[1] || '').gsub('{table}', table)
    out << "> #{step}#{fields.length > 1 ? ' ' + fields[1] : ''}"
    begin
      case step
      when 'connection'
        id = client.query('SELECT CONNECTION_ID()', as: :array).first.first
        out << "thread #{id} greeting=#{client.thread_id == id ? 'same' : 'differs'}"
      when 'query'
        print_result(out, client, client.query(sql, as: :array))
      when 'execute'
        statement = client.prepare(sql)
        begin
          result = statement.execute(*fields[2..].map { |p| param(p) }, as: :array)
          if result.nil?
            out << "ok affected=#{statement.affected_rows}"
          else
            print_result(out, client, result)
          end
        ensure
          statement.close
        end
      when 'multi'
        print_result(out, client, client.query(sql, as: :array))
        print_result(out, client, client.store_result) while client.next_result
      end
    rescue Mysql2::Error => e
      out << "error #{e.error_number} #{e.sql_state}: #{e.message}"
    end
  end
  out << 'end'
  puts out
end

# The pool-like session's steps.
class Rounds
  def initialize(client, table)
    @client = client
    @table = table = "#{table}_pool"
    @n = 0
    @client.query("DROP TABLE IF EXISTS #{table}")
    @client.query("CREATE TABLE #{table} (id INT PRIMARY KEY, v VARCHAR(40))")
    @insert = @client.prepare("INSERT INTO #{table} (id, v) VALUES (?, ?)")
    @read = @client.prepare("SELECT v FROM #{table} WHERE id = ?")
  end

  def round
    @n += 1
    want = "round #{@n} 😀"
    @client.query('START TRANSACTION')
    @insert.execute(@n, want)
    rows = @read.execute(@n, as: :array).to_a
    @client.query('COMMIT')
    return "error read back #{rows.inspect}" unless rows == [[want]]
    "ok #{@client.query('SELECT CONNECTION_ID()', as: :array).first.first}"
  end

  def begin
    @client.query('START TRANSACTION')
    @open_id = -1 - @n
    @insert.execute(@open_id, 'open')
    'ok'
  end

  def commit
    @client.query('COMMIT')
    rows = @read.execute(@open_id, as: :array).to_a
    rows == [['open']] ? 'ok' : 'error the committed row is missing'
  end
end

host, port, user, password, database, table, script = ARGV
client = Mysql2::Client.new(host: host, port: Integer(port), username: user, password: password, database: database,
                            encoding: 'utf8mb4', flags: Mysql2::Client::MULTI_STATEMENTS)
rounds = nil
puts 'ready'
$stdin.each_line do |line|
  command = line.strip
  if command == 'script'
    run_script(client, table, script)
    next
  end
  answer = begin
    rounds ||= Rounds.new(client, table)
    raise "unknown command #{command}" unless %w[round begin commit].include?(command)
    rounds.public_send(command)
  rescue StandardError => e
    "error #{e.message.tr("\n", ' ')}"
  end
  puts answer
end
client.close
