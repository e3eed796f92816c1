// Must NOT compile: the binding's killTree takes a signal number, not a name (lib/native.d.ts).
import { binding } from '../../../lib/native';

binding().killTree(1234, 'SIGTERM', 0, null); // @error TS2345
