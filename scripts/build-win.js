'use strict';
// npm run build:win — cross-compiles the addon for win32-x64 with mingw-w64
// into prebuilds/win32-x64/, from the same CMakeLists.txt and sources as the
// native build, with every helper executable the Windows build produces.
// Node-API is resolved from the host at load time (binding/node/napi_win.c),
// so the binary loads in electron.exe too.

const fs = require('fs');
const path = require('path');
const { root, run, ensurePrograms } = require('./lib/toolchain');

function buildWin({ quiet = false } = {}) {
  ensurePrograms([
    { program: 'x86_64-w64-mingw32-gcc', pkg: 'gcc-mingw-w64-x86-64' },
    { program: 'cmake', pkg: 'cmake' },
  ]);
  const headers = require('node-api-headers');
  const buildDir = path.join(root, 'build-win');
  const stdio = quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit';
  run('cmake', [
    '-S', root, '-B', buildDir,
    `-DCMAKE_TOOLCHAIN_FILE=${path.join(root, 'scripts', 'mingw-w64-x86_64.cmake')}`,
    '-DCMAKE_BUILD_TYPE=Release',
    '-DBW_WERROR=ON',
    `-DNODE_API_HEADERS_DIR=${headers.include_dir}`,
  ], { stdio });
  run('cmake', ['--build', buildDir, '--config', 'Release', '--parallel', '2'], { stdio });
  const outDir = path.join(root, 'prebuilds', 'win32-x64');
  fs.mkdirSync(outDir, { recursive: true });
  const files = fs.readdirSync(buildDir).filter((f) => f.endsWith('.node') || f.endsWith('.exe'));
  if (!files.includes('backend_warden.node')) throw new Error(`no backend_warden.node in ${buildDir}`);
  for (const f of files) fs.copyFileSync(path.join(buildDir, f), path.join(outDir, f));
  if (!quiet) console.log(`[build:win] ${files.map((f) => path.join('prebuilds', 'win32-x64', f)).join(', ')}`);
  return outDir;
}

module.exports = { buildWin };

if (require.main === module) {
  try {
    buildWin();
  } catch (err) {
    console.error(`build:win: ${err.message}`);
    process.exit(1);
  }
}
