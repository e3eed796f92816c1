// Must NOT compile: health.intervalMs is a number.
import { Backend } from 'backend-warden';

new Backend({ command: '/opt/app/server', health: { path: '/health', intervalMs: '5000' } });
