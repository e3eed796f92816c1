// Must NOT compile: timeoutMs is a number.
import { runTree } from 'backend-warden';

void runTree('ffmpeg', ['-version'], { timeoutMs: '5000' }); // @error TS2322
