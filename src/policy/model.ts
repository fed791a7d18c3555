// The policy as the rest of the program sees it: plain data, each value with where it came from.

// What may happen to a protected unit's restart during an upgrade:
//   allow   - let the package's own restart run, unguarded
//   guarded - refuse it now; the guard restarts the unit itself, in order, after dpkg
//   defer   - refuse it now; record it as pending until `restart-pending` or a maintenance window
//   veto    - refuse it; not needed for this trigger
export const MODES = ['allow', 'guarded', 'defer', 'veto'] as const;
export type Mode = (typeof MODES)[number];

// When several packages of one run decide on the same unit, the higher rank wins: a restart one
// package needs is never dropped because another did not need it, and "not now" beats "now".
export const MODE_RANK: Record<Mode, number> = { veto: 0, allow: 1, guarded: 2, defer: 3 };

export const STEP_ACTIONS = ['restart', 'reload'] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

export const RULE_EVENTS = ['install', 'remove'] as const;
export type RuleEvent = (typeof RULE_EVENTS)[number];

// file:line:col of the YAML node a value came from.
export type Origin = string;

export interface UnitPolicy {
  unit: string;
  // The package shipping the unit; a run that removes it must leave the unit free to stop.
  package: string | null;
  // What a restart request gets when no package rule of the run decided.
  default: Mode;
  // What the guard does when it runs the unit's step itself.
  action: StepAction;
  // Wait for systemd-networkd to settle after this step.
  settle: boolean;
  // Arm a runtime RefuseManualStop drop-in, for callers that run systemctl directly (the systemd
  // postinst restarts networkd so). Only for units whose callers tolerate a refused job.
  refuseStop: boolean;
  after: string[];
  // This unit loads the nft ruleset: reload it once tailscale0 is back, so iif/oif resolve.
  nftLoader: boolean;
  // Listeners ("ADDR:PORT" or ":PORT") the unit owns on a Tailscale address; a missing one means restart it.
  listens: string[];
  // How lost table-52 routes are repaired: restart tailscaled (default), or replay them from the snapshot.
  repair: Repair;
  from: Record<string, Origin>;
}

export const REPAIRS = ['restart', 'replay-routes'] as const;
export type Repair = (typeof REPAIRS)[number];

export interface PackageRule {
  name: string;
  // Package names or globs (`*`, `?`), matched against the binary package name.
  match: string[];
  // A semver range on the upstream part of the new version (the old one for removals).
  version: string | null;
  // Which changes it speaks about: a package installed or upgraded (incl. configure), or removed.
  on: RuleEvent[];
  units: Record<string, Mode>;
  reason: string;
  from: Origin;
}

export interface Policy {
  units: Record<string, UnitPolicy>;
  rules: PackageRule[];
  // The files that made it, in the order they were applied.
  sources: string[];
}

export const emptyPolicy = (): Policy => ({ units: {}, rules: [], sources: [] });

// A validated file before merging: only the fields it sets.
export interface PolicyFragment {
  file: string;
  units: Record<string, Partial<Omit<UnitPolicy, 'unit' | 'from'>> & { from: Record<string, Origin> }>;
  rules: PackageRule[];
}

// Later fragments override earlier ones: unit fields one by one, rules by name (else appended).
export function mergeFragments(fragments: readonly PolicyFragment[]): Policy {
  const policy = emptyPolicy();
  for (const frag of fragments) {
    policy.sources.push(frag.file);
    for (const [unit, { from, ...fields }] of Object.entries(frag.units)) {
      const base: UnitPolicy = policy.units[unit] ?? {
        unit,
        package: null,
        default: 'allow',
        action: 'restart',
        settle: false,
        refuseStop: false,
        after: [],
        nftLoader: false,
        listens: [],
        repair: 'restart',
        from: {},
      };
      policy.units[unit] = { ...base, ...fields, from: { ...base.from, ...from } };
    }
    for (const rule of frag.rules) {
      const at = policy.rules.findIndex((r) => r.name === rule.name);
      if (at >= 0) policy.rules[at] = rule;
      else policy.rules.push(rule);
    }
  }
  return policy;
}
