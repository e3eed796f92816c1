'use strict';
// The FirewallStatus an app shows (compatible, state, message,
// recommendation, profiles, rules) for a verdict of the C matcher
// (binding/firewall/firewall_match.c), for a policy that could not be read,
// and off Windows. Words only: nothing here reads the policy.

const { firewallCommand } = require('./command');

const PROFILES = ['domain', 'private', 'public'];
const PROFILE_BITS = { domain: 1, private: 2, public: 4 };
const PROFILE_LABEL = { domain: 'Domain', private: 'Private', public: 'Public' };
const LOOPBACK_ADVICE = 'If only this app talks to the backend, let it listen on 127.0.0.1 instead: the Windows Firewall does not filter loopback traffic.';

function profileNames(mask) {
  return PROFILES.filter((p) => (mask & PROFILE_BITS[p]) !== 0);
}

function formatRule(raw, withApplies) {
  const rule = {
    name: raw.name === null ? '' : raw.name,
    enabled: raw.enabled,
    direction: raw.direction === 2 ? 'out' : 'in',
    action: raw.action === 1 ? 'allow' : 'block',
    bypass: raw.bypass,
    profiles: profileNames(raw.profiles),
    protocol: raw.protocol,
    localPorts: raw.localPorts === null ? '*' : raw.localPorts,
    application: raw.application,
    service: raw.service,
    grouping: raw.grouping,
    edgeTraversal: raw.edgeTraversal,
  };
  if (withApplies) rule.applies = raw.applies;
  return rule;
}

function formatProfile(raw) {
  return {
    name: raw.name,
    active: raw.active,
    enabled: raw.enabled,
    defaultInboundAction: raw.defaultInboundAction === 1 ? 'allow' : 'block',
    blockAllInbound: raw.blockAllInbound,
    verdict: raw.verdict,
    reason: raw.reason,
  };
}

