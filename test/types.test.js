'use strict';
// index.d.ts is checked both ways: typed usage compiles under --strict, and
// misuse fails to compile; lib/native.d.ts is checked against lib/'s calls
// into the binding, and misuse of the binding fails to compile.

const assert = require('assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { isWindows } = require('./helpers');

const tsc = path.join(__dirname, '..', 'node_modules', 'typescript', 'bin', 'tsc');
const typesDir = path.join(__dirname, 'types');

function compile(file) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-tsc-'));
  try {
    const config = JSON.parse(fs.readFileSync(path.join(typesDir, 'tsconfig.json'), 'utf8'));
    config.compilerOptions.baseUrl = typesDir;
    config.compilerOptions.typeRoots = [path.join(__dirname, '..', 'node_modules', '@types')];
    config.files = [file];
    const cfg = path.join(dir, 'tsconfig.json');
    fs.writeFileSync(cfg, JSON.stringify(config));
    const r = spawnSync(process.execPath, [tsc, '-p', cfg], { encoding: 'utf8' });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// lib/native.d.ts, the typed contract of the binding, against the lib/ files
// that call the binding (each starts with // @ts-check): plain JS, so not
// --strict, but every call's names, arguments and results are checked.
const LIB_CHECKED = ['index.js', 'ports.js', 'tree/index.js', 'tree/supervisor-posix.js', 'tree/job-win.js', 'firewall/index.js'];

function compileLib() {
  const lib = path.join(__dirname, '..', 'lib');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-tsc-'));
  try {
    const cfg = path.join(dir, 'tsconfig.json');
    fs.writeFileSync(cfg, JSON.stringify({
      compilerOptions: {
        noEmit: true, allowJs: true, checkJs: false, strict: false, target: 'ES2022', module: 'commonjs',
        moduleResolution: 'node', types: ['node'], typeRoots: [path.join(__dirname, '..', 'node_modules', '@types')],
      },
      files: LIB_CHECKED.map((f) => path.join(lib, f)),
    }));
    const r = spawnSync(process.execPath, [tsc, '-p', cfg], { encoding: 'utf8' });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// The declarations are the same on every platform; the Windows lane has
// nothing to add and tsc under Wine costs a minute.
(isWindows ? describe.skip : describe)(`index.d.ts and lib/native.d.ts${isWindows ? ' (skipped on Windows: platform-independent, checked on the Linux lane)' : ''}`, function () {
  this.timeout(120000);

  it('typed usage compiles with tsc --strict', function () {
    const r = compile(path.join(typesDir, 'usage.ts'));
    assert.strictEqual(r.status, 0, r.output);
  });

  it('lib/ calls the native binding as lib/native.d.ts declares it', function () {
    for (const f of LIB_CHECKED) {
      assert.match(fs.readFileSync(path.join(__dirname, '..', 'lib', f), 'utf8'), /^\/\/ @ts-check\n/, `${f} is checked`);
    }
    const r = compileLib();
    assert.strictEqual(r.status, 0, r.output);
  });

  for (const file of fs.readdirSync(path.join(typesDir, 'fail')).filter((f) => f.endsWith('.ts'))) {
    it(`misuse fails to compile: ${file}`, function () {
      const r = compile(path.join(typesDir, 'fail', file));
      assert.notStrictEqual(r.status, 0, 'expected a type error');
      assert.match(r.output, /error TS\d+/);
    });
  }
});
