'use strict';
// Process trees: argument checks and Promise wrappers over the native
// binding (binding/tree*.c).

const { binding } = require('./native');
const { validatePid } = require('./errors');

// processInfo(pid) → Promise<{ pid, ppid, name, startTime }>; rejects with
// ESRCH when no such process exists. startTime is the process's identity
// (see index.d.ts): compare it for equality only.
async function processInfo(pid) {
  validatePid(pid);
  return binding().processInfo(pid);
}

module.exports = { processInfo };
