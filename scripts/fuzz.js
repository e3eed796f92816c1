'use strict';
// The fuzzing lane: libFuzzer harnesses (fuzz/*.c) over the pure C parsers,
// built with clang -fsanitize=fuzzer,address,undefined and run for a bounded
// time each on the checked-in corpus (fuzz/corpus/<harness>/; new inputs go to
// a scratch copy, so the tree stays clean). A crash, a leak or a failed oracle
// fails the lane and leaves the reproducer in the scratch directory.
//
//   node scripts/fuzz.js [--seconds N] [harness...]     (default 15 s each)
//
// Sources are found by file name anywhere under binding/, so the lane does
// not care which folder a parser lives in.

const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const HARNESSES = {
  proc_stat: ['procfs_linux.c'],
  proc_children: ['procfs_linux.c'],
  addr: ['ports_addr.c', 'ports_addr_posix.c'],
  firewall_ports: ['firewall_match.c'],
  control_line: ['protocol.c'],
  procnet_line: ['procnet_linux.c'],
  sock_diag: ['procnet_linux.c'],
};

function walk(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

function main() {
  const args = process.argv.slice(2);
  const i = args.indexOf('--seconds');
  const seconds = i >= 0 ? Number(args.splice(i, 2)[1]) : 15;
  const names = args.length ? args : Object.keys(HARNESSES);
  const clang = process.env.CLANG || 'clang';
  if (spawnSync(clang, ['--version']).status !== 0) {
    console.error('fuzz: clang not found (apt-get install clang libclang-rt-dev)');
    process.exit(1);
  }
  const files = walk(path.join(root, 'binding'));
  // binding/ is the include root (#include "tree/procfs.h"); every folder too.
  const includes = [path.join(root, 'binding'), ...new Set(files.filter((f) => f.endsWith('.h')).map((f) => path.dirname(f)))];
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-fuzz-'));
  let failed = 0;
  for (const name of names) {
    const srcs = HARNESSES[name].map((base) => {
      const found = files.find((f) => path.basename(f) === base);
      if (!found) throw new Error(`fuzz: ${base} not found under binding/`);
      return found;
    });
    const exe = path.join(scratch, name);
    const t0 = Date.now();
    const cc = spawnSync(clang, [
      '-g', '-O1', '-std=c11', '-D_GNU_SOURCE', '-fsanitize=fuzzer,address,undefined', '-fno-sanitize-recover=undefined',
      ...includes.map((d) => `-I${d}`), path.join(root, 'fuzz', `${name}.c`), ...srcs, '-o', exe,
    ], { stdio: 'inherit' });
    if (cc.status !== 0) {
      console.error(`fuzz: ${name}: build failed`);
      failed++;
      continue;
    }
    const corpus = path.join(scratch, `${name}-corpus`);
    fs.cpSync(path.join(root, 'fuzz', 'corpus', name), corpus, { recursive: true });
    const r = spawnSync(exe, [corpus, `-max_total_time=${seconds}`, '-max_len=8192', '-print_final_stats=0', `-artifact_prefix=${scratch}/${name}-`], {
      cwd: scratch, encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'],
    });
    const tail = (r.stderr || '').trim().split('\n').filter((l) => /DONE|crash|ERROR|SUMMARY|Test unit written/.test(l)).slice(-4).join('\n');
    const ok = r.status === 0;
    console.log(`fuzz: ${name}: ${ok ? 'ok' : 'FAILED'} (${((Date.now() - t0) / 1000).toFixed(1)} s)${tail ? `\n${tail}` : ''}`);
    if (!ok) {
      console.error((r.stderr || '').split('\n').slice(-40).join('\n'));
      failed++;
    }
  }
  if (failed === 0) fs.rmSync(scratch, { recursive: true, force: true });
  else console.error(`fuzz: reproducers in ${scratch}`);
  console.log(`fuzz: ${names.length - failed} passing, ${failed} failing`);
  process.exit(failed ? 1 : 0);
}

main();
