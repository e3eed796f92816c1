'use strict';
// Example renderer: shows window.backend's status live and wires the buttons.
// No Node, no IPC here: only window.backend, exposed by the package's
// sandboxed preload (backend-warden/sandboxed-preload).

const $ = (id) => document.getElementById(id);

function show(status) {
  $('state').textContent = status.state;
  $('state').className = status.state;
  $('url').textContent = status.url || '–';
  $('pid').textContent = status.pid === null ? '–' : String(status.pid);
  $('restarts').textContent = String(status.restarts);
  $('error').textContent = status.lastError ? `${status.lastError.code}: ${status.lastError.message}` : '–';
}

function print(value) {
  $('output').textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

// Failures arrive as plain { code, message } objects.
function run(action) {
  return () => action().then(print, (err) => print(`${err.code}: ${err.message}`));
}

window.backend.onStatus(show);
$('start').addEventListener('click', run(() => window.backend.start()));
$('restart').addEventListener('click', run(() => window.backend.restart()));
$('stop').addEventListener('click', run(() => window.backend.stop()));
$('firewall').addEventListener('click', run(async () => {
  const status = await window.backend.checkFirewall();
  if (status.compatible) return status.message;
  const command = await window.backend.getFirewallCommand();
  return `${status.message}\n${status.recommendation || ''}\n\nAs administrator:\n${command}`;
}));
