// `apt-netguard doctor` (issue 17): what the host is (Facts, read once by gather.ts) and what the
// pure checks make of it (Findings). Every id here is listed in the man page and the README.
import type { NftState, SocketsState } from '../probes/index.js';
import type { CatConfig } from '../probes/catconfig.js';
import type { UnitConf } from '../probes/unitconf.js';
import type { AptConfig } from '../probes/aptconfig.js';
import type { NeedrestartConf } from '../probes/needrestartconf.js';

export type Severity = 'error' | 'warn' | 'info';
export const SEVERITIES: readonly Severity[] = ['error', 'warn', 'info'];

export interface Evidence {
  // A file and its line when the finding has one; else the command and the line of its output.
  file: string;
  line: number | null;
  text: string;
}
export type Fix =
  | { kind: 'drop-in'; path: string; content: string }
  | { kind: 'command'; argv: string[] }
  // What only the admin can do (edit a file of theirs, pick between options): said, never applied.
  | { kind: 'admin'; text: string };

export interface Finding {
  id: string;
  severity: Severity;
  title: string;
  evidence: Evidence[];
  why: string;
  fix: Fix;
}

export interface Facts {
  // Every unit doctor asks about, by id: the socket units, tailscaled, the nft loaders, the watch...
  units: Map<string, UnitConf>;
  // `systemctl cat` of the units with a finding, for file:line evidence.
  unitText: CatConfig | null;
  networkd: CatConfig | null;
  nft: NftState | null;
  // The files the nft loaders load (and what they include), for file:line evidence.
  nftFiles: CatConfig;
  sockets: SocketsState | null;
  apt: AptConfig | null;
  needrestart: NeedrestartConf | null;
  // needrestart.conf and conf.d/*.conf, for file:line evidence.
  needrestartFiles: CatConfig;
  // `systemd-analyze verify default.target`'s cycles (each a list of units); null when not run.
  cycles: string[][] | null;
  // Where /usr/sbin/policy-rc.d points, and what the guard's gate is.
  policyRcD: { target: string | null; gate: string };
  // needrestart's restart.d entries for protected units: unit -> link target (null: missing).
  restartD: Map<string, string | null>;
  restartHook: string;
  protectedUnits: string[];
  nftLoaders: string[];
  owed: { unit: string; since: string }[];
  owedDays: number;
  now: Date;
  // What could not be read, said in the report rather than guessed at.
  blind: string[];
}

export const TAILNET4 = '100.64.0.0/10';
export const TAILNET6 = 'fd7a:115c:a1e0::/48';
export const DROPIN_NAME = '50-apt-netguard-doctor.conf';
