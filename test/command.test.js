'use strict';
// Command resolution for spawnTree (and so Backend and runTree): bare names
// on PATH (PATHEXT on Windows), the resolved path reported, and Windows
// batch files through cmd.exe with every argument escaped — hostile
// arguments must arrive byte-for-byte in a node script's process.argv
// (under Wine's cmd.exe on the Windows lane), and what cannot be passed
// safely is refused.

const assert = require('assert');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const warden = require('..');
const { cmdCommandLine, quoteArg, commandLine } = require('../lib/tree/win-cmdline');
const {
  isWindows, isWine, fixture, waitFor, makeMarker, markedProcesses, markerEnv,
} = require('./helpers');

const HOSTILE = [
  'a&b', 'a|b', 'a^b', 'x^', 'a"b', '"', '""', 'a b', ' lead and trail ', 'é ü 中 🙂', 'a\\', 'a\\"b', 'a\\\\"',
  '!x!', '(x)', '<in >out', '', 'a,b;c=d', '^^', '"&whoami&"', '&&exit 1', '| calc', 'C:\\path with space\\',
  '--flag="quoted value"', "it's", '`tick`', '*?[]',
];

// The batch-file block is pending off Windows: every title says why.
const WIN_ONLY = isWindows ? '' : ' (Windows only)';

function tmpdir(name) {
  return fs.mkdtempSync(path.join(os.tmpdir(), name));
}

