// Must NOT compile: onLine's stream is 'stdout' | 'stderr', and exitCode may be null.
import { runTree } from 'backend-warden';

async function f(): Promise<number> {
  await runTree('ffmpeg', [], { onLine: (stream: 'stdin', line: string) => console.log(stream, line) });
  const r = await runTree('ffmpeg');
  return r.exitCode;
}
void f;
