'use strict';
// Installs the third-party servers the real-server tests run (Debian
// packages: gunicorn, redis-server, nginx-light) when they are missing and
// this is a Debian system we may install on (root, apt-get). Used by .ci/run
// before npm test; on other machines test/servers.test.js skips each server
// with the reason in the test title.
const { spawnSync } = require('child_process');
const fs = require('fs');

const WANT = [['gunicorn', 'gunicorn'], ['redis-server', 'redis-server'], ['nginx', 'nginx-light'], ['strace', 'strace']];

function has(cmd) {
  return ['/usr/bin', '/usr/sbin', '/bin', '/sbin'].some((d) => fs.existsSync(`${d}/${cmd}`));
}

const missing = WANT.filter(([cmd]) => !has(cmd)).map(([, pkg]) => pkg);
if (missing.length === 0) {
  console.log('ensure-servers: gunicorn, redis-server, nginx and strace present');
  process.exit(0);
}
if (process.platform !== 'linux' || process.getuid() !== 0 || spawnSync('apt-get', ['--version']).status !== 0) {
  console.log(`ensure-servers: missing ${missing.join(', ')}; not root on Debian, not installing (the tests say so when they skip)`);
  process.exit(0);
}
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env }).status;
run(['-o', 'DPkg::Lock::Timeout=600', 'update', '-qq']);
const rc = run(['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '-qq', '--no-install-recommends', ...missing]);
process.exit(rc === 0 ? 0 : 1);
