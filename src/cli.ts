// Entry point: dispatch to a subcommand; the one top-level catch maps errors to exit codes.
import { out } from './stdout.js';
import { VERSION, settings } from './context.js';
import { EXIT, NetguardError, messageOf } from './errors.js';
import { onCorrupt } from './state.js';

export { VERSION };

const USAGE = `Usage: apt-netguard <command> [options]

Guards Tailscale networking across unattended upgrades. Its apt, needrestart and
policy-rc.d hooks hold back restarts that break it while dpkg runs. Afterwards it
restores what was lost, in order (networkd settled, tailscaled, the nft ruleset,
listeners), and verifies the result against a snapshot taken before dpkg ran.
It alerts when it cannot. Installed, it needs no command: see apt-netguard(8).

Commands:
  snapshot            probe the network state now and store it
  diff A B            findings between two snapshots
  diff --since-last   findings between the newest snapshot and now
  list                stored snapshots
  plan < STREAM       decisions for an apt Pre-Install-Pkgs v3 stream (touches nothing)
  policy check|show   validate the policy files, or print the merged policy
  status              the last transaction and restore, and the restarts still owed
  restore             put back what the last upgrade broke, in order, and verify it
  restart-pending     run the owed (guarded and deferred) restarts now, in order
  watch --once        look once against the last good state, and restore known breakage
  accept              make the state now the watch's baseline
  doctor [--fix]      name the configuration hazards behind the incidents, and fix the safe ones
  metrics [--stdout]  write apt_netguard.prom for node_exporter's textfile collector
  check               a monitoring plugin: one line, exit 0-3 (Nagios, Icinga)
  hook NAME           what apt and needrestart call (see 'apt-netguard hook --help')
  help [command]      this text, or a command's

Common options: --json, --state-dir DIR, -h/--help, --version
Exit status: 0 ok / no findings, 1 findings (or a restore not verified, or restarts owed),
2 usage or input error, 3 runtime error.
`;

type Command = { help: string; run: (args: string[]) => Promise<number> };

async function load(name: string): Promise<Command | null> {
  switch (name) {
    case 'snapshot': {
      const m = await import('./commands/snapshot.js');
      return { help: m.help, run: m.snapshotCommand };
    }
    case 'diff': {
      const m = await import('./commands/diff.js');
      return { help: m.help, run: m.diffCommand };
    }
    case 'list': {
      const m = await import('./commands/list.js');
      return { help: m.help, run: m.listCommand };
    }
    case 'plan': {
      const m = await import('./commands/plan.js');
      return { help: m.help, run: m.planCommand };
    }
    case 'status': {
      const m = await import('./commands/status.js');
      return { help: m.help, run: m.statusCommand };
    }
    case 'hook': {
      const m = await import('./commands/hook.js');
      return { help: m.help, run: m.hookCommand };
    }
    case 'restore': {
      const m = await import('./commands/restore.js');
      return { help: m.help, run: m.restoreCommand };
    }
    case 'restart-pending': {
      const m = await import('./commands/restore.js');
      return { help: m.pendingHelp, run: m.restartPendingCommand };
    }
    case 'watch': {
      const m = await import('./commands/watch.js');
      return { help: m.help, run: m.watchCommand };
    }
    case 'doctor': {
      const m = await import('./commands/doctor.js');
      return { help: m.help, run: m.doctorCommand };
    }
    case 'metrics': {
      const m = await import('./commands/metrics.js');
      return { help: m.help, run: m.metricsCommand };
    }
    case 'check': {
      const m = await import('./commands/metrics.js');
      return { help: m.checkHelp, run: m.checkCommand };
    }
    case 'accept': {
      const m = await import('./commands/watch.js');
      return { help: m.acceptHelp, run: m.acceptCommand };
    }
    case 'policy': {
      const m = await import('./commands/policy.js');
      return { help: m.help, run: m.policyCommand };
    }
    default:
      return null;
  }
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help') return (out(USAGE), name ? 0 : 2);
  if (name === '--version') return (out(`apt-netguard ${VERSION}\n`), 0);
  if (name === 'help') {
    const cmd = rest[0] ? await load(rest[0]) : null;
    out(cmd ? cmd.help : USAGE);
    return 0;
  }
  const cmd = await load(name);
  if (!cmd) {
    process.stderr.write(`apt-netguard: unknown command '${name}'; see 'apt-netguard --help'\n`);
    return EXIT.usage;
  }
  return cmd.run(rest);
}

export async function runCli(argv: string[]): Promise<void> {
  let code: number;
  // Commands without a log (status, list, diff) still say what they moved aside; hooks log it.
  onCorrupt((c) => void process.stderr.write(`apt-netguard: ${c.path}: ${c.why}; moved aside to ${c.movedTo}\n`));
  try {
    code = await main(argv);
  } catch (err) {
    code = err instanceof NetguardError ? err.exitCode : EXIT.runtime;
    const prefix = err instanceof NetguardError ? '' : 'internal error: ';
    process.stderr.write(`apt-netguard: ${prefix}${messageOf(err)}\n`);
    if (settings().debug && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  }
  process.exitCode = code;
}