function joinList(items) {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function ruleNames(rules) {
  return joinList([...new Set(rules.map((r) => `"${r.name}"`))]);
}

function profilePhrase(profiles) {
  const names = profiles.map((p) => PROFILE_LABEL[p.name]);
  return `the ${joinList(names)} network profile${names.length > 1 ? 's' : ''}`;
}

function traffic(q) {
  let s = `incoming ${q.protocol.toUpperCase()} connections`;
  if (q.port !== undefined) s += ` to port ${q.port}`;
  if (q.program !== undefined) s += ` for ${q.program}`;
  return s;
}

// The command to suggest, or null when the query names neither program nor
// port (a rule for everything is not advice we give).
function suggestedCommand(q) {
  if (q.program === undefined && q.port === undefined) return null;
  try {
    return firewallCommand({ program: q.program, port: q.port, protocol: q.protocol });
  } catch {
    return null; // a path Windows cannot hold gets no command
  }
}

// Advice that ends with the command line (if any), so nothing follows it.
function allowAdvice(q, lead) {
  const cmd = suggestedCommand(q);
  const how = cmd ? `${lead} in a Command Prompt opened as administrator: ${cmd}` : `${lead} in "Windows Defender Firewall with Advanced Security" (wf.msc) as an administrator.`;
  return `${LOOPBACK_ADVICE} ${how}`;
}

// Rules that fit the traffic and are enabled for profile (whether or not
// the profile is active).
function rulesFor(rules, profile, action) {
  return rules.filter((r) => r.enabled && r.action === action && r.profiles.includes(profile));
}

function allowedClause(profile, rules) {
  switch (profile.reason) {
    case 'firewall-off':
      return `the firewall is turned off for ${profilePhrase([profile])}`;
    case 'default-allow':
      return `no rule decides and the default inbound action of ${profilePhrase([profile])} is to allow`;
    case 'bypass-rule': {
      const bypass = rulesFor(rules, profile.name, 'allow').filter((r) => r.bypass);
      return `authenticated-bypass rule ${ruleNames(bypass)} overrides block rules on ${profilePhrase([profile])} (for IPsec-authenticated peers only)`;
    }
    default: {
      const allow = rulesFor(rules, profile.name, 'allow');
      return `inbound allow rule ${ruleNames(allow)} applies on ${profilePhrase([profile])}`;
    }
  }
}

function withSkipped(status, skipped) {
  if (skipped > 0) {
    status.message += ` ${skipped} firewall rule${skipped > 1 ? 's' : ''} could not be read and ${skipped > 1 ? 'were' : 'was'} not considered.`;
    status.skipped = skipped;
  }
  return status;
}

function loopbackMessage(q) {
  return `The backend listens only on loopback (${q.host}); the Windows Firewall does not filter loopback traffic, so the app can always reach it.`;
}

// The FirewallStatus for a verdict of the C matcher (real or synthetic).
function statusFromVerdict(raw, q) {
  const rules = raw.rules.map((r) => formatRule(r, true));
  const profiles = raw.profiles.map(formatProfile);
  const active = profiles.filter((p) => p.active);
  const base = { compatible: true, state: raw.state, message: '', profiles, rules };

  if (raw.state === 'not-applicable') {
    base.message = loopbackMessage(q);
    return withSkipped(base, raw.skipped);
  }

  if (raw.state === 'allowed') {
    if (active.every((p) => p.reason === 'firewall-off')) {
      base.message = `The Windows Firewall is turned off for ${profilePhrase(active)}, so nothing blocks ${traffic(q)}.`;
    } else {
      base.message = `The Windows Firewall lets ${traffic(q)} through: ${active.map((p) => allowedClause(p, rules)).join('; ')}.`;
    }
    return withSkipped(base, raw.skipped);
  }

  base.compatible = false;
  if (raw.state === 'blocked') {
    const blocked = active.filter((p) => p.verdict === 'blocked');
    const blockAll = blocked.filter((p) => p.reason === 'block-all');
    const byRule = blocked.filter((p) => p.reason === 'block-rule');
    const blockedBy = rules.filter((r) => r.applies && r.action === 'block' &&
      byRule.some((p) => r.profiles.includes(p.name)));
    const clauses = [];
    if (byRule.length) clauses.push(`inbound block rule ${ruleNames(blockedBy)} applies on ${profilePhrase(byRule)}, and a block rule beats every allow rule`);
    if (blockAll.length) clauses.push(`${profilePhrase(blockAll)} blocks all incoming connections ("Block all incoming connections, including those in the list of allowed apps"), whatever the rules say`);
    base.message = `The Windows Firewall blocks ${traffic(q)}: ${clauses.join('; ')}.`;
    const advice = [];
    const namesProgram = blockedBy.filter((r) => r.application !== null);
    if (namesProgram.length) {
      base.message += ` ${namesProgram.length > 1 ? 'These block rules name' : 'This block rule names'} the program itself. Pressing "Cancel" on the "Windows Security Alert" prompt creates exactly such inbound block rules, and they beat any allow rule added later — the most common reason a backend is silently blocked.`;
    }
    let cmd = null;
    if (byRule.length) {
      const allowExists = byRule.every((p) => rulesFor(rules, p.name, 'allow').length > 0);
      advice.push(`As an administrator, open "Windows Defender Firewall with Advanced Security" (wf.msc) → Inbound Rules and delete or disable the block rule ${ruleNames(blockedBy)}${q.program !== undefined ? ` for ${q.program}` : ''}${allowExists ? '; the existing allow rule then takes effect' : ''}.`);
      if (!allowExists) cmd = suggestedCommand(q);
    }
    if (blockAll.length) {
      advice.push(`Turn off "Block all incoming connections" for ${profilePhrase(blockAll)} (Windows Security → Firewall & network protection).`);
    }
    advice.push(LOOPBACK_ADVICE);
    if (cmd) advice.push(`Once the block rule is gone, allow the backend in a Command Prompt opened as administrator: ${cmd}`);
    base.recommendation = advice.join(' ');
    base.blockedBy = blockedBy;
    return withSkipped(base, raw.skipped);
  }

  // 'no-rule': nothing allows the traffic and the default inbound action blocks it.
  const undecided = active.filter((p) => p.verdict === 'no-rule');
  base.message = `No Windows Firewall rule allows ${traffic(q)}, and the default inbound action of ${profilePhrase(undecided)} is to block, so other devices cannot connect. Windows usually shows a "Windows Security Alert" the first time a program listens on the network; until someone chooses "Allow access", connections are blocked.`;
  const disabled = rules.filter((r) => !r.enabled && r.action === 'allow');
  const elsewhere = rules.filter((r) => r.enabled && r.action === 'allow' &&
    !undecided.some((p) => r.profiles.includes(p.name)));
  if (disabled.length) base.message += ` The allow rule ${ruleNames(disabled)} exists but is disabled.`;
  if (elsewhere.length) base.message += ` The allow rule ${ruleNames(elsewhere)} covers other network profiles only.`;
  base.recommendation = allowAdvice(q, 'Choose "Allow access" when Windows asks, or add a rule');
  return withSkipped(base, raw.skipped);
}

const UNKNOWN_HINTS = {
  EPT_S_NOT_REGISTERED: ' The Windows Defender Firewall service (mpssvc) does not seem to be running.',
  RPC_S_SERVER_UNAVAILABLE: ' The Windows Defender Firewall service (mpssvc) does not seem to be running.',
  ERROR_SERVICE_DISABLED: ' The Windows Defender Firewall service (mpssvc) is disabled.',
  E_ACCESSDENIED: ' This account may not read the firewall policy.',
  EPERM: ' This account may not read the firewall policy.',
  E_NOTIMPL: ' This system does not implement the Windows Firewall API (Wine, for one, does not).',
};

// The policy could not be read: say so, and claim neither verdict.
function unknownStatus(q, err) {
  const error = { code: err.code, message: err.message };
  if (err.hresult !== undefined) error.hresult = err.hresult;
  if (err.syscall !== undefined) error.syscall = err.syscall;
  if (err.errno !== undefined) error.errno = err.errno;
  const hint = UNKNOWN_HINTS[err.code] || '';
  const service = /mpssvc/.test(hint) ? 'Start the "Windows Defender Firewall" service (services.msc) and check again. ' : '';
  return {
    // Not known to get through, so not claimed compatible; the message says
    // that nothing is known to block it either.
    compatible: false,
    state: 'unknown',
    message: `The Windows Firewall settings could not be read (${err.message}), so whether it lets ${traffic(q)} through is unknown.${hint}`,
    recommendation: service + allowAdvice(q, 'If other devices cannot connect, allow the backend'),
    profiles: [],
    rules: [],
    error,
  };
}

function notApplicableStatus() {
  const others = process.platform === 'darwin'
    ? 'The macOS Application Firewall is not inspected.'
    : 'Host firewalls such as nftables/iptables, ufw or firewalld are not inspected.';
  return {
    compatible: true,
    state: 'not-applicable',
    message: `The Windows Firewall exists only on Windows; this is ${process.platform}, so there is no Windows Firewall to block the backend. ${others}`,
    profiles: [],
    rules: [],
  };
}

module.exports = { statusFromVerdict, unknownStatus, notApplicableStatus, loopbackMessage, formatRule };
