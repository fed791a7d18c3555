// The probe registry: one entry per module, in the order a snapshot lists them.
import * as links from './links.js';
import * as rules from './rules.js';
import * as routes from './routes.js';
import * as nft from './nft.js';
import * as systemd from './systemd.js';
import * as networkd from './networkd.js';
import * as tailscale from './tailscale.js';
import * as sockets from './sockets.js';

export const probes = { links, rules, routes, nft, systemd, networkd, tailscale, sockets } as const;
export type ProbeName = keyof typeof probes;
export const probeNames = Object.keys(probes) as ProbeName[];

export type { LinksState, Link, Address } from './links.js';
export type { RulesState, Rule } from './rules.js';
export type { RoutesState, Route } from './routes.js';
export type { NftState, NftRule, IfMatch } from './nft.js';
export type { SystemdState, Unit } from './systemd.js';
export type { NetworkdState, NetworkdLink } from './networkd.js';
export type { TailscaleState } from './tailscale.js';
export type { SocketsState, Listener } from './sockets.js';
