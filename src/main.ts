// The program's entry: nothing but the call, so tests can import cli.ts without running it.
// Not awaited: the bundle compiles this as a script (src/boot/main.ts), and runCli never rejects.
import { runCli } from './cli.js';

void runCli(process.argv.slice(2));
