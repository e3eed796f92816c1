'use strict';
// Shared test helpers: platform facts and small process utilities. No mocks:
// tests use real processes and sockets.

const path = require('path');

const isWindows = process.platform === 'win32';
// Set by scripts/test-win.js for the Windows lane. Wine differs from Windows
// in places; tests that depend on such a difference say "Wine" in their title.
const isWine = isWindows && process.env.BACKEND_WARDEN_WINE === '1';
const fixtures = path.join(__dirname, 'fixtures');

function fixture(name) {
  return path.join(fixtures, name);
}

// Polls fn until it returns a truthy value or timeoutMs passes. For test
// assertions about other processes only; never used by the library.
async function waitFor(fn, timeoutMs = 5000, intervalMs = 20) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`waitFor timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

module.exports = { isWindows, isWine, fixtures, fixture, waitFor };
