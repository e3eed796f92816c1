'use strict';
// The declarations (index.d.ts, renderer.d.ts, preload.d.ts) are checked
// both ways with tsc --strict:
// - test/types/usage.ts (main process, with Node's types) compiles;
// - every test/types/fail/*.ts fails with exactly the error its
//   `// @error TSnnnn` comment names, on that line (one misuse per file;
//   all of them in one tsc run);
// - test/types/renderer/*.ts compile with NO Node types (types: [], DOM
//   lib) as a package consumer sees them — backend-warden in node_modules —
//   under moduleResolution node10, node16 and bundler;
// - lib/native.d.ts, the typed contract of the binding, against the lib/
//   files that call the binding (each starts with // @ts-check; plain JS, so
//   not --strict, but every call's names, arguments and results are
//   checked); misuse of the binding is among test/types/fail/.

const assert = require('assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { isWindows } = require('./helpers');

const root = path.join(__dirname, '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const typesDir = path.join(__dirname, 'types');

function runTsc(dir, config) {
  const cfg = path.join(dir, 'tsconfig.json');
  fs.writeFileSync(cfg, JSON.stringify(config));
  const r = spawnSync(process.execPath, [tsc, '-p', cfg, '--pretty', 'false'], { encoding: 'utf8', timeout: 180000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

// Compiles `files` with test/types/tsconfig.json (paths map backend-warden to the checkout).
function compile(files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-tsc-'));
  try {
    const config = JSON.parse(fs.readFileSync(path.join(typesDir, 'tsconfig.json'), 'utf8'));
    config.compilerOptions.baseUrl = typesDir;
    config.compilerOptions.typeRoots = [path.join(root, 'node_modules', '@types')];
    config.files = files;
    return runTsc(dir, config);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const LIB_CHECKED = ['index.js', 'ports.js', 'tree/index.js', 'tree/supervisor-posix.js', 'tree/job-win.js', 'firewall/index.js'];

function compileLib() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-tsc-'));
  try {
    return runTsc(dir, {
      compilerOptions: {
        noEmit: true, allowJs: true, checkJs: false, strict: false, target: 'ES2022', module: 'commonjs',
        moduleResolution: 'node', types: ['node'], typeRoots: [path.join(root, 'node_modules', '@types')],
      },
      files: LIB_CHECKED.map((f) => path.join(root, 'lib', f)),
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// tsc's "file(line,col): error TSnnnn: …" lines → [{ file, line, code, text }].
function parseErrors(output) {
  const out = [];
  for (const m of output.matchAll(/^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/gm)) {
    out.push({ file: path.resolve(m[1]), line: Number(m[2]), code: m[3], text: m[4] });
  }
  return out;
}

// A consumer project: node_modules/backend-warden is a link to this checkout.
function consumerProject() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-consumer-'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(root, path.join(dir, 'node_modules', 'backend-warden'), isWindows ? 'junction' : 'dir');
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "consumer", "private": true }\n');
  for (const f of fs.readdirSync(path.join(typesDir, 'renderer'))) {
    fs.copyFileSync(path.join(typesDir, 'renderer', f), path.join(dir, f));
  }
  return dir;
}

// The declarations are the same on every platform; the Windows lane has
// nothing to add and tsc under Wine costs a minute.
(isWindows ? describe.skip : describe)(`type declarations${isWindows ? ' (skipped on Windows: platform-independent, checked on the Linux lane)' : ''}`, function () {
  this.timeout(240000);

  it('typed usage compiles with tsc --strict', function () {
    const r = compile([path.join(typesDir, 'usage.ts')]);
    assert.strictEqual(r.status, 0, r.output);
  });

  it('lib/ calls the native binding as lib/native.d.ts declares it', function () {
    for (const f of LIB_CHECKED) {
      assert.match(fs.readFileSync(path.join(root, 'lib', f), 'utf8'), /^\/\/ @ts-check\n/, `${f} is checked`);
    }
    const r = compileLib();
    assert.strictEqual(r.status, 0, r.output);
  });

  describe('misuse fails to compile, with the expected error on the expected line', function () {
    const failDir = path.join(typesDir, 'fail');
    const files = fs.readdirSync(failDir).filter((f) => f.endsWith('.ts')).sort();
    let errors;

    before(function () {
      const r = compile(files.map((f) => path.join(failDir, f)));
      assert.notStrictEqual(r.status, 0, r.output);
      errors = parseErrors(r.output);
      assert.ok(errors.length > 0, r.output);
    });

    for (const f of files) {
      it(f, function () {
        const file = path.join(failDir, f);
        const lines = fs.readFileSync(file, 'utf8').split('\n');
        const marked = lines.map((text, i) => ({ line: i + 1, m: /\/\/ @error (TS\d+)\s*$/.exec(text) })).filter((x) => x.m);
        assert.strictEqual(marked.length, 1, `${f}: exactly one "// @error TSnnnn" line`);
        const got = errors.filter((e) => e.file === file).map((e) => `${e.line} ${e.code}`);
        assert.deepStrictEqual(got, [`${marked[0].line} ${marked[0].m[1]}`],
          `${f}: ${errors.filter((e) => e.file === file).map((e) => e.text).join('; ')}`);
      });
    }
  });

  describe('renderer and preload code with no Node types, as a package consumer', function () {
    let dir;
    before(function () {
      dir = consumerProject();
    });
    after(function () {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    for (const [resolution, module] of [['node10', 'commonjs'], ['node16', 'node16'], ['bundler', 'esnext']]) {
      it(`backend-warden/renderer and backend-warden/preload resolve and compile under moduleResolution ${resolution}`, function () {
        const r = runTsc(dir, {
          compilerOptions: {
            strict: true, noEmit: true, target: 'ES2022', lib: ['ES2022', 'DOM'],
            module, moduleResolution: resolution, types: [], skipLibCheck: false,
          },
          files: ['renderer.ts', 'preload.ts'],
        });
        assert.strictEqual(r.status, 0, r.output);
      });
    }
  });
});
