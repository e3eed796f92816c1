'use strict';
// npm install hook: use the prebuilt binary for this platform when it loads
// (and, on Linux and macOS, its supervisor is there); otherwise build from
// source with the local CMake and C compiler through cmake-js — the checkout's
// own (a devDependency) or, in an installed package, the pinned one fetched
// by npm exec. Nothing here is a runtime dependency. Every failure ends in one
// line saying what is missing. Set BACKEND_WARDEN_BUILD_FROM_SOURCE=1 to skip
// the prebuild.

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const tag = `${process.platform}-${process.arch}`;
const prebuilt = path.join(root, 'prebuilds', tag);
const CMAKE_JS = 'cmake-js@8.0.0';

function prebuildLoads() {
  const addon = path.join(prebuilt, 'backend_warden.node');
  if (!fs.existsSync(addon)) {
    console.warn(`backend-warden: no prebuilt binary for ${tag}; building from source`);
    return false;
  }
  if (process.platform !== 'win32' && !fs.existsSync(path.join(prebuilt, 'backend_warden_supervisor'))) {
    console.warn(`backend-warden: prebuilt ${tag} supervisor missing; building from source`);
    return false;
  }
  try {
    require(addon);
    return true;
  } catch (err) {
    console.warn(`backend-warden: prebuilt ${tag} binary does not load here (${String(err.message).split('\n')[0]}); building from source`);
    return false;
  }
}

function onPath(cmd) {
  const exts = process.platform === 'win32' ? ['.exe', '.cmd', '.bat', ''] : [''];
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    for (const ext of exts) {
      if (dir && fs.existsSync(path.join(dir, cmd + ext))) return true;
    }
  }
  return false;
}

function missingTools() {
  const missing = [];
  if (!onPath('cmake')) missing.push('CMake (https://cmake.org, or your package manager: cmake)');
  if (process.platform !== 'win32' && !['cc', 'gcc', 'clang'].some(onPath)) {
    missing.push('a C compiler (gcc or clang; Debian/Ubuntu: build-essential; macOS: xcode-select --install)');
  }
  return missing;
}

// cmake-js: the checkout's devDependency, else npm exec of the pinned
// version (npm_execpath is set when npm runs this script).
function cmakeJs() {
  try {
    return { cmd: process.execPath, args: [require.resolve('cmake-js/bin/cmake-js')] };
  } catch {
    const npmCli = process.env.npm_execpath;
    if (npmCli && /\.js$/.test(npmCli)) return { cmd: process.execPath, args: [npmCli, 'exec', '--yes', `--package=${CMAKE_JS}`, '--', 'cmake-js'] };
    return { cmd: process.platform === 'win32' ? 'npx.cmd' : 'npx', args: ['--yes', `--package=${CMAKE_JS}`, '--', 'cmake-js'] };
  }
}

function build() {
  const { cmd, args } = cmakeJs();
  args.push('compile', '--log-level', 'warn');
  // A git checkout is a development tree: warnings are errors there.
  if (fs.existsSync(path.join(root, '.git'))) args.push('--CDBW_WERROR=ON');
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: false });
  if (r.error) return `could not run cmake-js (${r.error.message})`;
  return r.status === 0 ? null : 'see the compiler output above';
}

function main() {
  if (process.env.BACKEND_WARDEN_BUILD_FROM_SOURCE !== '1' && prebuildLoads()) return 0;
  const missing = missingTools();
  const failure = missing.length ? `missing ${missing.join(' and ')}` : build();
  if (!failure) return 0;
  console.error(`backend-warden: no prebuilt binary for ${tag} and the source build failed: ${failure}.`);
  return 1;
}

process.exitCode = main();
