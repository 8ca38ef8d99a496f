// A node-postgres client for the prepared-statement lifecycle test (prepared_lifecycle_test.cpp):
// ONE pg.Client held for the whole run, every statement a named query ({name, text, values}), so
// pg prepares each once per connection and then only binds it; an old-shaped and a new-shaped
// application on the same connection.
// usage: node pg_prepared.js HOST PORT DBNAME USER FIRST_ID OLD_INSERT OLD_UPDATE OLD_READ
//        OLD_READ_ALL NEW_INSERT NEW_UPDATE NEW_READ NEW_READ_ALL
// Statements use $1 (row id, int) and $2 (value, text); commands on stdin as in
// tests/support/prepared_clients.h ("round", "read ID"), one answer line each on stdout.
'use strict';
const readline = require('readline');
const { Client } = require('pg');

const [host, port, database, user, firstId] = process.argv.slice(2, 7);
const statements = process.argv.slice(7, 15);
const apps = [0, 1].map((a) => {
  const named = (k, kind) => ({ name: `${a ? 'new' : 'old'}_${kind}`, text: statements[a * 4 + k] });
  return { insert: named(0, 'insert'), update: named(1, 'update'), read: named(2, 'read'), readAll: named(3, 'read_all') };
});
const text = (v) => (v === null ? 'NULL' : String(v));

async function main() {
  const client = new Client({ host, port: Number(port), database, user });
  await client.connect();
  let nextId = Number(firstId);
  let rounds = 0;
  const run = (q, values) => client.query({ name: q.name, text: q.text, values, rowMode: 'array' });

  const round = async () => {
    ++rounds;
    await client.query('BEGIN');
    for (const app of apps) {
      const ids = [nextId, nextId + 1];
      nextId += 2;
      for (const id of ids) {
        await run(app.insert, [id, `r${rounds}-${id}`]);
        await run(app.update, [id, `u${rounds}-${id}`]);
      }
      for (const id of ids) {
        const got = (await run(app.read, [id])).rows;
        if (got.length !== 1 || got[0][0] !== `u${rounds}-${id}`) throw new Error(`read of ${id} after writing it: ${JSON.stringify(got)}`);
        if ((await run(app.readAll, [id])).rows.length !== 1) throw new Error(`whole read of ${id} is not one row`);
      }
    }
    await client.query('COMMIT');
    return 'ok';
  };
  const read = async (id) => {
    const values = [];
    for (const app of apps) {
      const got = (await run(app.read, [id])).rows;
      if (got.length !== 1) throw new Error(`read of ${id}: ${got.length} rows`);
      values.push(text(got[0][0]));
    }
    return 'ok ' + values.join(' ');
  };

  process.stdout.write('ready\n');
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    const words = line.trim().split(/\s+/);
    let answer;
    try {
      if (words.length === 1 && words[0] === 'round') answer = await round();
      else if (words.length === 2 && words[0] === 'read') answer = await read(Number(words[1]));
      else answer = `error unknown command ${line}`;
    } catch (e) {
      answer = `error ${e.code || ''} ${String(e.message).replace(/\n/g, ' ')}`;
      try {
        await client.query('ROLLBACK');
      } catch (ignored) {
        // the answer already says what went wrong
      }
    }
    process.stdout.write(answer + '\n');
  }
  await client.end();
}

main().catch((e) => {
  process.stderr.write(`pg_prepared.js: ${e.stack}\n`);
  process.exit(1);
});
