// Must NOT compile: timeoutMs is a number, and the result has no "timeout" field.
import { runTree } from 'backend-warden';

runTree('ffmpeg', ['-version'], { timeoutMs: '5000' });
