'use strict';
// Public exports of backend-warden; nothing else lives here.

const { processInfo, listTree, killTree, killTreeSync, spawnTree } = require('./tree');
const { findFreePort, isPortFree, waitForPort, portOwner } = require('./ports');
const { checkFirewall, firewallRule, firewallCommand } = require('./firewall');
const { binding } = require('./native');
const { Backend } = require('./backend');
const { registerIpcHandlers } = require('./electron/ipc');
const { exposeBackend, createBackendApi } = require('./electron/preload');

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
  Backend,
  registerIpcHandlers,
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
