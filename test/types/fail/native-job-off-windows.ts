// The job functions exist only on Windows: Binding has none (WinBinding does).
import { binding } from '../../../lib/native';

binding().jobClose({} as never);
