'use strict';
// Every fenced snippet of README.md is extracted and checked, chosen by the
// fence's info string, so that none can rot:
//   ```js main     run as an Electron main process against stand-ins for
//                  Electron's objects (test/fake-electron*.js) and the real
//                  library, then type-checked (checkJs, --strict) against
//                  Electron's own declarations (node_modules/electron);
//   ```js preload  run as a bundled preload (require('electron') and
//                  'backend-warden/preload' only): window.backend must appear;
//   ```ts renderer type-checked with no Node types (DOM only, the package as
//                  a consumer sees it), then run against a real backend
//                  through the real IPC handlers and preload bridge;
//   ```js / ```ts  type-checked as main-process code (Node + Electron types);
//   ```json        parsed; asarUnpack globs must name the folders the
//                  native loader searches;
//   ```sh          every command must be one this repository can vouch for
//                  (npm install of this package, cd into a folder that
//                  exists, npm run of a script that exists, npx electron .
//                  in an app that depends on electron).
// Any other fence fails the test: add a checker here.

const assert = require('assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const Module = require('module');
const os = require('os');
const path = require('path');
const vm = require('vm');

const { Backend } = require('../lib/backend');
const { registerIpcHandlers } = require('../lib/electron/ipc');
const { createBackendApi } = require('../lib/electron/preload');
const { FakeWebContents, FakeContextBridge, FakeIpcRenderer, hookModules } = require('./fake-electron');
const { SyncIpcMain, ElectronApp, ElectronWindow, ElectronSession } = require('./fake-electron-app');
const { fixture, isWindows, waitFor } = require('./helpers');

const ROOT = path.join(__dirname, '..');
const README = path.join(ROOT, 'README.md');
const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const electronTypes = path.join(ROOT, 'node_modules', 'electron', 'electron.d.ts');
const hasElectronTypes = fs.existsSync(electronTypes);

function snippets() {
  const text = fs.readFileSync(README, 'utf8');
  const out = [];
  const re = /^```([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm;
  let m;
  while ((m = re.exec(text))) {
    const [lang = '', role = ''] = m[1].trim().split(/\s+/);
    out.push({ lang, role, code: m[2], line: text.slice(0, m.index).split('\n').length });
  }
  return out;
}

function kindOf(s) {
  return s.role ? `${s.lang} ${s.role}` : s.lang;
}

const ALL = snippets();
const byKind = (kind) => ALL.filter((s) => kindOf(s) === kind);
const KNOWN = ['js main', 'js preload', 'ts renderer', 'js', 'ts', 'json', 'sh'];

function runTsc(dir, config) {
  const cfg = path.join(dir, 'tsconfig.json');
  fs.writeFileSync(cfg, JSON.stringify(config));
  const r = spawnSync(process.execPath, [tsc, '-p', cfg, '--pretty', 'false'], { encoding: 'utf8', timeout: 180000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

function withModules(electron, fn) {
  const restore = hookModules(electron);
  try {
    return fn();
  } finally {
    restore();
  }
}

// The parts of the 'electron' module a main process uses.
function fakeElectron(dir) {
  const app = new ElectronApp({ appPath: dir });
  let ready;
  const readyPromise = new Promise((r) => { ready = r; });
  app.whenReady = () => readyPromise;
  app.getPath = (name) => path.join(dir, name);
  const windows = [];
  class BrowserWindow extends ElectronWindow {
    constructor(options = {}) {
      super(app);
      this.options = options;
      this.webContents = new FakeWebContents('about:blank');
      windows.push(this);
    }

    loadFile(file) {
      this.webContents.url = require('url').pathToFileURL(path.resolve(dir, file)).href;
      return Promise.resolve();
    }

    loadURL(url) {
      this.webContents.url = url;
      return Promise.resolve();
    }

    isDestroyed() {
      return false;
    }

    static getAllWindows() {
      return windows.slice();
    }
  }
  const shown = [];
  const dialog = { showErrorBox: (title, content) => shown.push({ title, content }) };
  const session = { defaultSession: new ElectronSession() };
  return { electron: { app, BrowserWindow, dialog, ipcMain: new SyncIpcMain(), session }, ready, windows, shown };
}

describe('README snippets', function () {
  this.timeout(isWindows ? 180000 : 240000);

  it('every fence has a checker (info string js main, js preload, ts renderer, js, ts, json or sh)', function () {
    assert.ok(ALL.length >= 5, 'snippets found');
    const unknown = ALL.filter((s) => !KNOWN.includes(kindOf(s))).map((s) => `README.md:${s.line} \`\`\`${kindOf(s)}`);
    assert.deepStrictEqual(unknown, []);
  });

  describe('js main: runs against stand-ins for Electron', function () {
    for (const s of byKind('js main')) {
      it(`README.md:${s.line} runs: windows load, errors are shown, the app quits`, async function () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-readme-'));
        const file = path.join(dir, 'main.js');
        fs.writeFileSync(file, s.code);
        fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>app</title>');
        const { electron, ready, windows, shown } = fakeElectron(dir);
        const failures = [];
        const onRejection = (err) => failures.push(err);
        process.on('unhandledRejection', onRejection);
        const restoreModules = hookModules(electron);
        const saved = { log: console.log, error: console.error, warn: console.warn, info: console.info, debug: console.debug };
        for (const k of Object.keys(saved)) console[k] = () => {};
        try {
          require(file);
          ready();
          // Settled: the start failed and was shown, or nothing is pending any more.
          if (/showErrorBox/.test(s.code)) await waitFor(() => shown.length > 0 || failures.length > 0, 30000);
          else await new Promise((r) => setTimeout(r, 200));
          assert.deepStrictEqual(failures, []);
          for (const w of windows) {
            const prefs = w.options.webPreferences || {};
            if (prefs.preload) assert.ok(fs.existsSync(prefs.preload), `preload ${prefs.preload} exists`);
            if (prefs.sandbox !== undefined) assert.strictEqual(prefs.sandbox, true);
          }
          if (/showErrorBox/.test(s.code)) {
            // The backend of the snippet does not exist here: the start fails and says why.
            assert.strictEqual(shown.length, 1);
            assert.match(shown[0].content, /ENOENT/);
          }
          for (const p of electron.session.defaultSession.framePreloads()) assert.ok(fs.existsSync(p), p);
          electron.app.quit();
          await waitFor(() => electron.app.ended, 30000);
          assert.deepStrictEqual(failures, []);
        } finally {
          process.removeListener('unhandledRejection', onRejection);
          restoreModules();
          Object.assign(console, saved);
          electron.app.emit('will-quit', { preventDefault() {} });
          electron.app.removeAllListeners();
          delete require.cache[file];
          fs.rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  });

  describe('js preload: runs as a bundled preload', function () {
    for (const s of byKind('js preload')) {
      it(`README.md:${s.line} exposes window.backend`, function () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-readme-'));
        const file = path.join(dir, 'preload.js');
        fs.writeFileSync(file, s.code);
        const contextBridge = new FakeContextBridge();
        const ipcRenderer = new FakeIpcRenderer(new SyncIpcMain(), new FakeWebContents('file:///app/index.html'));
        const loaded = [];
        try {
          const load = Module._load;
          withModules({ contextBridge, ipcRenderer }, () => {
            const inner = Module._load;
            Module._load = function (request, ...rest) {
              loaded.push(request);
              return inner.call(this, request, ...rest);
            };
            try {
              require(file);
            } finally {
              Module._load = inner;
            }
          });
          assert.strictEqual(Module._load, load);
          assert.deepStrictEqual(Object.keys(contextBridge.world), ['backend']);
          assert.strictEqual(typeof contextBridge.world.backend.restart, 'function');
          assert.deepStrictEqual(loaded.filter((r) => r !== 'electron' && r !== file), ['backend-warden/preload'], 'imports only backend-warden/preload');
        } finally {
          delete require.cache[file];
          fs.rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  });

  describe('ts renderer: compiles without Node types and runs against a real backend', function () {
    const list = byKind('ts renderer');
    let dir;
    before(function () {
      if (isWindows) return; // only the type-check needs the consumer project
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-readme-'));
      fs.mkdirSync(path.join(dir, 'node_modules'));
      fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'backend-warden'), isWindows ? 'junction' : 'dir');
      fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "renderer", "private": true, "type": "module" }\n');
      list.forEach((s, i) => fs.writeFileSync(path.join(dir, `renderer${i}.ts`), s.code));
    });
    after(function () {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    // Type-checks are platform-independent; under Wine tsc costs a minute and
    // Wine cannot create the node_modules link.
    (isWindows ? it.skip : it)(`README.md:${list.map((s) => s.line).join(', ')} type-check with lib DOM and types: []${isWindows ? ' (skipped on Windows: platform-independent, checked on the Linux lane)' : ''}`, function () {
      const r = runTsc(dir, {
        compilerOptions: {
          strict: true, noEmit: true, target: 'ES2022', lib: ['ES2022', 'DOM'], module: 'esnext',
          moduleResolution: 'bundler', types: [], skipLibCheck: false,
        },
        files: list.map((_, i) => `renderer${i}.ts`),
      });
      assert.strictEqual(r.status, 0, r.output);
    });

    list.forEach((s) => {
      it(`README.md:${s.line} runs against window.backend of a real backend`, async function () {
        const ts = require('typescript');
        const js = ts.transpileModule(s.code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } })
          .outputText.replace(/^export \{\};?\s*$/m, '');
        const backend = new Backend({
          command: process.execPath, args: [fixture('backend-server.js')], readiness: { path: '/health' },
          shutdown: { path: '/shutdown' }, stopTimeoutMs: 3000,
        });
        const ipcMain = new SyncIpcMain();
        const dispose = registerIpcHandlers(ipcMain, backend);
        const appUrl = require('url').pathToFileURL(path.join(process.cwd(), 'index.html')).href;
        const window = { backend: createBackendApi(new FakeIpcRenderer(ipcMain, new FakeWebContents(appUrl))) };
        const logged = [];
        const sandbox = { window, document: { title: '' }, console: { log: (...a) => logged.push(a), error: (...a) => logged.push(a) } };
        try {
          await vm.runInNewContext(`(async () => {\n${js}\n})()`, sandbox, { filename: `README.md:${s.line}` });
          assert.strictEqual(backend.state, 'running', 'the snippet started the backend');
          assert.match(sandbox.document.title, /^(running|starting|stopping|stopped|idle) /);
        } finally {
          dispose();
          await backend.stop();
        }
      });
    });
  });

  describe('main-process code: type-checked against Electron\'s own declarations', function () {
    const list = ALL.filter((s) => ['js main', 'js', 'ts'].includes(kindOf(s)));
    const title = hasElectronTypes
      ? `README.md:${list.map((s) => s.line).join(', ')} compile with tsc --strict (checkJs), Node types and electron@${require(path.join(ROOT, 'node_modules', 'electron', 'package.json')).version}'s electron.d.ts`
      : 'README.md main-process snippets compile against Electron\'s types (skipped: electron is not installed; npm install --ignore-scripts --no-save electron@41, as .ci/run does)';
    (hasElectronTypes && !isWindows ? it : it.skip)(isWindows ? `${title} (skipped on Windows: platform-independent, checked on the Linux lane)` : title, function () {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-readme-'));
      try {
        const files = list.map((s, i) => {
          const f = path.join(dir, `snippet${i}.${s.lang}`);
          fs.writeFileSync(f, s.code);
          return f;
        });
        const r = runTsc(dir, {
          compilerOptions: {
            // --strict, except that a JavaScript catch variable is `any` (a JS snippet cannot
            // annotate it); TypeScript snippets keep `unknown` through their own checks.
            strict: true, useUnknownInCatchVariables: false, noEmit: true, allowJs: true, checkJs: true, target: 'ES2022', module: 'commonjs',
            moduleResolution: 'node10', moduleDetection: 'force', types: ['node'],
            typeRoots: [path.join(ROOT, 'node_modules', '@types')], baseUrl: ROOT,
            paths: { 'backend-warden': ['index.d.ts'], 'backend-warden/*': ['*'] }, skipLibCheck: true,
          },
          files: [electronTypes, ...files],
        });
        assert.strictEqual(r.status, 0, r.output);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('json', function () {
    for (const s of byKind('json')) {
      it(`README.md:${s.line} parses; asarUnpack names the folders the native loader searches`, function () {
        const value = JSON.parse(s.code);
        const native = fs.readFileSync(path.join(ROOT, 'lib', 'native.js'), 'utf8');
        for (const glob of value.asarUnpack || []) {
          const m = /^node_modules\/backend-warden\/(.+?)\/\*\*$/.exec(glob);
          assert.ok(m, glob);
          assert.ok(native.includes(`'${m[1].split('/')[0]}'`), `lib/native.js searches ${m[1]}`);
        }
      });
    }
  });

  describe('sh', function () {
    for (const s of byKind('sh')) {
      it(`README.md:${s.line}: every command is one this repository vouches for`, function () {
        const install = fs.readFileSync(path.join(ROOT, 'scripts', 'install.js'), 'utf8');
        for (const line of s.code.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))) {
          let cwd = ROOT;
          for (const cmd of line.split('&&').map((c) => c.trim())) {
            const words = cmd.split(/\s+/);
            while (/^[A-Z_]+=/.test(words[0])) {
              const name = words.shift().split('=')[0];
              assert.ok(install.includes(name), `${name} is read by scripts/install.js`);
            }
            const pkg = fs.existsSync(path.join(cwd, 'package.json')) ? JSON.parse(fs.readFileSync(path.join(cwd, 'package.json'), 'utf8')) : null;
            const joined = words.join(' ');
            if (words[0] === 'cd') {
              cwd = path.join(cwd, words[1]);
              assert.ok(fs.statSync(cwd).isDirectory(), `${words[1]} exists`);
            } else if (joined === 'npm install backend-warden') {
              assert.strictEqual(require('../package.json').name, 'backend-warden');
            } else if (joined === 'npm install' || joined === 'npm test') {
              assert.ok(pkg, `${cwd} has a package.json`);
            } else if (words[0] === 'npm' && words[1] === 'run') {
              assert.ok(pkg && pkg.scripts && pkg.scripts[words[2]], `npm run ${words[2]} exists in ${cwd}`);
            } else if (joined === 'npx electron .') {
              assert.ok(pkg && ({ ...pkg.dependencies, ...pkg.devDependencies }).electron, `${cwd} depends on electron`);
              assert.ok(fs.existsSync(path.join(cwd, pkg.main || 'index.js')), 'its main file exists');
            } else {
              assert.fail(`README.md:${s.line}: no checker for \`${cmd}\` — add one to test/readme.test.js`);
            }
          }
        }
      });
    }
  });
});
