'use strict';
// Small shared helpers for the benchmarks: timing, medians, table printing.

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function nowMs() {
  return Number(process.hrtime.bigint()) / 1e6;
}

function fmt(n) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return String(n);
  if (n !== 0 && Math.abs(n) < 0.01) return n.toPrecision(2);
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

function printTable(rows) {
  const header = ['work', 'ours', 'anchor', 'ratio', 'target', 'pass'];
  const lines = rows.map((r) => [
    r.work,
    `${fmt(r.ours)} ${r.unit}`,
    r.anchor === null ? '-' : `${fmt(r.anchor)} ${r.unit} (${r.anchorName})`,
    r.ratio === null ? '-' : `${fmt(r.ratio)}x`,
    r.target,
    r.pass === null ? '-' : r.pass ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const row = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
  console.log(row(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(row(l));
}

// A bench file run as a script: run({ quick }) then print its table (or
// hand the rows to `print`); exit 1 on failure.
function runAsScript(run, print = printTable) {
  run({ quick: process.argv.includes('--quick') }).then(print, (err) => {
    console.error(err);
    process.exit(1);
  });
}

module.exports = { median, nowMs, fmt, printTable, runAsScript };
