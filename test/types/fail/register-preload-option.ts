// Must NOT compile: registerPreload takes key and prefix only; the file is the package's.
import { registerPreload } from 'backend-warden';

declare const session: { setPreloads(p: string[]): void; getPreloads(): string[] };
registerPreload(session, { file: '/tmp/evil.js' }); // @error TS2353
