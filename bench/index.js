'use strict';
// npm run bench: every benchmark of the project side by side with its
// anchors in one run; prints one table and writes bench/results.json.
// Each bench/<name>.js exports run({ quick }) → rows of
// { work, ours, anchor, anchorName, ratio, unit, target, pass }.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { printTable } = require('./util');

async function main() {
  const quick = process.argv.includes('--quick');
  const files = fs.readdirSync(__dirname)
    .filter((f) => f.endsWith('.js') && !['index.js', 'util.js'].includes(f))
    .sort();
  const rows = [];
  for (const f of files) {
    const mod = require(path.join(__dirname, f));
    if (typeof mod.run !== 'function') continue;
    for (const row of await mod.run({ quick })) rows.push({ bench: f.replace(/\.js$/, ''), ...row });
  }
  const machine = `${os.cpus().length} x ${os.cpus()[0].model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
  console.log(`backend-warden benchmarks — ${machine}\n`);
  printTable(rows);
  fs.writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify({ date: new Date().toISOString(), machine, quick, rows }, null, 2)}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
