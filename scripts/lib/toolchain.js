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

module.exports = { root, which, run, ensurePrograms, cacheDir };
