// The bundle's entry: nothing but the call, so tests can import cli.ts without running it.
import { runCli } from './cli.js';

await runCli(process.argv.slice(2));
