'use strict';
// npm run prebuilds [-- <platform-arch>...] — the binaries a published
// package ships, one folder per platform-arch under prebuilds/ (Node-API is
// ABI-stable: one binary serves every Node.js and Electron with Node-API 8):
//   linux-x64, linux-arm64    zig cc, glibc 2.17 floor   addon + supervisor
//   darwin-x64, darwin-arm64  zig cc, macOS 11           addon + supervisor
//   win32-x64                 mingw-w64 (Debian)         addon + helper .exe files
//   win32-arm64               zig cc, mingw-w64 libc     addon + helper .exe files
// Every toolchain is fetched by the scripts themselves (npm registry, Debian
// packages), pinned and cached; none is a dependency. Cross builds need a
// linux-x64 machine; elsewhere this builds the host's folder only, with the
// local compiler. (Not "prebuild": npm would run that before "build".)

const fs = require('fs');
const path = require('path');
const { root, run } = require('./lib/toolchain');
const { buildCross, copyOutputs, TARGETS } = require('./build-cross');

const ALL = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64', 'win32-arm64'];

function buildHost() {
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
  run(process.execPath, [cmakeJs, 'rebuild', '--log-level', 'warn', '--CDBW_WERROR=ON'], { cwd: root });
  return copyOutputs(path.join(root, 'build'), `${process.platform}-${process.arch}`);
}

function build(tag) {
  if (tag === 'win32-x64') {
    const { buildWin } = require('./build-win');
    const dir = buildWin({ quiet: true });
    return fs.readdirSync(dir).map((f) => path.join(dir, f));
  }
  if (TARGETS[tag]) return buildCross(tag);
  throw new Error(`unknown target ${tag}; known: ${ALL.join(', ')}`);
}

function main(args) {
  const crossHost = process.platform === 'linux' && process.arch === 'x64';
  if (!crossHost) {
    if (args.length) throw new Error(`cross builds run on linux-x64 only; this is ${process.platform}-${process.arch}`);
    console.log(`[prebuilds] ${process.platform}-${process.arch} only (cross builds run on linux-x64)`);
    return report(buildHost());
  }
  const built = [];
  for (const tag of args.length ? args : ALL) {
    const t0 = Date.now();
    const files = build(tag);
    console.log(`[prebuilds] ${tag} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    built.push(...files);
  }
  report(built);
}

function report(files) {
  for (const f of files) console.log(`[prebuilds] ${path.relative(root, f)} (${fs.statSync(f).size} bytes)`);
}

module.exports = { ALL };

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    console.error(`prebuilds: ${err.message}`);
    process.exit(1);
  }
}
