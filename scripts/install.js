'use strict';
// npm install hook: use a matching prebuilt binary when one loads, otherwise
// build from source with cmake-js (Node-API headers from node-api-headers, so
// nothing is downloaded beyond the npm registry). A failed build says in one
// line what is missing.

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const tag = `${process.platform}-${process.arch}`;
const prebuild = path.join(root, 'prebuilds', tag, 'backend_warden.node');

function prebuildLoads() {
  if (!fs.existsSync(prebuild)) return false;
  try {
    require(prebuild);
    return true;
  } catch (err) {
    console.warn(`backend-warden: prebuilt ${tag} binary does not load here (${err.message.split('\n')[0]}); building from source`);
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

function build() {
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
  const args = [cmakeJs, 'compile', '--log-level', 'warn'];
  // A git checkout is a development tree: warnings are errors there.
  if (fs.existsSync(path.join(root, '.git'))) args.push('--CDBW_WERROR=ON');
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  return r.status === 0;
}

if (process.env.BACKEND_WARDEN_BUILD_FROM_SOURCE !== '1' && prebuildLoads()) process.exit(0);
if (build()) process.exit(0);
const missing = missingTools();
console.error(
  `backend-warden: no prebuilt binary for ${tag} and the source build failed` +
    (missing.length ? `: missing ${missing.join(' and ')}.` : ' (see the compiler output above).'),
);
process.exit(1);
