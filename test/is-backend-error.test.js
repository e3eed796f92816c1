'use strict';
// isBackendError(err, code?) (lib/errors.js), the type guard of index.d.ts,
// on the errors a real Backend rejects with.

const assert = require('assert');

const { Backend, isBackendError } = require('..');
const { fixture, isWindows } = require('./helpers');

describe('isBackendError', function () {
  this.timeout(isWindows ? 120000 : 30000);

  it("narrows a real start failure by code: ERR_BACKEND_EXITED with exitCode and output", async function () {
    const b = new Backend({ command: process.execPath, args: [fixture('backend-server.js'), '--exit-before-ready=3'], restart: false });
    const err = await b.start().then(() => null, (e) => e);
    await b.stop();
    assert.ok(err, 'start() rejected');
    assert.strictEqual(isBackendError(err), true);
    assert.strictEqual(isBackendError(err, 'ERR_BACKEND_EXITED'), true);
    assert.strictEqual(isBackendError(err, 'ETIMEDOUT'), false);
    assert.strictEqual(err.exitCode, 3);
    assert.strictEqual(typeof err.output, 'string');
  });

  it('a program that does not exist: ENOENT', async function () {
    const b = new Backend({ command: fixture('no-such-program'), restart: false });
    const err = await b.start().then(() => null, (e) => e);
    await b.stop();
    assert.strictEqual(isBackendError(err, 'ENOENT'), true, String(err && err.stack));
  });

  it('is false for what is not an Error with a string code', function () {
    for (const value of [undefined, null, 'ENOENT', 42, new Error('no code'), { code: 'ENOENT', message: 'a plain object' }, Object.assign(new Error('x'), { code: 5 })]) {
      assert.strictEqual(isBackendError(value), false, String(value));
    }
  });

  it('throws ERR_INVALID_ARG_TYPE for a code that is not a string', function () {
    assert.throws(() => isBackendError(new Error('x'), 5), { code: 'ERR_INVALID_ARG_TYPE' });
  });
});
