// Must NOT compile: cpuPercent is a number.
import { treeUsage } from 'backend-warden';

async function f(): Promise<void> {
  const p: string = (await treeUsage(1)).cpuPercent; // @error TS2322
  console.log(p);
}
void f;
