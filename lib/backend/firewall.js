'use strict';
// A Backend's firewall questions (checkFirewall, getFirewallRule,
// getFirewallCommand), asked about its own program, host and port through
// lib/firewall/.

const { checkFirewall, firewallRule, firewallCommand } = require('../firewall');
const { validateOptions, validateKeys, validateString } = require('../validate');

// { name }: the rule name a renderer may ask about.
function ruleName(options) {
  options = validateKeys(validateOptions(options), ['name']);
  if (options.name === undefined) return undefined;
  return validateString(options.name, 'options.name', { maxLength: 256 });
}

// o: the Backend's normalised options; port: its current or last port.
function check(o, port) {
  const query = { program: o.command, protocol: 'tcp', host: o.host };
  if (port !== undefined) query.port = port;
  return checkFirewall(query);
}

function rule(o, options) {
  try {
    const name = ruleName(options);
    return firewallRule(name === undefined ? { program: o.command } : { name });
  } catch (err) {
    return Promise.reject(err);
  }
}

function command(o, port, options) {
  const name = ruleName(options);
  const query = { name: name === undefined ? o.name : name, program: o.command, protocol: 'tcp' };
  if (port !== undefined) query.port = port;
  return firewallCommand(query);
}

module.exports = { check, rule, command };
