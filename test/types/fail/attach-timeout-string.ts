// Must NOT compile: quitTimeoutMs is a number.
import { Backend, attachToApp } from 'backend-warden';

declare const app: { on(e: string, l: (...a: any[]) => void): unknown; removeListener(e: string, l: (...a: any[]) => void): unknown; quit(): void; exit(code?: number): void };
declare const backend: Backend;
attachToApp(app, backend, { quitTimeoutMs: '30000' }); // @error TS2322
