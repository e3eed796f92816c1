'use strict';
// Public exports of backend-warden; nothing else lives here.

const { processInfo, listTree, killTree, killTreeSync, spawnTree } = require('./tree');
const { findFreePort, isPortFree, waitForPort, portOwner } = require('./ports');
const { checkFirewall, firewallRule, firewallCommand } = require('./firewall');
const { binding } = require('./native');
const { isBackendError } = require('./errors');
const { Backend } = require('./backend');
const { registerIpcHandlers } = require('./electron/ipc');
const { exposeBackend, createBackendApi } = require('./electron/preload');
const { attachToApp } = require('./electron/attach');
const { registerPreload } = require('./electron/register-preload');

function nativeInfo() {
  const b = binding();
  return { ...b.info(), path: b.path };
}

module.exports = {
  processInfo,
  listTree,
  killTree,
  killTreeSync,
  spawnTree,
  nativeInfo,
  isBackendError,
  Backend,
  registerIpcHandlers,
  attachToApp,
  registerPreload,
  exposeBackend,
  createBackendApi,
  findFreePort,
  isPortFree,
  waitForPort,
  portOwner,
  checkFirewall,
  firewallRule,
  firewallCommand,
};
