// Must NOT compile: a successful restart has no error; check success first.
import type { BackendWindow } from 'backend-warden/renderer';

async function main(win: BackendWindow): Promise<void> {
  const r = await win.backend.restart();
  console.log(r.error.code); // @error TS2339
}
void main;
