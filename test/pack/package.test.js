'use strict';
// The published package (npm run test:pack, after npm run prebuilds): the
// tarball's file list with every prebuild folder, an install without
// CMake or a compiler on PATH that uses the prebuild and adds exactly one
// package, an install with scripts skipped (npm 11's default for unapproved
// packages) that still loads, the loader's error naming the build commands,
// the one-line error when a source build is impossible, the win32 prebuild
// from the tarball in a host named electron.exe under Wine, and loading from
// an Electron app.asar.unpacked folder.

const assert = require('assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const { which } = require('../../scripts/lib/toolchain');

const EXPECTED = ['CMakeLists.txt', 'README.md', 'index.d.ts', 'renderer.d.ts', 'preload.d.ts', 'package.json', 'scripts/install.js'];
const { ALL: TARGETS } = require('../../scripts/prebuilds');

describe('package', function () {
  let work;
  let tarball;
  let files;
  let bin; // a PATH holding node alone: no cmake, no compiler
  const npmCli = fs.realpathSync(which('npm'));

  before(function () {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-pack-'));
    const r = spawnSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8', timeout: 240000 });
    assert.strictEqual(r.status, 0, r.stderr);
    const info = JSON.parse(r.stdout)[0];
    tarball = path.join(work, info.filename);
    files = info.files.map((f) => f.path).sort();
    bin = path.join(work, 'bin');
    fs.mkdirSync(bin);
    fs.copyFileSync(process.execPath, path.join(bin, 'node'));
    fs.chmodSync(path.join(bin, 'node'), 0o755);
    // npm runs lifecycle scripts with sh, looked up in PATH.
    fs.symlinkSync(fs.realpathSync('/bin/sh'), path.join(bin, 'sh'));
  });

  after(function () {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('holds lib/, binding/, bin/, the prebuilds, CMakeLists.txt, index.d.ts and the README — no tests, benches or build folders', function () {
    const expected = [...EXPECTED];
    for (const tag of TARGETS) {
      const unix = !tag.startsWith('win32');
      assert.ok(files.includes(`prebuilds/${tag}/backend_warden.node`), `no ${tag} addon in the tarball`);
      if (unix) assert.ok(files.includes(`prebuilds/${tag}/backend_warden_supervisor`), `no ${tag} supervisor in the tarball`);
    }
    // Every file below lib/, binding/, bin/ and prebuilds/, whatever their folders.
    for (const dir of ['lib', 'binding', 'bin', 'prebuilds']) {
      for (const f of fs.readdirSync(path.join(root, dir), { recursive: true })) {
        if (fs.statSync(path.join(root, dir, f)).isFile()) expected.push(`${dir}/${f.split(path.sep).join('/')}`);
      }
    }
    assert.deepStrictEqual(files, expected.sort());
  });

  describe('installed into a fresh project with no CMake or compiler on PATH', function () {
    let project;
    let installed;
    // The caller's environment (certificates, proxies) with PATH holding node
    // alone, and none of the outer npm run's npm_* settings.
    const env = () => {
      const e = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
      return { ...e, PATH: bin, npm_config_update_notifier: 'false' };
    };

    before(function () {
      for (const tool of ['cmake', 'cc', 'gcc', 'make']) assert.strictEqual(fs.existsSync(path.join(bin, tool)), false);
      project = path.join(work, 'app');
      fs.mkdirSync(project);
      fs.writeFileSync(path.join(project, 'package.json'), '{ "name": "app", "version": "1.0.0", "private": true }\n');
      const r = spawnSync(path.join(bin, 'node'), [npmCli, 'install', '--no-audit', '--no-fund', '--foreground-scripts', tarball], {
        cwd: project, env: env(), encoding: 'utf8', timeout: 240000,
      });
      installed = { status: r.status, output: `${r.stdout}\n${r.stderr}` };
    });

    it('installs from the prebuild and compiles nothing', function () {
      assert.strictEqual(installed.status, 0, installed.output);
      assert.doesNotMatch(installed.output, /cmake|Building C/i);
      assert.strictEqual(fs.existsSync(path.join(project, 'node_modules', 'backend-warden', 'build')), false);
    });

    it('loads the prebuild and makes real calls (listTree, spawnTree with the prebuilt supervisor)', function () {
      const code = `const w = require('backend-warden');
        (async () => {
          const tree = await w.listTree(process.pid);
          const child = w.spawnTree(process.execPath, ['-e', 'process.exitCode = 3']);
          const { code } = await child.exited;
          console.log(JSON.stringify({ root: tree[0].pid === process.pid, code, path: w.nativeInfo().path }));
        })();`;
      const r = spawnSync(path.join(bin, 'node'), ['-e', code], { cwd: project, env: env(), encoding: 'utf8', timeout: 60000 });
      assert.strictEqual(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.deepStrictEqual([out.root, out.code], [true, 3]);
      assert.match(out.path, /prebuilds[\\/]linux-x64[\\/]backend_warden\.node$/);
    });

    it('adds exactly one package to node_modules: no runtime dependencies', function () {
      const entries = fs.readdirSync(path.join(project, 'node_modules')).filter((e) => !e.startsWith('.'));
      assert.deepStrictEqual(entries, ['backend-warden']);
      const lock = JSON.parse(fs.readFileSync(path.join(project, 'package-lock.json'), 'utf8'));
      assert.deepStrictEqual(Object.keys(lock.packages).filter(Boolean), ['node_modules/backend-warden']);
    });

    it('without a fitting prebuild, the source build fails with one line naming what is missing', function () {
      const pkgDir = path.join(project, 'node_modules', 'backend-warden');
      const pre = path.join(pkgDir, 'prebuilds', 'linux-x64');
      fs.renameSync(pre, `${pre}.off`);
      try {
        const r = spawnSync(path.join(bin, 'node'), ['scripts/install.js'], { cwd: pkgDir, env: env(), encoding: 'utf8', timeout: 60000 });
        assert.strictEqual(r.status, 1);
        const last = r.stderr.trim().split('\n').pop();
        assert.match(last, /^backend-warden: no prebuilt binary for linux-x64 and the source build failed: missing CMake .*\.$/);
      } finally {
        fs.renameSync(`${pre}.off`, pre);
      }
    });

    it('a prebuild that does not load here (another architecture) is named and replaced by a source build at install time', function () {
      const pkgDir = path.join(project, 'node_modules', 'backend-warden');
      withForeignPrebuild(pkgDir, () => {
        const r = spawnSync(path.join(bin, 'node'), ['scripts/install.js'], { cwd: pkgDir, env: env(), encoding: 'utf8' });
        const lines = r.stderr.trim().split('\n');
        assert.ok(lines.some((l) => /^backend-warden: prebuilt linux-x64 binary does not load here \(.+\); building from source$/.test(l)), r.stderr);
        // No compiler here: the source build it falls back to fails, in one line.
        assert.strictEqual(r.status, 1);
        assert.match(lines.pop(), /^backend-warden: no prebuilt binary for linux-x64 and the source build failed: missing CMake .*\.$/);
      });
    });
  });

  // A prebuild that is there but does not load here: the linux-arm64 addon
  // put in the linux-x64 folder (a wrong-architecture or wrong-libc binary).
  function withForeignPrebuild(pkgDir, fn) {
    const addon = path.join(pkgDir, 'prebuilds', 'linux-x64', 'backend_warden.node');
    fs.renameSync(addon, `${addon}.off`);
    fs.copyFileSync(path.join(pkgDir, 'prebuilds', 'linux-arm64', 'backend_warden.node'), addon);
    try {
      return fn(addon);
    } finally {
      fs.rmSync(addon, { force: true });
      fs.renameSync(`${addon}.off`, addon);
    }
  }

  describe('installed with install scripts skipped (--ignore-scripts; npm 11 for an unapproved package)', function () {
    let project;
    const env = () => {
      const e = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
      return { ...e, PATH: bin, npm_config_update_notifier: 'false' };
    };
    const load = () => spawnSync(path.join(bin, 'node'), ['-e', `try { const w = require('backend-warden'); console.log(JSON.stringify({ path: w.nativeInfo().path })); } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`], {
      cwd: project, env: env(), encoding: 'utf8', timeout: 60000,
    });

    before(function () {
      project = path.join(work, 'app-noscripts');
      fs.mkdirSync(project);
      fs.writeFileSync(path.join(project, 'package.json'), '{ "name": "app-noscripts", "version": "1.0.0", "private": true }\n');
      const r = spawnSync(path.join(bin, 'node'), [npmCli, 'install', '--no-audit', '--no-fund', '--ignore-scripts', tarball], {
        cwd: project, env: env(), encoding: 'utf8', timeout: 240000,
      });
      assert.strictEqual(r.status, 0, r.stderr);
    });

    it('a prebuild that does not load here (another architecture) is named in the loader\'s error, with the commands that build one', function () {
      withForeignPrebuild(path.join(project, 'node_modules', 'backend-warden'), (addon) => {
        const r = load();
        assert.strictEqual(r.status, 0, r.stderr);
        const out = JSON.parse(r.stdout);
        assert.strictEqual(out.code, 'ERR_BACKEND_WARDEN_LOAD_FAILED', out.message);
        assert.ok(out.message.includes(`${addon} (`), out.message);
        assert.match(out.message, /another platform, architecture or C library/);
        assert.ok(out.message.includes('npx --yes cmake-js@8.0.0 compile'), out.message);
      });
    });

    it('loads the fitting prebuild with no install step', function () {
      const r = load();
      assert.strictEqual(r.status, 0, r.stderr);
      assert.match(JSON.parse(r.stdout).path, /prebuilds[\\/]linux-x64[\\/]backend_warden\.node$/);
    });

    it('where no prebuild fits, the error lists every path tried and the exact commands that build one', function () {
      const pre = path.join(project, 'node_modules', 'backend-warden', 'prebuilds', 'linux-x64');
      fs.renameSync(pre, `${pre}.off`);
      try {
        const r = load();
        assert.strictEqual(r.status, 0, r.stderr);
        const out = JSON.parse(r.stdout);
        assert.strictEqual(out.code, 'ERR_BACKEND_WARDEN_NOT_FOUND');
        assert.ok(out.message.includes(path.join('prebuilds', 'linux-x64', 'backend_warden.node')), out.message);
        assert.ok(out.message.includes(path.join('build', 'Release', 'backend_warden.node')), out.message);
        assert.ok(out.message.includes('npm approve-scripts backend-warden && npm rebuild backend-warden'), out.message);
        assert.ok(out.message.includes('npx --yes cmake-js@8.0.0 compile'), out.message);
      } finally {
        fs.renameSync(`${pre}.off`, pre);
      }
    });
  });

  it('loads from an Electron app.asar.unpacked folder, supervisor included, when required through app.asar', function () {
    // Electron serves JS from inside app.asar; the OS can only load the .node
    // file and run the supervisor from app.asar.unpacked (asarUnpack).
    const resources = path.join(work, 'resources');
    const packed = path.join(resources, 'app.asar', 'node_modules', 'backend-warden');
    const unpacked = path.join(resources, 'app.asar.unpacked', 'node_modules', 'backend-warden');
    const r0 = spawnSync('tar', ['xzf', tarball, '-C', work], { encoding: 'utf8', timeout: 60000 });
    assert.strictEqual(r0.status, 0, r0.stderr);
    fs.mkdirSync(path.dirname(packed), { recursive: true });
    fs.mkdirSync(path.dirname(unpacked), { recursive: true });
    fs.cpSync(path.join(work, 'package'), packed, { recursive: true });
    fs.rmSync(path.join(packed, 'prebuilds'), { recursive: true });
    fs.cpSync(path.join(work, 'package', 'prebuilds'), path.join(unpacked, 'prebuilds'), { recursive: true });
    const code = `const w = require(${JSON.stringify(packed)});
      const child = w.spawnTree(process.execPath, ['-e', '0']);
      child.exited.then(({ code }) => console.log(JSON.stringify({ code, path: w.nativeInfo().path })));`;
    const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', timeout: 60000 });
    assert.strictEqual(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.strictEqual(out.code, 0);
    assert.ok(out.path.startsWith(unpacked), out.path);
  });

  it('the win32 prebuild from the tarball loads in a host named electron.exe under Wine', function () {
    const { ensureWindowsNode, runUnderWine } = require('../../scripts/test-win');
    const app = path.join(work, 'winapp');
    const r0 = spawnSync('tar', ['xzf', tarball, '-C', work], { encoding: 'utf8', timeout: 60000 });
    assert.strictEqual(r0.status, 0, r0.stderr);
    fs.mkdirSync(path.join(app, 'node_modules'), { recursive: true });
    fs.cpSync(path.join(work, 'package'), path.join(app, 'node_modules', 'backend-warden'), { recursive: true });
    const electron = path.join(app, 'electron.exe');
    fs.copyFileSync(ensureWindowsNode(), electron);
    fs.writeFileSync(path.join(app, 'main.js'), `const w = require('backend-warden');
      w.listTree(process.pid).then((t) => console.log(JSON.stringify({ exe: process.execPath, name: t[0].name, path: w.nativeInfo().path })));`);
    const r = runUnderWine(electron, ['main.js'], { cwd: app });
    assert.strictEqual(r.status, 0, r.output);
    const out = JSON.parse(r.output.trim().split('\n').pop());
    assert.match(out.name, /^electron\.exe$/i);
    assert.match(out.path, /prebuilds[\\/]win32-x64[\\/]backend_warden\.node$/);
  });
});
