'use strict';
// Rotating backend log files (lib/backend/logs.js).

const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { LogFile, normalizeLogs, fileNameOf } = require('../lib/backend/logs');

function tmpDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'bw-logs-'));
}

function linesOf(file) {
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
}

describe('logs: options', () => {
  it('fills defaults: 10 MiB, 5 files, an absolute dir', () => {
    const o = normalizeLogs({ dir: 'rel/logs' });
    assert.strictEqual(o.maxBytes, 10 * 1024 * 1024);
    assert.strictEqual(o.files, 5);
    assert.ok(path.isAbsolute(o.dir));
    assert.strictEqual(normalizeLogs(undefined), null);
  });

  it('rejects bad options with Node-style codes', () => {
    assert.throws(() => normalizeLogs('x'), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => normalizeLogs({}), { code: 'ERR_INVALID_ARG_TYPE', message: /options\.logs\.dir/ });
    assert.throws(() => normalizeLogs({ dir: '' }), { code: 'ERR_INVALID_ARG_VALUE' });
    assert.throws(() => normalizeLogs({ dir: 'd', maxBytes: 10 }), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => normalizeLogs({ dir: 'd', files: 0 }), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => normalizeLogs({ dir: 'd', files: 1.5 }), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => normalizeLogs({ dir: 'd', rotate: true }), { code: 'ERR_INVALID_ARG_VALUE', message: /options\.logs\.rotate/ });
  });

  it('makes a safe file name of the backend name', () => {
    assert.strictEqual(fileNameOf('api'), 'api.log');
    assert.strictEqual(fileNameOf('a/b\\c:d'), 'a_b_c_d.log');
    assert.strictEqual(fileNameOf('..'), '_.log');
  });
});

describe('logs: LogFile', () => {
  it('writes timestamped lines of each stream', async () => {
    const dir = tmpDir();
    const log = new LogFile(normalizeLogs({ dir: path.join(dir, 'nested', 'logs') }), 'api');
    await log.open();
    log.write('stdout', 'hello');
    log.write('stderr', 'oops');
    await log.close();
    const lines = linesOf(path.join(dir, 'nested', 'logs', 'api.log'));
    assert.strictEqual(lines.length, 2);
    assert.match(lines[0], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z stdout hello$/);
    assert.match(lines[1], / stderr oops$/);
  });

  it('rotates by size to .1 … .N and never loses a line', async () => {
    const dir = tmpDir();
    const log = new LogFile({ dir, maxBytes: 2048, files: 3 }, 'rot');
    await log.open();
    const total = 400;
    // Written in bursts without waiting, so lines arrive during rotations.
    for (let i = 0; i < total; i++) {
      log.write('stdout', `line ${String(i).padStart(4, '0')} ${'x'.repeat(20)}`);
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    await log.close();
    const files = fs.readdirSync(dir).sort();
    assert.deepStrictEqual(files, ['rot.log', 'rot.log.1', 'rot.log.2', 'rot.log.3']);
    for (const f of files) assert.ok(fs.statSync(path.join(dir, f)).size <= 2048, `${f} over maxBytes`);
    // The kept files hold the newest lines, in order, with no gap.
    const kept = ['rot.log.3', 'rot.log.2', 'rot.log.1', 'rot.log'].flatMap((f) => linesOf(path.join(dir, f)));
    const numbers = kept.map((l) => Number(/line (\d+)/.exec(l)[1]));
    assert.strictEqual(numbers[numbers.length - 1], total - 1);
    for (let i = 1; i < numbers.length; i++) assert.strictEqual(numbers[i], numbers[i - 1] + 1);
  });

  it('appends to an existing file and counts its size', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'app.log'), 'y'.repeat(1500));
    const log = new LogFile({ dir, maxBytes: 1600, files: 2 }, 'app');
    await log.open();
    log.write('stdout', 'z'.repeat(200));
    await log.close();
    assert.strictEqual(fs.readFileSync(path.join(dir, 'app.log.1'), 'utf8'), 'y'.repeat(1500));
    assert.match(fs.readFileSync(path.join(dir, 'app.log'), 'utf8'), /stdout z{200}\n$/);
  });

  it('flush() resolves once queued lines are in the file', async () => {
    const dir = tmpDir();
    const log = new LogFile({ dir, maxBytes: 1 << 20, files: 1 }, 'f');
    await log.open();
    for (let i = 0; i < 1000; i++) log.write('stdout', `n${i}`);
    await log.flush();
    assert.strictEqual(linesOf(log.path).length, 1000);
    await log.close();
    log.write('stdout', 'after close');
    await log.flush();
    assert.strictEqual(linesOf(log.path).length, 1000);
  });

  it('open() fails with the OS code and the path when the directory cannot be created', async function () {
    const dir = tmpDir();
    const file = path.join(dir, 'plain-file');
    fs.writeFileSync(file, '');
    const log = new LogFile({ dir: path.join(file, 'logs'), maxBytes: 4096, files: 1 }, 'x');
    await assert.rejects(log.open(), (err) => {
      assert.ok(['ENOTDIR', 'ENOENT', 'EEXIST'].includes(err.code), err.code);
      assert.ok(err.message.includes(path.join(file, 'logs')), err.message);
      return true;
    });
  });

  it('open() fails with EACCES in a directory it may not write (skipped as root or on Windows: no permission bits)', async function () {
    if (process.platform === 'win32' || (process.getuid && process.getuid() === 0)) this.skip();
    const dir = tmpDir();
    fs.chmodSync(dir, 0o500);
    try {
      const log = new LogFile({ dir: path.join(dir, 'sub'), maxBytes: 4096, files: 1 }, 'x');
      await assert.rejects(log.open(), (err) => err.code === 'EACCES' && err.message.includes(path.join(dir, 'sub')));
    } finally {
      fs.chmodSync(dir, 0o700);
    }
  });
});
