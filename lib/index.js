'use strict';
// Public exports of backend-warden; nothing else lives here.

const { processInfo } = require('./tree');
const { checkFirewall, firewallRule, firewallCommand } = require('./firewall');
const { binding } = require('./native');

function nativeInfo() {
  const b = binding();
  return { ...b.info(), path: b.path };
}

module.exports = {
  processInfo,
  nativeInfo,
  checkFirewall,
  firewallRule,
  firewallCommand,
};
