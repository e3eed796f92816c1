// A DOM-only renderer: compiled with no Node types (types: []) under node10,
// node16 and bundler resolution by test/types.test.js. Shapes apps use.
import type { BackendWindow, BackendStatus, BackendErrorInfo, FirewallStatus } from 'backend-warden/renderer';

declare global {
  interface Window extends BackendWindow {}
}

export async function restartButton(): Promise<void> {
  const { success, url } = await window.backend.restart();
  if (success && url !== null && url !== undefined) document.title = url;
  const r = await window.backend.restart();
  if (!r.success) console.error(r.error.code, r.error.message);
}

export async function statusLine(el: HTMLElement): Promise<void> {
  const { running, port, url }: BackendStatus = await window.backend.status();
  el.textContent = running ? `${url} (port ${port})` : 'stopped';
  const off = window.backend.onStatus((s) => { el.className = s.state; });
  off();
}

export async function firewall(): Promise<string> {
  const fw: FirewallStatus = await window.backend.checkFirewall();
  const { compatible, message, recommendation } = fw;
  if (compatible) return message;
  const rule = await window.backend.getFirewallRule();
  const command: string = await window.backend.getFirewallCommand({ name: 'My App' });
  return `${message}\n${recommendation ?? ''}\n${rule.exists}\n${command}`;
}

export function start(): void {
  window.backend.start().then(({ url }) => console.log(url), (err: BackendErrorInfo) => console.error(err.code));
  window.backend.stop().then(({ success, forced }) => console.log(success, forced));
}
