'use strict';
// npm run test:asan — builds the addon (and supervisor) with AddressSanitizer
// and UndefinedBehaviorSanitizer into build-asan/ and runs the mocha suite
// against it. Node itself is not instrumented, so libasan is preloaded; leak
// detection is off because Node's own allocations at exit would drown ours.
// Any sanitizer report fails the run: reports go to files in a temporary
// directory (log_path, inherited by every child — the supervisor, fixture
// hosts — whose own abort nobody else checks), and the lane fails when any
// report file exists, whatever mocha's status.

const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { root, run, ensurePrograms } = require('./lib/toolchain');

function main() {
  ensurePrograms([{ program: 'cmake', pkg: 'cmake' }, { program: 'gcc', pkg: 'gcc' }]);
  const buildDir = path.join(root, 'build-asan');
  const headers = require('node-api-headers');
  run('cmake', ['-S', root, '-B', buildDir, '-DCMAKE_BUILD_TYPE=Debug', '-DCMAKE_C_COMPILER=gcc',
    '-DBW_SANITIZE=ON', '-DBW_WERROR=ON', `-DNODE_API_HEADERS_DIR=${headers.include_dir}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  run('cmake', ['--build', buildDir, '--parallel', '2'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const libasan = execFileSync('gcc', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).trim();
  const reports = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-asan-'));
  const env = {
    ...process.env,
    LD_PRELOAD: libasan,
    ASAN_OPTIONS: `detect_leaks=0:halt_on_error=1:abort_on_error=1:detect_odr_violation=0:log_path=${path.join(reports, 'asan')}`,
    UBSAN_OPTIONS: `halt_on_error=1:print_stacktrace=1:log_path=${path.join(reports, 'ubsan')}`,
    BACKEND_WARDEN_NATIVE: path.join(buildDir, 'backend_warden.node'),
  };
  const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
  const r = run(process.execPath, [mocha, ...process.argv.slice(2)], { cwd: root, env, allowFail: true });
  const found = fs.readdirSync(reports);
  for (const name of found) {
    console.error(`test:asan: sanitizer report ${name}:`);
    console.error(fs.readFileSync(path.join(reports, name), 'utf8'));
  }
  fs.rmSync(reports, { recursive: true, force: true });
  if (found.length) {
    console.error(`test:asan: ${found.length} sanitizer report(s) from the run or its children`);
    process.exit(1);
  }
  process.exit(r.status === null ? 1 : r.status);
}

try {
  main();
} catch (err) {
  console.error(`test:asan: ${err.message}`);
  process.exit(1);
}
