// Types for container.mjs, which the TypeScript container tests share with the e2e suite and the demo.
export type Suite = 'bookworm' | 'trixie';
export const SUITES: Suite[];
export function rootfsOf(suite: Suite): string;
export const ROOTFS: string;
export function buildRootfs(suite: Suite, stdio?: unknown): void;
export interface Booted {
  name: string;
  root: string;
  suite: Suite;
  // Runs argv inside; returns exit status and output, never throws.
  sh: (...argv: string[]) => { status: number | null; out: string; stdout: string };
  // Runs argv inside and returns stdout; throws on non-zero.
  out: (...argv: string[]) => string;
  stop: () => void;
  // Shuts down and boots the same tree again.
  reboot: () => void;
}
export function boot(tag: string, deb?: string | null, prepare?: (root: string) => void, suite?: Suite): Booted;
export const DEB: string;
export function installDeb(c: Booted, deb?: string): string;
export function table52(c: Booted): string;
export function tsRules(c: Booted): number;
export function invocation(c: Booted, unit: string): string;
