// Node mysql2 (pinned in package.json) for the MySQL driver tests
// (tests/integration/mariadb_drivers_test.cpp). Holds ONE connection (multipleStatements on);
// `execute` steps use connection.execute, which prepares server-side (COM_STMT_PREPARE and the
// binary protocol) and caches the statement, as mysql2 does for applications.
//
// usage: node mysql2_driver.js HOST PORT USER PASSWORD DATABASE TABLE SCRIPT
// Prints "ready" once connected, then answers commands on stdin (tests/support/mysql_driver_client.h):
//   script -> the transcript of SCRIPT's steps (drivers/mysql/script.txt), then "end"
//   round  -> "ok THREAD_ID" | "error WHY"   a prepared insert, read back, in a transaction
//   begin  -> "ok" | "error WHY"             START TRANSACTION and an insert left open
//   commit -> "ok" | "error WHY"             COMMIT, and the row begin wrote is there
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const readline = require('readline');
const mysql = require('mysql2/promise');

function value(v) {
  if (v === null || v === undefined) return 'NULL';
  if (Buffer.isBuffer(v)) return "x'" + v.toString('hex').toUpperCase() + "'";
  if (v instanceof Date) return v.toISOString();
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  if ([...s].length > 64) return 'len=' + [...s].length + ' md5=' + crypto.createHash('md5').update(s).digest('hex');
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function param(p) {
  const at = p.indexOf(':');
  const kind = at < 0 ? p : p.slice(0, at), text = at < 0 ? '' : p.slice(at + 1);
  switch (kind) {
    case 'i': return BigInt(text) >= -(2n ** 53n) && BigInt(text) <= 2n ** 53n ? Number(text) : text;
    case 'f': return Number(text);
    case 's': return text;
    case 'x': return Buffer.from(text, 'hex');
    default: return null;
  }
}

function printResult(out, rows, fields) {
  if (!Array.isArray(rows)) {
    out.push('ok affected=' + rows.affectedRows);
    return;
  }
  out.push('columns ' + fields.map((f) => f.name).join(', '));
  for (const row of rows) out.push('row ' + row.map(value).join(' | '));
  out.push('rows ' + rows.length);
}

async function runScript(conn, table, path) {
  const out = [];
  for (const line of fs.readFileSync(path, 'utf8').split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split('\t');
    const step = fields[0], sql = (fields[1] || '').replaceAll('{table}', table);
    out.push('> ' + step + (fields.length > 1 ? ' ' + fields[1] : ''));
    try {
      if (step === 'connection') {
        const [rows] = await conn.query({ sql: 'SELECT CONNECTION_ID()', rowsAsArray: true });
        const id = Number(rows[0][0]);
        out.push('thread ' + id + ' greeting=' + (conn.connection.threadId === id ? 'same' : 'differs'));
      } else if (step === 'query') {
        const [rows, cols] = await conn.query({ sql, rowsAsArray: true });
        printResult(out, rows, cols);
      } else if (step === 'execute') {
        const [rows, cols] = await conn.execute({ sql, rowsAsArray: true }, fields.slice(2).map(param));
        printResult(out, rows, cols);
      } else if (step === 'multi') {
        // mysql2 reports the results before an error only with the error; none are printed then.
        const [results, cols] = await conn.query({ sql, rowsAsArray: true });
        results.forEach((r, i) => printResult(out, r, cols[i]));
      }
    } catch (e) {
      if (!e.errno) throw e;
      out.push('error ' + e.errno + ' ' + e.sqlState + ': ' + e.sqlMessage);
    }
  }
  out.push('end');
  process.stdout.write(out.join('\n') + '\n');
}

class Rounds {
  constructor(conn, table) {
    this.conn = conn;
    this.table = table + '_pool';
    this.n = 0;
  }
  async prepare() {
    await this.conn.query(`DROP TABLE IF EXISTS ${this.table}`);
    await this.conn.query(`CREATE TABLE ${this.table} (id INT PRIMARY KEY, v VARCHAR(40))`);
  }
  async round() {
    const n = ++this.n, want = `round ${n} 😀`;
    await this.conn.query('START TRANSACTION');
    await this.conn.execute(`INSERT INTO ${this.table} (id, v) VALUES (?, ?)`, [n, want]);
    const [rows] = await this.conn.execute(`SELECT v FROM ${this.table} WHERE id = ?`, [n]);
    await this.conn.query('COMMIT');
    if (rows.length !== 1 || rows[0].v !== want) return 'error read back ' + JSON.stringify(rows);
    const [[id]] = await this.conn.query({ sql: 'SELECT CONNECTION_ID()', rowsAsArray: true });
    return 'ok ' + id[0];
  }
  async begin() {
    await this.conn.query('START TRANSACTION');
    this.openId = -1 - this.n;
    await this.conn.execute(`INSERT INTO ${this.table} (id, v) VALUES (?, 'open')`, [this.openId]);
    return 'ok';
  }
  async commit() {
    await this.conn.query('COMMIT');
    const [rows] = await this.conn.execute(`SELECT COUNT(*) AS c FROM ${this.table} WHERE id = ?`, [this.openId]);
    return Number(rows[0].c) === 1 ? 'ok' : 'error the committed row is missing';
  }
}

async function main() {
  const [host, port, user, password, database, table, script] = process.argv.slice(2);
  const conn = await mysql.createConnection({
    host, port: Number(port), user, password, database, multipleStatements: true, charset: 'utf8mb4_general_ci',
    supportBigNumbers: true, bigNumberStrings: true, dateStrings: true,
  });
  let rounds = null;
  console.log('ready');
  const lines = readline.createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    const command = line.trim();
    if (command === 'script') {
      await runScript(conn, table, script);
      continue;
    }
    let answer;
    try {
      if (!rounds) {
        rounds = new Rounds(conn, table);
        await rounds.prepare();
      }
      if (!['round', 'begin', 'commit'].includes(command)) throw new Error('unknown command ' + command);
      answer = await rounds[command]();
    } catch (e) {
      answer = 'error ' + String(e.message).replace(/\n/g, ' ');
    }
    console.log(answer);
  }
  await conn.end();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
