// Must NOT compile: a task's exitCode is null when a signal ended it.
import { runTree } from 'backend-warden';

export async function code(): Promise<number> {
  const r = await runTree('ffmpeg', ['-version']);
  return r.exitCode; // @error TS2322
}
