'use strict';
// Lane: the tests that drop to uid 65534, run from a copy of this checkout
// inside a 0700 directory (what mktemp -d makes), as root — where a child of
// another user cannot require the checkout itself (issue #13, item 9).
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

if (process.platform !== 'linux' || process.getuid() !== 0) {
  console.log('private-path: needs root on Linux (the tests drop to uid 65534); nothing to do');
  process.exit(0);
}
const root = path.resolve(__dirname, '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-private-'));
fs.chmodSync(dir, 0o700);
const copy = path.join(dir, 'checkout');
fs.cpSync(root, copy, { recursive: true, filter: (p) => !p.includes(`${path.sep}.git${path.sep}`) && !p.endsWith(`${path.sep}.git`) });
const mocha = path.join(copy, 'node_modules', 'mocha', 'bin', 'mocha.js');
const r = spawnSync(process.execPath, [mocha, '--no-config', '--forbid-only', '--fail-zero', '--timeout', '30000', 'test/ports.test.js', 'test/tree.test.js', '--grep', 'uid 65534|unprivileged user|may not be inspected'], {
  cwd: copy, stdio: 'inherit',
});
fs.rmSync(dir, { recursive: true, force: true });
process.exit(r.status === null ? 1 : r.status);
