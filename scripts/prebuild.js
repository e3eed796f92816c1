'use strict';
// npm run prebuild — the binaries a published package ships:
// prebuilds/<platform>-<arch>/ for this machine (the addon and, on Linux and
// macOS, the supervisor executable), and on Linux also prebuilds/win32-x64/
// cross-compiled with mingw-w64. Node-API is ABI-stable: one binary per
// platform-arch serves every Node.js and Electron with Node-API 8.

const fs = require('fs');
const path = require('path');
const { root, run } = require('./lib/toolchain');
const { buildWin } = require('./build-win');

function buildNative() {
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
  run(process.execPath, [cmakeJs, 'rebuild', '--log-level', 'warn', '--CDBW_WERROR=ON'], { cwd: root });
  const from = path.join(root, 'build', 'Release');
  const to = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
  fs.rmSync(to, { recursive: true, force: true });
  fs.mkdirSync(to, { recursive: true });
  const files = ['backend_warden.node', 'backend_warden_supervisor'].filter((f) => fs.existsSync(path.join(from, f)));
  for (const f of files) fs.copyFileSync(path.join(from, f), path.join(to, f));
  for (const f of files) fs.chmodSync(path.join(to, f), 0o755);
  return files.map((f) => path.join(to, f));
}

function main() {
  const built = buildNative();
  if (process.platform === 'linux' && process.arch === 'x64') {
    const winDir = buildWin({ quiet: true });
    built.push(...fs.readdirSync(winDir).map((f) => path.join(winDir, f)));
  }
  for (const f of built) console.log(`[prebuild] ${path.relative(root, f)} (${fs.statSync(f).size} bytes)`);
}

try {
  main();
} catch (err) {
  console.error(`prebuild: ${err.message}`);
  process.exit(1);
}
