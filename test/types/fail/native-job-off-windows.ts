// Must NOT compile: the job functions exist only on Windows; Binding has none (WinBinding does).
import { binding } from '../../../lib/native';

binding().jobClose({} as never); // @error TS2339
