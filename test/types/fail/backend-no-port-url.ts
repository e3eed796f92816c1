// Must NOT compile: with port: false, start() resolves url: null.
import { Backend } from 'backend-warden';

async function main(): Promise<void> {
  const backend = new Backend({ command: '/usr/bin/python3', port: false });
  const { url } = await backend.start();
  const u: string = url; // @error TS2322
  console.log(u);
}
void main;
