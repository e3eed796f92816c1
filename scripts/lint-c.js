'use strict';
// npm run lint:c — the C sources are clang-format clean (.clang-format) and
// cppcheck clean (warnings, portability, performance), every file below
// binding/ (the include root, as in the build), and the generated
// binding/node/napi_win_fns.h is what scripts/gen-napi-win.js makes of
// node-api-headers today. Installs the tools with apt-get when they are
// missing.

const fs = require('fs');
const path = require('path');
const { root, run, ensurePrograms } = require('./lib/toolchain');

function main() {
  ensurePrograms([{ program: 'clang-format', pkg: 'clang-format' }, { program: 'cppcheck', pkg: 'cppcheck' }]);
  const dir = path.join(root, 'binding');
  // Every .c/.h below binding/, in its concern folders.
  const files = fs.readdirSync(dir, { recursive: true }).filter((f) => /\.[ch]$/.test(f)).sort().map((f) => path.join(dir, f));
  const fix = process.argv.includes('--fix');
  run('clang-format', fix ? ['-i', ...files] : ['--dry-run', '--Werror', ...files]);
  run('cppcheck', ['--quiet', '--error-exitcode=1', '--std=c11', '--enable=warning,portability,performance',
    '--inline-suppr', '--suppress=missingIncludeSystem', `-I${dir}`, '-D__linux__', '-DBW_VERSION="0"', '-DBW_PLATFORM="linux"', '-DNAPI_VERSION=8', `-I${require('node-api-headers').include_dir}`, ...files.filter((f) => f.endsWith('.c'))]);
  run(process.execPath, [path.join(root, 'scripts', 'gen-napi-win.js'), '--check']);
  console.log(`lint:c: ${files.length} files clean, napi_win_fns.h up to date`);
}

try {
  main();
} catch (err) {
  console.error(`lint:c: ${err.message}`);
  process.exit(1);
}
