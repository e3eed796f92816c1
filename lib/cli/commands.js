'use strict';
// The subcommands of `backend-warden`: each takes parsed arguments and
// resolves { code, data, text } — data for --json, text for people. Exit
// codes are in lib/cli/index.js (EXIT).

const { killTree, listTree, processInfo } = require('../tree');
const { isPortFree } = require('../ports');
const { checkFirewall, firewallCommand } = require('../firewall');
const { whoHolds, usageOf, protectedPids, commandLine } = require('./facts');
const { bytes, duration, fields, treeTable } = require('./format');
const { EXIT, usageError } = require('./exit');

function portArg(value, name = 'port') {
  if (!/^\d+$/.test(value || '') || Number(value) < 1 || Number(value) > 65535) {
    throw usageError(`${name} must be a number from 1 to 65535, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
  }
  return Number(value);
}

function pidArg(value) {
  if (!/^\d+$/.test(value || '') || Number(value) < 1 || Number(value) > 0xffffffff) {
    throw usageError(`pid must be a positive integer, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
  }
  return Number(value);
}

function msArg(value, name) {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 2147483647) throw usageError(`--${name} must be a number of milliseconds, got ${JSON.stringify(value)}`);
  return Number(value);
}

function ownerText(owner) {
  const lines = [fields([
    ['pid', owner.pid === null ? '(not visible to this user)' : owner.pid],
    ['name', owner.name === null ? '-' : owner.name],
    ['address', `${owner.address} (${owner.state})`],
    ['command', owner.command ? owner.command.join(' ') : '-'],
  ])];
  if (owner.tree) lines.push('', treeTable(owner.tree.members), '', treeSummary(owner.tree));
  return lines.join('\n');
}

function treeSummary(u) {
  return `${u.processes} process${u.processes === 1 ? '' : 'es'}, CPU ${duration(u.cpuMs)} (${u.cpuPercent}% since start), memory ${bytes(u.rssBytes)}`;
}

async function who({ positionals }) {
  const port = portArg(positionals[0]);
  const data = await whoHolds(port);
  if (!data.owner) return { code: EXIT.NOT_FOUND, data, text: `Nothing holds port ${port}.` };
  return { code: EXIT.OK, data, text: `Port ${port} is held by:\n${ownerText(data.owner)}` };
}

async function tree({ positionals }) {
  const pid = pidArg(positionals[0]);
  const u = await usageOf(pid);
  if (!u) return { code: EXIT.NOT_FOUND, data: { pid, command: null, tree: null }, text: `No process ${pid} (or it may not be inspected).` };
  const command = await commandLine(pid);
  const head = fields([['command', command ? command.join(' ') : '-']]);
  return { code: EXIT.OK, data: { pid, command, tree: u }, text: `${head}\n\n${treeTable(u.members)}\n\n${treeSummary(u)}` };
}

// Whether every member is gone (a reused PID with another identity is gone).
async function remaining(members) {
  const left = [];
  for (const m of members) {
    try {
      const info = await processInfo(m.pid);
      if (m.startTime === null || info.startTime === m.startTime) left.push(m);
    } catch (err) {
      if (err.code !== 'ESRCH') left.push(m);
    }
  }
  return left;
}

async function politeStop(members, graceMs) {
  for (const m of members) {
    try {
      process.kill(m.pid, 'SIGTERM');
    } catch { /* gone already, or not ours: reported as a survivor */ }
  }
  const deadline = Date.now() + graceMs;
  let left = await remaining(members);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    left = await remaining(left);
  }
  return left;
}

async function free({ positionals, values }) {
  const port = portArg(positionals[0]);
  const force = Boolean(values.force);
  const graceMs = msArg(values['grace-ms'], 'grace-ms') ?? 5000;
  const { owner } = await whoHolds(port);
  const data = { port, owner, stopped: [], survivors: [], forced: false, portFree: null };
  if (!owner) return { code: EXIT.NOT_FOUND, data, text: `Nothing holds port ${port}.` };
  if (owner.pid === null) {
    return { code: EXIT.REFUSED, data, text: `Port ${port} is held by a process this user may not see or stop (run as its owner or as administrator).` };
  }
  const guard = await protectedPids();
  if (guard.has(owner.pid)) {
    return { code: EXIT.REFUSED, data, text: `Refusing to stop pid ${owner.pid} (${owner.name}): it is ${owner.pid === 1 ? 'the init process' : 'this tool or one of its ancestors'}.` };
  }
  const info = await processInfo(owner.pid);
  const members = await listTree(owner.pid, { startTime: info.startTime === null ? undefined : info.startTime });
  if (force) {
    const r = await killTree(owner.pid, { graceMs, startTime: info.startTime === null ? undefined : info.startTime });
    Object.assign(data, { stopped: r.killed, survivors: r.survivors, forced: r.forced });
  } else if (process.platform === 'win32') {
    data.survivors = members.map((m) => m.pid);
    data.portFree = false;
    return { code: EXIT.STILL_RUNNING, data, text: `${ownerText(owner)}\n\nWindows console programs have no polite stop this tool can send; run again with --force to end the tree.` };
  } else {
    const left = await politeStop(members, graceMs);
    data.survivors = left.map((m) => m.pid);
    data.stopped = members.filter((m) => !data.survivors.includes(m.pid)).map((m) => m.pid);
  }
  data.portFree = await isPortFree(port, '0.0.0.0').catch(() => null);
  const summary = `Stopped ${data.stopped.length} process${data.stopped.length === 1 ? '' : 'es'} of pid ${owner.pid} (${owner.name})${data.forced ? ', some by force' : ''}.`;
  if (data.survivors.length > 0) {
    return {
      code: EXIT.STILL_RUNNING,
      data,
      text: `${summary}\nStill running: ${data.survivors.join(', ')}.${force ? '' : ' Run again with --force to end them.'}`,
    };
  }
  return { code: EXIT.OK, data, text: `${summary}\nPort ${port} is ${data.portFree === false ? 'still taken (by another process now?)' : 'free'}.` };
}

async function firewall({ positionals, values }) {
  const program = positionals[0];
  if (!program) throw usageError('firewall needs <program> <port>');
  const port = portArg(positionals[1]);
  const host = values.host || '0.0.0.0';
  const protocol = values.udp ? 'udp' : 'tcp';
  const status = await checkFirewall({ program, port, host, protocol });
  let command = null;
  try {
    command = firewallCommand({ program, port, protocol });
  } catch { /* not a Windows path: no netsh line to show */ }
  const data = { program, port, host, protocol, status, command };
  const lines = [fields([
    ['verdict', `${status.state}${status.compatible ? '' : ' (connections do not get through)'}`],
    ['rules', status.rules.length ? status.rules.map((r) => `${r.name} (${r.action}, ${r.enabled ? 'enabled' : 'disabled'}${r.applies ? ', applies' : ''})`).join('; ') : '-'],
  ]), '', status.message];
  if (status.recommendation) lines.push('', status.recommendation);
  if (command) lines.push('', 'To allow it, run as administrator:', `  ${command}`);
  return { code: EXIT.OK, data, text: lines.join('\n') };
}

module.exports = { who, tree, free, firewall, portArg, ownerText, treeSummary };
