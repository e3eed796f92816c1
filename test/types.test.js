'use strict';
// index.d.ts is checked both ways: typed usage compiles under --strict, and
// misuse fails to compile.

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

// The declarations are the same on every platform; the Windows lane has
// nothing to add and tsc under Wine costs a minute.
(isWindows ? describe.skip : describe)(`index.d.ts${isWindows ? ' (skipped on Windows: platform-independent, checked on the Linux lane)' : ''}`, function () {
  this.timeout(120000);

  it('typed usage compiles with tsc --strict', function () {
    const r = compile(path.join(typesDir, 'usage.ts'));
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
