// The restore plan and its journal: plain data, printed by `restore --dry-run --json` and saved step by step.
import type { StepAction } from '../policy/model.js';
import type { Holder } from '../procid.js';
import type { RouteSpec } from '../probes/routes.js';
import type { Rule } from '../probes/rules.js';

// The plan keeps routes and rules as the probes define them (probes/routes.ts, probes/rules.ts).
export type { RouteSpec } from '../probes/routes.js';
export type RuleSpec = Rule;

// A post-condition, checked against freshly read state after a step.
export type Check =
  | { kind: 'unit-active'; unit: string }
  | { kind: 'link-present'; ifname: string }
  | { kind: 'tailscale-running' }
  | { kind: 'routes-present'; routes: RouteSpec[] }
  | { kind: 'rules-present'; rules: RuleSpec[] }
  // No iif/oif match prints a bare index, and at least `count` print `ifname` again.
  | { kind: 'nft-resolves'; ifname: string; count: number }
  | { kind: 'listening'; address: string; port: number };

export type Op = StepAction | 'settle' | 'replay-routes';

export interface Step {
  id: string;
  op: Op;
  unit: string | null;
  // Why the step is there: findings and owed restarts, in words.
  reasons: string[];
  // Step ids that must have succeeded first.
  after: string[];
  checks: Check[];
  // replay-routes only: what to put back.
  routes?: RouteSpec[];
  rules?: RuleSpec[];
}

export interface Plan {
  steps: Step[];
  // Findings the plan cannot repair, and why; verification will report them.
  unresolved: { finding: string; why: string }[];
  // Owed steps dropped, and why (a unit that was not running before the upgrade is not started).
  notes: string[];
}

export type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped';
export interface StepRun {
  id: string;
  status: StepStatus;
  attempts: number;
  startedAt: string | null;
  endedAt: string | null;
  detail: string;
}

export type Trigger =
  | { kind: 'txn'; id: string }
  | { kind: 'manual'; id: string }
  | { kind: 'pending'; id: string }
  // apt-netguard watch: the signature and when its incident began.
  | { kind: 'watch'; id: string };
export type RestoreState = 'running' | 'verified' | 'failed' | 'unverified' | 'refused';

export const RESTORE_SCHEMA = 1;
export interface RestoreRecord {
  schemaVersion: typeof RESTORE_SCHEMA;
  id: string;
  trigger: Trigger;
  automatic: boolean;
  // The snapshot the result is verified against: its file, readable by a resumed run.
  baseline: string;
  startedAt: string;
  endedAt: string | null;
  state: RestoreState;
  // Times a killed restore was picked up again; bounded.
  resumes: number;
  // The process running it (absent in records of earlier builds): status tells a running restore
  // from one whose guard was killed by it.
  owner?: Holder;
  findings: string[];
  plan: Plan;
  steps: StepRun[];
  verification: { snapshot: string | null; unexpected: string[]; expected: string[] } | null;
  // Units taken from pending.json, removed from it once the restore is verified.
  owed: string[];
  alerts: { target: string; ok: boolean; detail: string }[];
  notes: string[];
}
