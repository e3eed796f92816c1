'use strict';
// backend-warden/preload: exposeBackend and createBackendApi, for a preload
// of the app's own (bundled for sandbox: true, or with sandbox: false); they
// expose window.<key> with start, restart, stop, status, checkFirewall,
// getFirewallRule, getFirewallCommand and onStatus, talking to the handlers
// of lib/electron/ipc.js.
//
// The bridge itself lives in ./sandboxed-preload.js, the package's
// ready-made preload, because a sandboxed preload must be one file that
// requires only 'electron'. Loaded with LIBRARY set, that file exposes
// nothing by itself and requires nothing; this one requires no Node
// built-in, so that a bundler takes both for a sandboxed preload.

const LIBRARY = Symbol.for('backend-warden.preload.library');

globalThis[LIBRARY] = true;
try {
  module.exports = require('./sandboxed-preload.js');
} finally {
  delete globalThis[LIBRARY];
}
