'use strict';
// Human output of the command-line tool: sizes, durations, tables and the
// indented process tree. Plain text, no colours (it is pasted into
// support tickets).

function bytes(n) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

function duration(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60000);
  return `${m} min ${Math.round((ms % 60000) / 1000)} s`;
}

// rows: arrays of cells; the first row is the header.
function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => (i === r.length - 1 ? String(c) : String(c).padEnd(widths[i]))).join('  ').trimEnd();
  return rows.map(line).join('\n');
}

// "key: value" lines, aligned.
function fields(pairs) {
  const w = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(w + 1)} ${v}`).join('\n');
}

// members: [{ pid, ppid, name, cpuMs, rssBytes }] with the root first.
function treeTable(members) {
  const byParent = new Map();
  const pids = new Set(members.map((m) => m.pid));
  for (const m of members.slice(1)) {
    const parent = pids.has(m.ppid) ? m.ppid : members[0].pid;
    if (!byParent.has(parent)) byParent.set(parent, []);
    byParent.get(parent).push(m);
  }
  const rows = [['PID', 'CPU', 'MEMORY', 'NAME']];
  const seen = new Set();
  const walk = (m, depth) => {
    if (seen.has(m.pid)) return;
    seen.add(m.pid);
    rows.push([m.pid, duration(m.cpuMs), bytes(m.rssBytes), `${'  '.repeat(depth)}${depth ? '└ ' : ''}${m.name}`]);
    for (const c of byParent.get(m.pid) || []) walk(c, depth + 1);
  };
  walk(members[0], 0);
  return table(rows);
}

module.exports = { bytes, duration, table, fields, treeTable };
