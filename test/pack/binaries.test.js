'use strict';
// The six prebuild folders (npm run test:pack builds them first with npm run
// prebuilds): each binary's format, architecture and kind read from its
// headers; the glibc floor of the Linux binaries read from their dynamic
// symbol version tables; the ad-hoc code signature of the macOS arm64
// binaries checked page by page; the Windows addons import no node.exe (the
// Node-API functions are resolved from the host at load time, see
// binding/node/napi_win.c). Nothing here runs macOS or Windows-arm64 code.

const assert = require('assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { readObject, aboveGlibc, newestGlibc } = require('../../scripts/lib/objfile');
const { ALL } = require('../../scripts/prebuilds');

const root = path.resolve(__dirname, '..', '..');
const prebuilds = path.join(root, 'prebuilds');
// The prebuilds link against glibc 2.17 (zig target *-linux-gnu.2.17):
// CentOS 7, Ubuntu 14.04, Debian 8 and everything newer.
const GLIBC_FLOOR = '2.17';

const UNIX = ALL.filter((t) => !t.startsWith('win32'));
const WINDOWS = ALL.filter((t) => t.startsWith('win32'));
const FORMAT = { linux: 'elf', darwin: 'macho', win32: 'pe' };

function info(tag, file) {
  const p = path.join(prebuilds, tag, file);
  assert.ok(fs.existsSync(p), `${path.relative(root, p)} missing: run npm run prebuilds`);
  return readObject(p);
}

describe('prebuilt binaries', function () {
  for (const tag of UNIX) {
    const [platform, arch] = tag.split('-');
    it(`${tag}: the addon is a ${arch} ${FORMAT[platform]} shared library, the supervisor a ${arch} executable, nothing else in the folder`, function () {
      assert.deepStrictEqual(fs.readdirSync(path.join(prebuilds, tag)).sort(), ['backend_warden.node', 'backend_warden_supervisor']);
      const addon = info(tag, 'backend_warden.node');
      const sup = info(tag, 'backend_warden_supervisor');
      assert.deepStrictEqual([addon.format, addon.machine], [FORMAT[platform], arch]);
      assert.deepStrictEqual([sup.format, sup.machine, sup.kind], [FORMAT[platform], arch, 'executable']);
      assert.ok(['shared', 'dylib', 'bundle'].includes(addon.kind), addon.kind);
    });
  }

  for (const tag of ['linux-x64', 'linux-arm64']) {
    for (const file of ['backend_warden.node', 'backend_warden_supervisor']) {
      it(`${tag}/${file} needs no glibc symbol newer than ${GLIBC_FLOOR} and is stripped`, function () {
        const elf = info(tag, file);
        const above = aboveGlibc(elf, GLIBC_FLOOR);
        assert.deepStrictEqual(above.map((s) => `${s.name}@${s.version}`), [], `newest: GLIBC_${(newestGlibc(elf) || []).join('.')}`);
        assert.ok(newestGlibc(elf), 'links against glibc at all');
        assert.strictEqual(elf.hasSymtab, false, 'a .symtab section remains: not stripped');
      });
    }
  }

  it('the glibc check fails on a binary above the floor (this machine\'s node needs a newer glibc than 2.17)', function () {
    const node = readObject(fs.realpathSync(process.execPath));
    if (node.format !== 'elf') this.skip(); // not on Linux
    assert.notDeepStrictEqual(aboveGlibc(node, GLIBC_FLOOR), []);
  });

  for (const tag of UNIX.filter((t) => t.startsWith('darwin'))) {
    for (const file of ['backend_warden.node', 'backend_warden_supervisor']) {
      it(`${tag}/${file} is stripped: no local symbols left (zig -s keeps them; llvm-strip -x removes them)`, function () {
        assert.strictEqual(info(tag, file).localSymbols, 0);
      });
    }
  }

  for (const file of ALL.includes('darwin-arm64') ? ['backend_warden.node', 'backend_warden_supervisor'] : []) {
    it(`darwin-arm64/${file} carries an ad-hoc code signature whose page hashes match (Apple silicon runs no unsigned code)`, function () {
      const m = info('darwin-arm64', file);
      assert.ok(m.signature, 'no LC_CODE_SIGNATURE load command');
      assert.deepStrictEqual(m.signature, { present: true, adhoc: true, valid: true, problem: null });
    });
  }

  const PE_MACHINE = { x64: 0x8664, arm64: 0xaa64 };
  for (const tag of WINDOWS) {
    const arch = tag.split('-')[1];
    const machine = `0x${PE_MACHINE[arch].toString(16).toUpperCase()}`;
    it(`${tag}: the addon is a ${arch} PE DLL (machine ${machine}) importing nothing from node.exe, directly or delay-loaded (loads in electron.exe); the Ctrl+C helper a ${arch} console executable`, function () {
      const files = fs.readdirSync(path.join(prebuilds, tag)).sort();
      assert.deepStrictEqual(files, ['backend_warden.node', 'backend_warden_ctrlc.exe']);
      const addon = info(tag, 'backend_warden.node');
      assert.deepStrictEqual([addon.format, addon.machineId, addon.kind], ['pe', PE_MACHINE[arch], 'dll']);
      assert.ok(addon.dlls.length > 0, 'the import table was read (kernel32 at least)');
      assert.deepStrictEqual([...addon.dlls, ...addon.delayDlls].filter((d) => /^node(\.exe)?$/i.test(d)), [], `imports ${addon.dlls.join(', ')}`);
      assert.deepStrictEqual(addon.delayDlls, [], 'no delay-load import library is needed (binding/node/napi_win.c)');
      const exe = info(tag, 'backend_warden_ctrlc.exe');
      assert.deepStrictEqual([exe.format, exe.machineId, exe.kind, exe.subsystem], ['pe', PE_MACHINE[arch], 'executable', 'console']);
    });
  }
});
