'use strict';
// `backend-warden doctor`: one report a user can paste into a support
// ticket — platform and versions, which native binary is loaded (prebuild
// or source build), glibc or Windows version, the OS's port ranges
// (Windows excluded port ranges, Linux ephemeral and reserved ports), and
// with --port/--program what `who` and `firewall` would say.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFile } = require('child_process');
const { isPortFree } = require('../ports');
const { checkFirewall } = require('../firewall');
const { whoHolds } = require('./facts');
const { fields } = require('./format');
const { EXIT } = require('./exit');
const { portArg, ownerText } = require('./commands');

function run(file, args) {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 5000, windowsHide: true }, (err, stdout) => resolve(err ? null : String(stdout)));
  });
}

function readTrim(file) {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

// netsh's "Start Port  End Port" table; lines ending in * are
// administered (persistent) exclusions.
function parseExcluded(text) {
  const out = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(\d+)\s+(\d+)\s*(\*)?\s*$/.exec(line);
    if (m) out.push({ start: Number(m[1]), end: Number(m[2]), administered: Boolean(m[3]) });
  }
  return out;
}

async function portRanges() {
  if (process.platform === 'win32') {
    const ranges = {};
    for (const protocol of ['tcp', 'udp']) {
      const text = await run('netsh', ['interface', 'ipv4', 'show', 'excludedportrange', `protocol=${protocol}`]);
      ranges[protocol] = text === null ? null : parseExcluded(text);
    }
    return { excluded: ranges };
  }
  if (process.platform === 'linux') {
    const eph = readTrim('/proc/sys/net/ipv4/ip_local_port_range');
    return {
      ephemeral: eph ? eph.split(/\s+/).map(Number) : null,
      reserved: readTrim('/proc/sys/net/ipv4/ip_local_reserved_ports') || '',
      unprivilegedFrom: Number(readTrim('/proc/sys/net/ipv4/ip_unprivileged_port_start')) || 1024,
    };
  }
  const first = await run('sysctl', ['-n', 'net.inet.ip.portrange.first']);
  const last = await run('sysctl', ['-n', 'net.inet.ip.portrange.last']);
  return { ephemeral: first && last ? [Number(first), Number(last)] : null };
}

function nativeFacts() {
  try {
    const { nativeInfo } = require('..');
    const info = nativeInfo();
    const kind = info.path.split(path.sep).includes('prebuilds') ? 'prebuild' : 'source build';
    return { ok: true, kind, ...info };
  } catch (err) {
    return { ok: false, error: { code: err.code || null, message: String(err.message).split('\n')[0] } };
  }
}

function glibc() {
  if (process.platform !== 'linux') return null;
  try {
    return process.report.getReport().header.glibcVersionRuntime || null;
  } catch {
    return null;
  }
}

async function doctor({ values }) {
  const port = values.port === undefined ? undefined : portArg(values.port, '--port');
  const program = values.program === undefined ? undefined : path.resolve(values.program);
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
  const data = {
    tool: { name: pkg.name, version: pkg.version },
    platform: {
      platform: process.platform, arch: process.arch, type: os.type(), release: os.release(),
      version: typeof os.version === 'function' ? os.version() : null, glibc: glibc(),
    },
    runtime: { node: process.version, electron: process.versions.electron || null, napi: process.versions.napi || null },
    native: nativeFacts(),
    ports: await portRanges(),
  };
  if (data.native.ok && port !== undefined) {
    data.port = { ...(await whoHolds(port)), free: await isPortFree(port, '0.0.0.0').catch(() => null) };
  }
  if (data.native.ok && program !== undefined) {
    data.firewall = await checkFirewall({ program, port, host: '0.0.0.0' });
  }
  return { code: data.native.ok ? EXIT.OK : EXIT.FAILED, data, text: doctorText(data) };
}

function doctorText(d) {
  const p = d.platform;
  const n = d.native;
  const pairs = [
    ['backend-warden', d.tool.version],
    ['platform', `${p.platform}-${p.arch} (${p.type} ${p.release}${p.version ? `, ${p.version}` : ''})`],
    ['node', `${d.runtime.node}${d.runtime.electron ? `, electron ${d.runtime.electron}` : ''}, Node-API ${d.runtime.napi}`],
  ];
  if (p.glibc) pairs.push(['glibc', p.glibc]);
  pairs.push(['native', n.ok ? `${n.kind}, ${n.path} (built for Node-API ${n.builtNapiVersion})` : `NOT LOADED: ${n.error.message}`]);
  const r = d.ports;
  if (r.excluded) {
    for (const [proto, list] of Object.entries(r.excluded)) {
      pairs.push([`excluded ${proto} ports`, list === null ? '(netsh failed)' : list.length ? list.map((x) => `${x.start}-${x.end}${x.administered ? '*' : ''}`).join(', ') : 'none']);
    }
  }
  if (r.ephemeral !== undefined) pairs.push(['ephemeral ports', r.ephemeral ? r.ephemeral.join('-') : '-']);
  if (r.reserved !== undefined) pairs.push(['reserved ports', r.reserved || 'none']);
  if (r.unprivilegedFrom !== undefined) pairs.push(['unprivileged from', r.unprivilegedFrom]);
  const parts = [fields(pairs)];
  if (d.port) {
    parts.push('', d.port.owner ? `Port ${d.port.port} is held by:\n${ownerText(d.port.owner)}` : `Nothing holds port ${d.port.port}${d.port.free === false ? ' (but it cannot be bound: privileged or excluded)' : ''}.`);
  }
  if (d.firewall) parts.push('', `Firewall: ${d.firewall.state}. ${d.firewall.message}${d.firewall.recommendation ? `\n${d.firewall.recommendation}` : ''}`);
  return parts.join('\n');
}

module.exports = { doctor, parseExcluded };
