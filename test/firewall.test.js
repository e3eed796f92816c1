'use strict';
// Windows Firewall verdicts. The C matcher is fed synthetic rule sets on
// every platform (real code, no mocked OS); the COM path runs end to end on
// the Windows lane; firewallCommand's quoting is checked as text everywhere
// and through a real cmd.exe on the Windows lane.

const assert = require('assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const native = require('../lib/native');
const { checkFirewall, firewallRule, firewallCommand } = require('..');
const { evaluateFirewall, isLoopbackHost } = require('../lib/firewall');
const { isWindows, isWine, fixture, rng, fuzzSeed } = require('./helpers');

// NET_FW_* constants as INetFwRule reports them.
const IN = 1, OUT = 2, BLOCK = 0, ALLOW = 1;
const DOMAIN = 1, PRIVATE = 2, PUBLIC = 4, ALL = 0x7fffffff;
const TCP = 6, UDP = 17, ANY = 256;

const PROGRAM = 'C:\\Program Files\\My App\\backend.exe';
const LAN = { program: PROGRAM, port: 5000, host: '0.0.0.0' };

function profile(overrides = {}) {
  return { enabled: true, blockAllInbound: false, defaultInboundAction: BLOCK, ...overrides };
}

function policy({ current = PRIVATE, domain, priv, pub, rules = [] } = {}) {
  return {
    currentProfiles: current,
    profiles: { domain: profile(domain), private: profile(priv), public: profile(pub) },
    rules,
  };
}

function rule(overrides = {}) {
  return {
    name: 'rule', enabled: true, direction: IN, action: ALLOW, profiles: ALL, protocol: TCP,
    localPorts: '*', application: PROGRAM, ...overrides,
  };
}

const allowProgram = rule({ name: 'My App', localPorts: '5000' });
// What pressing Cancel on the "Windows Security Alert" prompt leaves behind.
const cancelBlock = rule({ name: 'backend.exe', action: BLOCK, profiles: PRIVATE | PUBLIC });

describe('firewall', function () {
  describe('verdicts on synthetic rule sets (the C matcher, on every platform)', function () {
    it('no rule and default inbound action block → no-rule, not compatible, with the netsh line', function () {
      const s = evaluateFirewall(policy(), LAN);
      assert.strictEqual(s.state, 'no-rule');
      assert.strictEqual(s.compatible, false);
      assert.match(s.message, /No Windows Firewall rule allows incoming TCP connections to port 5000 for C:\\Program Files\\My App\\backend\.exe/);
      assert.match(s.message, /default inbound action of the Private network profile is to block/);
      assert.match(s.recommendation, /netsh advfirewall firewall add rule name="backend\.exe" dir=in action=allow program="C:\\Program Files\\My App\\backend\.exe" .*localport=5000$/);
      assert.deepStrictEqual(s.rules, []);
      assert.strictEqual(s.blockedBy, undefined);
    });

    it('an allow rule for the program and port → allowed, compatible, the rule named', function () {
      const s = evaluateFirewall(policy({ rules: [allowProgram] }), LAN);
      assert.strictEqual(s.state, 'allowed');
      assert.strictEqual(s.compatible, true);
      assert.match(s.message, /inbound allow rule "My App" applies on the Private network profile/);
      assert.strictEqual(s.recommendation, undefined);
      assert.strictEqual(s.rules.length, 1);
      assert.deepStrictEqual(s.rules[0], {
        name: 'My App', enabled: true, direction: 'in', action: 'allow', bypass: false,
        profiles: ['domain', 'private', 'public'], protocol: TCP, localPorts: '5000',
        application: PROGRAM, service: null, grouping: null, edgeTraversal: false, applies: true,
      });
      const priv = s.profiles.find((p) => p.name === 'private');
      assert.deepStrictEqual(priv, {
        name: 'private', active: true, enabled: true, defaultInboundAction: 'block',
        blockAllInbound: false, verdict: 'allowed', reason: 'allow-rule',
      });
      assert.deepStrictEqual(s.profiles.map((p) => [p.name, p.active]), [['domain', false], ['private', true], ['public', false]]);
    });

    it('block beats allow; a block rule naming the program explains the Cancel button', function () {
      const s = evaluateFirewall(policy({ rules: [allowProgram, cancelBlock] }), LAN);
      assert.strictEqual(s.state, 'blocked');
      assert.strictEqual(s.compatible, false);
      assert.deepStrictEqual(s.blockedBy.map((r) => r.name), ['backend.exe']);
      assert.match(s.message, /inbound block rule "backend\.exe" applies on the Private network profile, and a block rule beats every allow rule/);
      assert.match(s.message, /Pressing "Cancel" on the "Windows Security Alert" prompt creates exactly such inbound block rules, and they beat any allow rule/);
      assert.match(s.recommendation, /wf\.msc.*delete or disable the block rule "backend\.exe" for C:\\Program Files\\My App\\backend\.exe; the existing allow rule then takes effect/);
      assert.ok(s.rules.every((r) => r.applies));
    });

    it('a port-only block rule blocks too, without blaming the prompt, and suggests the allow rule', function () {
      const s = evaluateFirewall(policy({ rules: [rule({ name: 'no 5000', action: BLOCK, application: null, localPorts: '5000' })] }), LAN);
      assert.strictEqual(s.state, 'blocked');
      assert.doesNotMatch(s.message, /Cancel/);
      assert.match(s.recommendation, /Once the block rule is gone, allow the backend in a Command Prompt opened as administrator: netsh /);
    });

    it('disabled rules are ignored (and listed with applies: false)', function () {
      const s = evaluateFirewall(policy({ rules: [allowProgram, { ...cancelBlock, enabled: false }] }), LAN);
      assert.strictEqual(s.state, 'allowed');
      const blocked = s.rules.find((r) => r.action === 'block');
      assert.strictEqual(blocked.applies, false);
      assert.strictEqual(blocked.enabled, false);
    });

    it('a disabled allow rule does not allow, and the message says it exists but is disabled', function () {
      const s = evaluateFirewall(policy({ rules: [{ ...allowProgram, enabled: false }] }), LAN);
      assert.strictEqual(s.state, 'no-rule');
      assert.match(s.message, /The allow rule "My App" exists but is disabled/);
    });

    it('rules for another profile are ignored: Domain-only block while on a Private network', function () {
      const s = evaluateFirewall(policy({ rules: [allowProgram, { ...cancelBlock, profiles: DOMAIN }] }), LAN);
      assert.strictEqual(s.state, 'allowed');
      const domain = s.profiles.find((p) => p.name === 'domain');
      assert.deepStrictEqual([domain.active, domain.verdict, domain.reason], [false, 'blocked', 'block-rule']);
      const s2 = evaluateFirewall(policy({ rules: [{ ...allowProgram, profiles: DOMAIN }] }), LAN);
      assert.strictEqual(s2.state, 'no-rule');
      assert.match(s2.message, /The allow rule "My App" covers other network profiles only/);
    });

    it('with several active profiles the strictest decides', function () {
      const s = evaluateFirewall(policy({ current: PRIVATE | PUBLIC, rules: [{ ...allowProgram, profiles: PRIVATE }] }), LAN);
      assert.strictEqual(s.state, 'no-rule');
      assert.match(s.message, /default inbound action of the Public network profile/);
      const s2 = evaluateFirewall(policy({ current: PRIVATE | PUBLIC, rules: [allowProgram, { ...cancelBlock, profiles: PUBLIC }] }), LAN);
      assert.strictEqual(s2.state, 'blocked');
      assert.match(s2.message, /applies on the Public network profile/);
    });

    it('outbound rules are ignored', function () {
      const s = evaluateFirewall(policy({ rules: [allowProgram, { ...cancelBlock, direction: OUT }] }), LAN);
      assert.strictEqual(s.state, 'allowed');
      assert.deepStrictEqual(s.rules.map((r) => r.name), ['My App']);
    });

    it('rules naming a Windows service never apply to a backend', function () {
      const s = evaluateFirewall(policy({ rules: [rule({ application: null, service: 'Spooler' })] }), LAN);
      assert.strictEqual(s.state, 'no-rule');
    });

    describe('local ports', function () {
      const cases = [
        ['80,443,5000-5010', 5005, true],
        ['80,443,5000-5010', 443, true],
        ['80,443,5000-5010', 5011, false],
        ['80, 443 ,5000-5010', 443, true],
        ['*', 5000, true],
        ['5000', 5000, true],
        ['50000', 5000, false],
        ['4999-5000', 5000, true],
        ['5001-65535', 5000, false],
        ['RPC', 135, false],
        ['RPC-EPMap', 135, false],
        ['IPHTTPS', 443, false],
        ['Teredo,5000', 5000, true],
        ['70000', 5000, false],
      ];
      for (const [ports, port, admits] of cases) {
        it(`"${ports}" ${admits ? 'admits' : 'does not admit'} port ${port}`, function () {
          const s = evaluateFirewall(policy({ rules: [rule({ localPorts: ports })] }), { ...LAN, port });
          assert.strictEqual(s.state, admits ? 'allowed' : 'no-rule');
        });
      }

      it('a query without a port is admitted only by rules for any port', function () {
        assert.strictEqual(evaluateFirewall(policy({ rules: [rule({ localPorts: '5000' })] }), { program: PROGRAM, host: '0.0.0.0' }).state, 'no-rule');
        assert.strictEqual(evaluateFirewall(policy({ rules: [rule({ localPorts: '*' })] }), { program: PROGRAM, host: '0.0.0.0' }).state, 'allowed');
        assert.strictEqual(evaluateFirewall(policy({ rules: [rule({ localPorts: null })] }), { program: PROGRAM, host: '0.0.0.0' }).state, 'allowed');
      });
    });

    describe('protocols (NET_FW_IP_PROTOCOL, not NET_FW_IP_VERSION)', function () {
      it('256 (any) matches TCP and UDP', function () {
        const p = policy({ rules: [rule({ protocol: ANY, localPorts: null })] });
        assert.strictEqual(evaluateFirewall(p, LAN).state, 'allowed');
        assert.strictEqual(evaluateFirewall(p, { ...LAN, protocol: 'udp' }).state, 'allowed');
      });

      it('6 matches TCP only, 17 UDP only', function () {
        assert.strictEqual(evaluateFirewall(policy({ rules: [rule({ protocol: TCP })] }), { ...LAN, protocol: 'udp' }).state, 'no-rule');
        assert.strictEqual(evaluateFirewall(policy({ rules: [rule({ protocol: UDP })] }), LAN).state, 'no-rule');
        assert.strictEqual(evaluateFirewall(policy({ rules: [rule({ protocol: UDP })] }), { ...LAN, protocol: 'udp' }).state, 'allowed');
      });

      it('the IP-version constants 0, 1, 2 are not "TCP" or "any"', function () {
        for (const protocol of [0, 1, 2]) {
          assert.strictEqual(evaluateFirewall(policy({ rules: [rule({ protocol, localPorts: null })] }), LAN).state, 'no-rule', String(protocol));
        }
      });
    });

    describe('program paths', function () {
      it('compare case-insensitively, with / and \\ alike', function () {
        for (const application of ['c:\\PROGRAM FILES\\my app\\BACKEND.EXE', 'C:/Program Files/My App/backend.exe']) {
          assert.strictEqual(evaluateFirewall(policy({ rules: [rule({ application })] }), LAN).state, 'allowed', application);
        }
        assert.strictEqual(evaluateFirewall(policy({ rules: [rule({ application: 'C:\\Program Files\\My App\\backend2.exe' })] }), LAN).state, 'no-rule');
      });

      it('fold non-ASCII letters (Latin, Greek, Cyrillic) too', function () {
        const program = 'C:\\Users\\Ärger\\Ωmega\\Программа\\app.exe';
        const application = 'c:\\users\\äRGER\\ωMEGA\\пРОГРАММА\\APP.EXE';
        assert.strictEqual(evaluateFirewall(policy({ rules: [rule({ application })] }), { ...LAN, program }).state, 'allowed');
      });

      it('expand %VAR% from the environment (names case-insensitive) before comparing', function () {
        const p = policy({ rules: [rule({ application: '%ProgramFiles%\\My App\\backend.exe' })] });
        assert.strictEqual(evaluateFirewall(p, LAN, { PROGRAMFILES: 'C:\\Program Files' }).state, 'allowed');
        assert.strictEqual(evaluateFirewall(p, LAN, { ProgramFiles: 'D:\\Apps' }).state, 'no-rule');
        assert.strictEqual(evaluateFirewall(p, LAN, {}).state, 'no-rule', 'an unset variable stays as written');
        const p2 = policy({ rules: [rule({ application: '%SystemDrive%\\%Dir%\\My App\\backend.exe' })] });
        assert.strictEqual(evaluateFirewall(p2, LAN, { SystemDrive: 'C:', dir: 'Program Files' }).state, 'allowed');
      });

      it('a rule for one program says nothing about a query that names none; a rule for any program does', function () {
        assert.strictEqual(evaluateFirewall(policy({ rules: [cancelBlock] }), { port: 5000, host: '0.0.0.0' }).state, 'no-rule');
        assert.strictEqual(evaluateFirewall(policy({ rules: [rule({ application: null })] }), { port: 5000, host: '0.0.0.0' }).state, 'allowed');
      });
    });

    it('a loopback-only backend is compatible whatever the rules: the firewall does not filter loopback', function () {
      for (const host of ['127.0.0.1', '::1', 'localhost', '127.1.2.3', '::ffff:127.0.0.1', '[::1]']) {
        const s = evaluateFirewall(policy({ pub: { blockAllInbound: true }, current: PUBLIC, rules: [cancelBlock] }), { ...LAN, host });
        assert.strictEqual(s.state, 'not-applicable', host);
        assert.strictEqual(s.compatible, true, host);
        assert.match(s.message, /the Windows Firewall does not filter loopback traffic/, host);
        assert.ok(s.profiles.every((p) => p.reason === 'loopback'), host);
        assert.ok(s.rules.every((r) => r.applies === false), host);
      }
      for (const host of ['0.0.0.0', '::', '192.168.1.20', 'myhost.local', '128.0.0.1']) {
        assert.strictEqual(isLoopbackHost(host), false, host);
      }
    });

    it('no matching rule: the default inbound action decides (allow)', function () {
      const s = evaluateFirewall(policy({ priv: { defaultInboundAction: ALLOW } }), LAN);
      assert.strictEqual(s.state, 'allowed');
      assert.match(s.message, /default inbound action of the Private network profile is to allow/);
    });

    it('BlockAllInboundTraffic blocks everything, allow and bypass rules included', function () {
      const s = evaluateFirewall(policy({
        current: PUBLIC,
        pub: { blockAllInbound: true },
        rules: [allowProgram, rule({ name: 'bypass', bypass: true })],
      }), LAN);
      assert.strictEqual(s.state, 'blocked');
      assert.deepStrictEqual(s.blockedBy, []);
      assert.match(s.message, /the Public network profile blocks all incoming connections \("Block all incoming connections, including those in the list of allowed apps"\)/);
      assert.match(s.recommendation, /Turn off "Block all incoming connections" for the Public network profile/);
    });

    it('the firewall turned off on every active profile allows, whatever the rules', function () {
      const s = evaluateFirewall(policy({ current: PRIVATE | DOMAIN, priv: { enabled: false }, domain: { enabled: false }, rules: [cancelBlock] }), LAN);
      assert.strictEqual(s.state, 'allowed');
      assert.match(s.message, /The Windows Firewall is turned off for the Domain and Private network profiles/);
      assert.strictEqual(s.rules[0].applies, false, 'a rule in a profile whose firewall is off takes no part');
      const s2 = evaluateFirewall(policy({ current: PRIVATE | PUBLIC, priv: { enabled: false } }), LAN);
      assert.strictEqual(s2.state, 'no-rule', 'Public still filters');
    });

    it('only an authenticated-bypass allow rule beats a block rule; edge traversal does not', function () {
      const bypass = evaluateFirewall(policy({ rules: [cancelBlock, rule({ name: 'bypass', bypass: true })] }), LAN);
      assert.strictEqual(bypass.state, 'allowed');
      assert.match(bypass.message, /authenticated-bypass rule "bypass" overrides block rules .*IPsec-authenticated peers only/);
      const edge = evaluateFirewall(policy({ rules: [cancelBlock, rule({ name: 'edge', edgeTraversal: true })] }), LAN);
      assert.strictEqual(edge.state, 'blocked');
    });

    it('with no current profile reported, all three profiles are judged', function () {
      const s = evaluateFirewall(policy({ current: 0, rules: [allowProgram, { ...cancelBlock, profiles: DOMAIN }] }), LAN);
      assert.strictEqual(s.state, 'blocked');
      assert.ok(s.profiles.every((p) => p.active));
    });
  });

  describe('checkFirewall on this machine', function () {
    if (!isWindows) {
      it(`${process.platform}: not-applicable and compatible, and the message says why`, async function () {
        const s = await checkFirewall({ program: '/usr/bin/backend', port: 5000, host: '0.0.0.0' });
        assert.strictEqual(s.state, 'not-applicable');
        assert.strictEqual(s.compatible, true);
        assert.match(s.message, /The Windows Firewall exists only on Windows; this is \w+, so there is no Windows Firewall to block the backend/);
        assert.deepStrictEqual([s.profiles, s.rules], [[], []]);
        assert.deepStrictEqual(await firewallRule({ name: 'My App' }), { exists: false });
      });

      it(`${process.platform}: the raw COM entry points reject with ENOTSUP (no COM code is built here)`, async function () {
        await assert.rejects(native.binding().firewallCheck({}), { code: 'ENOTSUP', syscall: 'INetFwPolicy2' });
        await assert.rejects(native.binding().firewallRules({ name: 'x' }), { code: 'ENOTSUP', syscall: 'INetFwPolicy2' });
      });
    } else {
      it('Windows: a loopback-only backend is not-applicable without reading the policy', async function () {
        const s = await checkFirewall({ program: process.execPath, port: 5000 });
        assert.strictEqual(s.state, 'not-applicable');
        assert.strictEqual(s.compatible, true);
        assert.match(s.message, /does not filter loopback/);
      });
    }

    if (isWine) {
      it('Wine: the COM path runs end to end and reports E_NOTIMPL (0x80004001) as state unknown, not as a verdict', async function () {
        const s = await checkFirewall({ program: process.execPath, port: 5000, host: '0.0.0.0' });
        assert.strictEqual(s.state, 'unknown');
        assert.strictEqual(s.compatible, false);
        assert.strictEqual(s.error.code, 'E_NOTIMPL');
        assert.strictEqual(s.error.hresult, '0x80004001');
        // Wine 8 creates NetFwPolicy2 and answers get_Rules, but not get__NewEnum.
        assert.strictEqual(s.error.syscall, 'INetFwRules::get__NewEnum');
        assert.match(s.message, /could not be read \(E_NOTIMPL: .*\), so whether it lets incoming TCP connections to port 5000 for .* through is unknown/);
        assert.match(s.message, /Wine/);
        assert.match(s.recommendation, /netsh advfirewall firewall add rule /);
        assert.deepStrictEqual([s.profiles, s.rules, s.blockedBy], [[], [], undefined]);
        assert.doesNotThrow(() => JSON.stringify(s));
      });

      it('Wine: firewallRule rejects with the HRESULT as a Node-style error', async function () {
        await assert.rejects(firewallRule({ program: process.execPath }), (err) => {
          assert.strictEqual(err.code, 'E_NOTIMPL');
          assert.strictEqual(err.hresult, '0x80004001');
          assert.strictEqual(err.syscall, 'INetFwRules::get__NewEnum');
          assert.strictEqual(typeof err.errno, 'number');
          return true;
        });
      });

      it('Wine: many concurrent COM reads on pool threads all come back clean', async function () {
        this.timeout(60000);
        const all = await Promise.all(Array.from({ length: 24 }, (_, i) => (i % 2
          ? checkFirewall({ port: 5000 + i, host: '0.0.0.0' })
          : native.binding().firewallRules({ name: `r${i}` }).then(() => null, (e) => e))));
        for (const r of all) {
          if (r instanceof Error) assert.strictEqual(r.code, 'E_NOTIMPL');
          else if (r !== null) assert.strictEqual(r.state, 'unknown');
        }
      });
    } else if (isWindows) {
      it('Windows: the COM path answers with a verdict or an explained unknown', async function () {
        const s = await checkFirewall({ program: process.execPath, port: 5000, host: '0.0.0.0' });
        assert.ok(['allowed', 'blocked', 'no-rule', 'unknown'].includes(s.state), s.state);
        if (s.state === 'unknown') assert.match(s.error.hresult, /^0x[0-9a-f]{8}$/);
        else assert.strictEqual(s.profiles.length, 3);
      });
    }
  });

  describe('firewallCommand', function () {
    it('builds the netsh line for a plain path and port', function () {
      assert.strictEqual(firewallCommand({ name: 'My App', program: 'C:\\Apps\\backend.exe', port: 5000 }),
        'netsh advfirewall firewall add rule name="My App" dir=in action=allow program="C:\\Apps\\backend.exe" enable=yes profile=any protocol=TCP localport=5000');
    });

    it('defaults the name to the program file name, or to the port', function () {
      assert.match(firewallCommand({ program: 'C:\\Apps\\backend.exe' }), /^netsh advfirewall firewall add rule name="backend\.exe" dir=in action=allow program="C:\\Apps\\backend\.exe" enable=yes profile=any protocol=TCP$/);
      assert.strictEqual(firewallCommand({ port: 53, protocol: 'udp' }),
        'netsh advfirewall firewall add rule name="UDP port 53" dir=in action=allow enable=yes profile=any protocol=UDP localport=53');
    });

    it('keeps spaces, & and parentheses inside quotes, where cmd.exe leaves them alone', function () {
      const cmd = firewallCommand({ name: 'R&D (x86)', program: 'C:\\Program Files (x86)\\R&D Tools\\srv.exe', port: 8080 });
      assert.strictEqual(cmd, 'netsh advfirewall firewall add rule name="R&D (x86)" dir=in action=allow program="C:\\Program Files (x86)\\R&D Tools\\srv.exe" enable=yes profile=any protocol=TCP localport=8080');
    });

    it('escapes quotes in names for the C runtime (\\") and carets what cmd.exe then sees unquoted', function () {
      assert.strictEqual(firewallCommand({ name: 'say "hi" & bye', port: 1 }),
        'netsh advfirewall firewall add rule name="say \\"hi\\" & bye" dir=in action=allow enable=yes profile=any protocol=TCP localport=1');
      // One embedded quote flips cmd.exe's quote state for the rest of the value.
      assert.strictEqual(firewallCommand({ name: 'a"b&c', port: 1 }),
        'netsh advfirewall firewall add rule name="a\\"b^&c" dir=in action=allow enable=yes profile=any protocol=TCP localport=1');
      assert.strictEqual(firewallCommand({ name: 'back\\"slash\\', port: 1 }),
        'netsh advfirewall firewall add rule name="back\\\\\\"slash\\\\" dir=in action=allow enable=yes profile=any protocol=TCP localport=1');
    });

    it('keeps % out of cmd.exe\'s variable expansion: every % sits between quoted pieces', function () {
      assert.strictEqual(firewallCommand({ name: '100%PATH%', program: 'C:\\tools\\%OS%\\x.exe', port: 1 }),
        'netsh advfirewall firewall add rule name="100"%"PATH"%"" dir=in action=allow program="C:\\tools\\\\"%"OS"%"\\x.exe" enable=yes profile=any protocol=TCP localport=1');
    });

    it('passes non-ASCII characters through unchanged', function () {
      assert.strictEqual(firewallCommand({ name: 'Sérvice 端口', program: 'C:\\Users\\Zoë\\Программа\\app.exe', port: 5000 }),
        'netsh advfirewall firewall add rule name="Sérvice 端口" dir=in action=allow program="C:\\Users\\Zoë\\Программа\\app.exe" enable=yes profile=any protocol=TCP localport=5000');
    });

    (isWindows ? it : it.skip)(`round trip through a real cmd.exe: netsh would receive exactly these arguments${isWindows ? (isWine ? ' (Wine cmd.exe)' : '') : ' (skipped: needs cmd.exe, Windows lane only)'}`, function () {
      this.timeout(60000);
      const cases = [
        { name: 'My App', program: 'C:\\Program Files (x86)\\R&D Tools\\srv.exe', port: 5000 },
        { name: 'say "hi" & bye | (now) <x> ^', port: 1, protocol: 'udp' },
        { name: 'Ärger 端口 a"b&c', program: 'C:\\Users\\Zoë\\100% sure\\%PATH%\\app.exe', port: 65535 },
        // OS is set on every Windows: a line that let cmd.exe expand it would fail here.
        { name: '%OS% x"%OS%"&y', program: 'C:\\R&D (x86)\\a b\\%OS%\\x.exe', port: 7 },
      ];
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-netsh-'));
      try {
        for (const c of cases) {
          const line = firewallCommand(c);
          assert.ok(line.startsWith('netsh '));
          const run = `"${process.execPath}" "${fixture('firewall-argv.js')}"${line.slice('netsh'.length)}`;
          const out = path.join(dir, 'argv.json');
          const fd = fs.openSync(out, 'w');
          // Windows Node under Wine cannot write to a pipe: output goes to a file.
          const r = spawnSync(process.env.ComSpec || 'cmd.exe', ['/d', '/s', '/c', `"${run}"`], {
            windowsVerbatimArguments: true, stdio: ['ignore', fd, fd], timeout: 50000,
          });
          fs.closeSync(fd);
          const text = fs.readFileSync(out, 'utf8');
          assert.strictEqual(r.status, 0, `${line}\n${text}`);
          const expected = ['advfirewall', 'firewall', 'add', 'rule', `name=${c.name}`, 'dir=in', 'action=allow'];
          if (c.program) expected.push(`program=${c.program}`);
          expected.push('enable=yes', 'profile=any', `protocol=${(c.protocol || 'tcp').toUpperCase()}`, `localport=${c.port}`);
          assert.deepStrictEqual(JSON.parse(text), expected, line);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('bad input', function () {
    const tE = (code) => (err) => err instanceof TypeError && err.code === code;
    const rE = (err) => err instanceof RangeError && err.code === 'ERR_OUT_OF_RANGE';
    const absolute = isWindows ? 'C:\\x\\backend.exe' : '/x/backend';

    const checkCases = [
      ['options not an object', 'nope', tE('ERR_INVALID_ARG_TYPE')],
      ['relative program', { program: 'bin\\backend.exe' }, tE('ERR_INVALID_ARG_VALUE')],
      ['non-string program', { program: 42 }, tE('ERR_INVALID_ARG_TYPE')],
      ['port out of range', { program: absolute, port: 70000 }, rE],
      ['port 0', { port: 0 }, rE],
      ['fractional port', { port: 80.5 }, rE],
      ['string port', { port: '80' }, tE('ERR_INVALID_ARG_TYPE')],
      ['unknown protocol', { port: 80, protocol: 'sctp' }, tE('ERR_INVALID_ARG_VALUE')],
      ['numeric protocol', { port: 80, protocol: 6 }, tE('ERR_INVALID_ARG_TYPE')],
      ['non-string host', { port: 80, host: 127 }, tE('ERR_INVALID_ARG_TYPE')],
    ];
    for (const [what, options, check] of checkCases) {
      it(`checkFirewall: ${what} → ${check === rE ? 'RangeError' : 'TypeError'}`, async function () {
        await assert.rejects(checkFirewall(options), check);
      });
    }

    it('firewallRule: missing, empty or mistyped filters', async function () {
      await assert.rejects(firewallRule(), tE('ERR_INVALID_ARG_TYPE'));
      await assert.rejects(firewallRule({}), tE('ERR_MISSING_ARGS'));
      await assert.rejects(firewallRule({ name: 5 }), tE('ERR_INVALID_ARG_TYPE'));
      await assert.rejects(firewallRule({ program: 'rel.exe' }), tE('ERR_INVALID_ARG_VALUE'));
    });

    it('firewallCommand: missing program and port, impossible paths, reserved or multi-line names', function () {
      assert.throws(() => firewallCommand(), tE('ERR_INVALID_ARG_TYPE'));
      assert.throws(() => firewallCommand({ name: 'x' }), tE('ERR_MISSING_ARGS'));
      assert.throws(() => firewallCommand({ program: 'backend.exe' }), tE('ERR_INVALID_ARG_VALUE'));
      assert.throws(() => firewallCommand({ program: 'C:\\a"b\\x.exe' }), tE('ERR_INVALID_ARG_VALUE'));
      assert.throws(() => firewallCommand({ port: 1, name: 'ALL' }), tE('ERR_INVALID_ARG_VALUE'));
      assert.throws(() => firewallCommand({ port: 1, name: 'a\r\nnetsh x' }), tE('ERR_INVALID_ARG_VALUE'));
      assert.throws(() => firewallCommand({ port: 65536 }), rE);
      assert.throws(() => firewallCommand({ port: 1, protocol: 'icmp' }), tE('ERR_INVALID_ARG_VALUE'));
    });

    describe('the raw binding throws, never crashes', function () {
      const good = () => policy({ rules: [rule()] });
      const verdictCases = [
        ['no arguments', [], tE('ERR_INVALID_ARG_TYPE')],
        ['policy not an object', [42, {}], tE('ERR_INVALID_ARG_TYPE')],
        ['missing profiles', [{ currentProfiles: 1, rules: [] }, {}], tE('ERR_INVALID_ARG_TYPE')],
        ['rules not an array', [{ ...good(), rules: {} }, {}], tE('ERR_INVALID_ARG_TYPE')],
        ['rule not an object', [{ ...good(), rules: [null] }, {}], tE('ERR_INVALID_ARG_TYPE')],
        ['direction as a string', [{ ...good(), rules: [rule({ direction: 'in' })] }, {}], tE('ERR_INVALID_ARG_TYPE')],
        ['protocol 257', [{ ...good(), rules: [rule({ protocol: 257 })] }, {}], rE],
        ['currentProfiles negative', [{ ...good(), currentProfiles: -1 }, {}], rE],
        ['relative program', [good(), { program: 'x.exe' }], tE('ERR_INVALID_ARG_VALUE')],
        ['port 0', [good(), { port: 0 }], rE],
        ['protocol sctp', [good(), { protocol: 'sctp' }], tE('ERR_INVALID_ARG_VALUE')],
        ['program with a NUL byte', [good(), { program: 'C:\\a\0b' }], tE('ERR_INVALID_ARG_VALUE')],
        ['env value not a string', [good(), {}, { PATH: 1 }], tE('ERR_INVALID_ARG_TYPE')],
        ['env not an object', [good(), {}, 'PATH=x'], tE('ERR_INVALID_ARG_TYPE')],
      ];
      for (const [what, args, check] of verdictCases) {
        it(`firewallVerdict: ${what}`, function () {
          assert.throws(() => native.binding().firewallVerdict(...args), check);
        });
      }

      it('firewallCheck and firewallRules validate before any work is queued', function () {
        const b = native.binding();
        assert.throws(() => b.firewallCheck({ port: 'x' }), tE('ERR_INVALID_ARG_TYPE'));
        assert.throws(() => b.firewallCheck({ program: 'rel' }), tE('ERR_INVALID_ARG_VALUE'));
        assert.throws(() => b.firewallCheck(7), tE('ERR_INVALID_ARG_TYPE'));
        assert.throws(() => b.firewallRules(), tE('ERR_INVALID_ARG_TYPE'));
        assert.throws(() => b.firewallRules({}), tE('ERR_MISSING_ARGS'));
        assert.throws(() => b.firewallRules({ program: 5 }), tE('ERR_INVALID_ARG_TYPE'));
      });

      const seed = fuzzSeed();
      it(`firewallVerdict survives random rule sets (only TypeError/RangeError or a result; seed ${seed}, repeat with BW_FUZZ_SEED=${seed})`, function () {
        const random = rng(seed);
        const pick = (xs) => xs[Math.floor(random() * xs.length)];
        const values = [undefined, null, true, 0, 1, 2, 6, 17, 256, -1, 1.5, 2 ** 40, NaN, '', '*', 'RPC', '80-', '-80', '1-2-3', ',', '%', '%%', '%A%', 'C:\\x', '\u00ff\u0100', {}, []];
        const fields = ['name', 'enabled', 'direction', 'action', 'profiles', 'protocol', 'localPorts', 'application', 'service', 'grouping', 'edgeTraversal', 'bypass'];
        for (let i = 0; i < 500; i++) {
          const r = rule();
          for (const f of fields) if (random() < 0.3) r[f] = pick(values);
          const q = { program: pick([undefined, PROGRAM, 'C:\\%A%', '/']), port: pick([undefined, 1, 5000, 65535]), loopback: pick([undefined, false, true]) };
          try {
            const out = native.binding().firewallVerdict(policy({ current: pick([0, 1, 7, ALL]), rules: [r, r] }), q, { A: pick(['', '%A%', 'x']) });
            assert.ok(['allowed', 'blocked', 'no-rule', 'not-applicable'].includes(out.state));
          } catch (err) {
            assert.ok(err instanceof TypeError || err instanceof RangeError, err.stack);
          }
        }
      });
    });
  });
});
