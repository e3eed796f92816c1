// @ts-check
'use strict';
// Public exports of backend-warden; nothing else lives here.
//
// Nothing is loaded until it is used: an Electron main process pays for
// every millisecond before its first window, so require('backend-warden')
// reads this file alone, and each export loads its module (and the native
// addon, node:net, node:http …) on first access. The getters return the
// modules' own functions and classes: identity, instanceof and
// destructuring behave as with plain properties.

const EXPORTS = {
  './tree': ['processInfo', 'listTree', 'killTree', 'killTreeSync', 'spawnTree'],
  './task': ['runTree'],
  './ports': ['findFreePort', 'isPortFree', 'waitForPort', 'portOwner'],
  './firewall': ['checkFirewall', 'firewallRule', 'firewallCommand'],
  './usage': ['treeUsage'],
  './errors': ['isBackendError'],
  './backend': ['Backend'],
  './electron/ipc': ['registerIpcHandlers'],
  './electron/attach': ['attachToApp'],
  './electron/register-preload': ['registerPreload'],
  './electron/preload': ['exposeBackend', 'createBackendApi'],
};

function nativeInfo() {
  const b = require('./native').binding();
  return { ...b.info(), path: b.path };
}

module.exports = { nativeInfo };
for (const [file, names] of Object.entries(EXPORTS)) {
  for (const name of names) {
    Object.defineProperty(module.exports, name, {
      enumerable: true,
      configurable: false,
      get: () => require(file)[name],
    });
  }
}