describe('command resolution', function () {
  this.timeout(isWindows ? 120000 : 20000);

  // The one Windows argv quoter (lib/tree/win-cmdline.js): MSVC /
  // CommandLineToArgvW rules. Pure logic, every platform; the round trip
  // below checks the same rules against a real parser on the Windows lane.
  describe('Windows argv quoting (quoteArg, commandLine; pure, every platform)', function () {
    for (const [arg, quoted, note] of [
      ['abc', 'abc', 'plain: as it is'],
      ['', '""', 'empty: a pair of quotes'],
      ['a b', '"a b"', 'a space: quoted'],
      ['a\tb', '"a\tb"', 'a tab: quoted'],
      ['a\\b', 'a\\b', 'backslashes not before a quote: as they are'],
      ['C:\\dir\\', 'C:\\dir\\', 'a trailing backslash without a space: as it is'],
      ['C:\\Program Files\\', '"C:\\Program Files\\\\"', 'a trailing backslash in quotes: doubled'],
      ['a"b', '"a\\"b"', 'a quote: escaped'],
      ['"', '"\\""', 'only a quote'],
      ['a\\"b', '"a\\\\\\"b"', 'a backslash before a quote: 2n+1'],
      ['a\\\\"b', '"a\\\\\\\\\\"b"', 'two backslashes before a quote: 2n+1'],
      ['\\\\server\\share', '\\\\server\\share', 'a UNC path: as it is'],
      ['%PATH%', '%PATH%', 'percent signs mean nothing to CreateProcess'],
      ['a&b|c<d>e^f', 'a&b|c<d>e^f', 'shell metacharacters mean nothing to CreateProcess'],
    ]) {
      it(`${JSON.stringify(arg)} → ${quoted} (${note})`, function () {
        assert.strictEqual(quoteArg(arg), quoted);
      });
    }

    it('always: true quotes even a plain argument', function () {
      assert.strictEqual(quoteArg('abc', { always: true }), '"abc"');
      assert.strictEqual(quoteArg('a\\', { always: true }), '"a\\\\"');
    });

    it('commandLine joins the quoted program and arguments with single spaces', function () {
      assert.strictEqual(commandLine('C:\\Program Files\\x.exe', ['a', 'b c', '', 'd"']), '"C:\\Program Files\\x.exe" a "b c" "" "d\\""');
    });
  });

  // G5: nothing goes through a shell. Hostile arguments to a real program
  // (node running argv.js) arrive byte-for-byte through spawnTree and the
  // Backend: shell metacharacters, $VAR and %VAR%, quotes, trailing
  // backslashes. On POSIX that proves no shell ran; on the Windows lane the
  // command line quoting, parsed back by the program's own runtime.
  describe('argv round trip, no shell (G5)', function () {
    const ROUND_TRIP = [
      ...HOSTILE, '%PATH%', '%BW_ARGV_OUT%', '50%', '%%', '$HOME', '${PATH}', '$(echo pwned)', '`echo pwned`',
      "'; exit 3; '", 'C:\\dir\\', 'C:\\Program Files\\', '\\\\server\\share\\', 'a\\\\', '\\"', '\t tab\t', '~', '#comment',
    ];
    let dir;
    beforeEach(function () {
      dir = tmpdir('bw-argv-');
    });
    afterEach(function () {
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it(`spawnTree: ${ROUND_TRIP.length} hostile arguments arrive unchanged`, async function () {
      const out = path.join(dir, 'argv.json');
      const child = warden.spawnTree(process.execPath, [fixture('argv.js'), ...ROUND_TRIP], { env: { ...process.env, BW_ARGV_OUT: out }, stdout: 'ignore', stderr: 'ignore' });
      await child.spawned;
      const { code } = await child.exited;
      assert.strictEqual(code, 0);
      assert.deepStrictEqual(JSON.parse(fs.readFileSync(out, 'utf8')), ROUND_TRIP);
    });

    it('Backend: the same arguments (and {port}) arrive unchanged', async function () {
      const out = path.join(dir, 'argv.json');
      const marker = makeMarker();
      const backend = new warden.Backend({
        command: process.execPath,
        args: [fixture('argv.js'), ...ROUND_TRIP, 'port={port}'],
        env: { BW_ARGV_OUT: out, BW_ARGV_LINGER: '1', BW_TEST_MARKER: marker },
        port: { range: [20000, 60000] },
        readiness: false,
        stopTimeoutMs: 500,
      });
      try {
        const { port } = await backend.start();
        await waitFor(() => fs.existsSync(out), isWindows ? 60000 : 10000);
        assert.deepStrictEqual(JSON.parse(fs.readFileSync(out, 'utf8')), [...ROUND_TRIP, `port=${port}`]);
      } finally {
        await backend.stop();
        await waitFor(() => markedProcesses(marker).length === 0, 5000).catch(() => {});
        assert.deepStrictEqual(markedProcesses(marker), []);
        fs.rmSync(marker, { recursive: true, force: true });
      }
    });
  });

  describe('cmd.exe command lines (pure quoting, every platform)', function () {
    const cmd = 'C:\\Windows\\System32\\cmd.exe';
    it('quotes every argument for the program and escapes it twice for cmd', function () {
      const line = cmdCommandLine('C:\\tools\\x.cmd', ['a&b', 'a"b\\'], cmd);
      assert.strictEqual(line, `"${cmd}" /d /s /c ""C:\\tools\\x.cmd" ^^^"a^^^&b^^^" ^^^"a\\^^^"b\\\\^^^""`);
    });

    it('puts the batch file path in quotes (spaces, & and parentheses), and refuses one with "%"', function () {
      assert.strictEqual(cmdCommandLine('C:\\Program Files (x86)\\a&b\\x.cmd', [], cmd), `"${cmd}" /d /s /c ""C:\\Program Files (x86)\\a&b\\x.cmd""`);
      assert.throws(() => cmdCommandLine('C:\\100%\\x.cmd', [], cmd), { code: 'ERR_INVALID_ARG_VALUE', message: /command/ });
    });

    it('refuses a newline or a carriage return with ERR_INVALID_ARG_VALUE', function () {
      for (const bad of ['a\nb', 'a\rb', '\r\n']) {
        assert.throws(() => cmdCommandLine('C:\\x.cmd', ['ok', bad], cmd), { code: 'ERR_INVALID_ARG_VALUE', name: 'TypeError', message: /args\[1\].*newline/ });
      }
    });

    it('refuses "%" with ERR_INVALID_ARG_VALUE (a batch file may expand it again)', function () {
      for (const bad of ['%PATH%', '50%', '%', '%%']) {
        assert.throws(() => cmdCommandLine('C:\\x.cmd', [bad], cmd), { code: 'ERR_INVALID_ARG_VALUE', message: /args\[0\].*%/ });
      }
    });

    it('refuses a command line longer than cmd.exe accepts with ERR_OUT_OF_RANGE', function () {
      assert.throws(() => cmdCommandLine('C:\\x.cmd', ['&'.repeat(3000)], cmd), { code: 'ERR_OUT_OF_RANGE' });
    });
  });

  (isWindows ? describe.skip : describe)(`bare names on PATH (POSIX)${isWindows ? ' (skipped on Windows: see the batch file tests)' : ''}`, function () {
    it('resolves a bare name on the child\'s PATH and reports the path it runs', async function () {
      const dir = tmpdir('bw-path-');
      try {
        const prog = path.join(dir, 'bw-echo-args');
        fs.writeFileSync(prog, `#!${process.execPath}\nconsole.log(JSON.stringify(process.argv.slice(2)))\n`, { mode: 0o755 });
        // A non-executable file of the same name earlier on PATH is skipped.
        const shadow = tmpdir('bw-path-shadow-');
        fs.writeFileSync(path.join(shadow, 'bw-echo-args'), 'not a program', { mode: 0o644 });
        const child = warden.spawnTree('bw-echo-args', ['a b', '$HOME', '*'], {
          env: { ...process.env, PATH: `${shadow}:${dir}:${process.env.PATH}` },
        });
        let out = '';
        child.stdout.on('data', (c) => { out += c; });
        await child.spawned;
        assert.strictEqual(child.spawnfile, prog);
        await child.exited;
        assert.deepStrictEqual(JSON.parse(out), ['a b', '$HOME', '*']);
        fs.rmSync(shadow, { recursive: true, force: true });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('a name found nowhere rejects spawned with ENOENT naming it', async function () {
      const child = warden.spawnTree('bw-no-such-program-here', [], { env: { PATH: '/nonexistent' } });
      await assert.rejects(child.spawned, { code: 'ENOENT', syscall: 'spawn', path: 'bw-no-such-program-here' });
    });

    it('runTree and the Backend accept bare names too', async function () {
      const r = await warden.runTree('node', ['-e', 'console.log(42)']);
      assert.strictEqual(r.stdout.trim(), '42');
      assert.strictEqual(r.command, process.env.PATH.split(':').map((d) => path.join(d, 'node')).find((p) => {
        try { fs.accessSync(p, fs.constants.X_OK); return true; } catch { return false; }
      }));
      const backend = new warden.Backend({ command: 'node', args: ['-e', 'setTimeout(() => {}, 100)'], port: false, readiness: false });
      await backend.start();
      await backend.stop();
      assert.throws(() => new warden.Backend({ command: 'relative/server', port: false }), { code: 'ERR_INVALID_ARG_VALUE' });
    });
  });

  (isWindows ? describe : describe.skip)(`Windows batch files through cmd.exe${isWindows ? (isWine ? ' (Wine\'s cmd.exe)' : '') : ' (skipped: Windows only; run npm run test:win)'}`, function () {
    let dir;
    let out;
    let env;
    before(function () {
      // A folder whose name cmd.exe must not misread: spaces, &, ( ), non-ASCII.
      dir = path.join(tmpdir('bw-cmd-'), 'shim dir & (é)');
      fs.mkdirSync(dir);
      fs.copyFileSync(fixture('argv-shim.cmd'), path.join(dir, 'bw-shim.cmd'));
      out = path.join(dir, `argv-${crypto.randomBytes(4).toString('hex')}.json`);
      env = {
        ...process.env, PATH: `${dir};${process.env.PATH || process.env.Path || ''}`,
        BW_NODE: process.execPath, BW_ARGV_JS: fixture('argv.js'), BW_ARGV_OUT: out,
      };
      delete env.Path;
    });
    after(function () {
      fs.rmSync(path.dirname(dir), { recursive: true, force: true });
    });

    it(`finds a .cmd by bare name (PATHEXT) and every hostile argument arrives byte-for-byte${WIN_ONLY}`, async function () {
      const child = warden.spawnTree('bw-shim', HOSTILE, { env, stdout: 'ignore', stderr: 'ignore' });
      await child.spawned;
      assert.strictEqual(child.spawnfile.toLowerCase(), path.join(dir, 'bw-shim.cmd').toLowerCase());
      await child.exited;
      assert.deepStrictEqual(JSON.parse(fs.readFileSync(out, 'utf8')), HOSTILE);
    });

    it(`runTree runs it too, and refuses what cannot be passed (newline, %) before spawning${WIN_ONLY}`, async function () {
      const r = await warden.runTree('bw-shim.cmd', ['x & y'], { env });
      assert.strictEqual(r.exitCode, 0);
      assert.deepStrictEqual(JSON.parse(fs.readFileSync(out, 'utf8')), ['x & y']);
      await assert.rejects(warden.runTree('bw-shim', ['a\nb'], { env }), { code: 'ERR_INVALID_ARG_VALUE' });
      await assert.rejects(warden.runTree('bw-shim', ['%PATH%'], { env }), { code: 'ERR_INVALID_ARG_VALUE' });
    });

    it(`the whole tree (cmd.exe → node → node) is in the job: kill() leaves nothing${WIN_ONLY}`, async function () {
      const marker = makeMarker();
      fs.rmSync(out, { force: true });
      try {
        const child = warden.spawnTree('bw-shim', ['linger'], { env: markerEnv(marker, { ...env, BW_ARGV_LINGER: '1' }), stdout: 'ignore', stderr: 'ignore' });
        await child.spawned;
        await waitFor(() => fs.existsSync(out) && markedProcesses(marker).length >= 2, 60000);
        await child.kill({ graceMs: 500 });
        await waitFor(() => markedProcesses(marker).length === 0, 5000).catch(() => {});
        assert.deepStrictEqual(markedProcesses(marker), []);
      } finally {
        fs.rmSync(marker, { recursive: true, force: true });
      }
    });
  });
});
