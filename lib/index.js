'use strict';
// Public exports of backend-warden; nothing else lives here.

const { processInfo, listTree, killTree, killTreeSync, spawnTree } = require('./tree');
const { findFreePort, isPortFree, waitForPort, portOwner } = require('./ports');
const { checkFirewall, firewallRule, firewallCommand } = require('./firewall');
const { binding } = require('./native');
const { Backend } = require('./backend');
const { registerIpcHandlers } = require('./ipc');

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
  findFreePort,
  isPortFree,
  waitForPort,
  portOwner,
  checkFirewall,
  firewallRule,
  firewallCommand,
};
