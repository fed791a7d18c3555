// Every error the program means to raise, and the exit code each maps to.
export const EXIT = { ok: 0, findings: 1, usage: 2, runtime: 3 } as const;

export class NetguardError extends Error {
  readonly exitCode: number = EXIT.runtime;
}

// Bad flags, unknown subcommand, missing argument.
export class UsageError extends NetguardError {
  override readonly exitCode = EXIT.usage;
}

// Input the user handed us that we cannot read: a snapshot file, an id, a policy.
export class InputError extends NetguardError {
  override readonly exitCode = EXIT.usage;
}

// The state dir is not ours to read: a user other than root ran a command that needs it.
export class PermissionError extends NetguardError {
  override readonly exitCode = EXIT.usage;
}

// The state dir could not be locked or written.
export class StateError extends NetguardError {}

// A spawned command failed; keeps what is needed to explain why (as renovate's exec error does).
// `exitCode` (inherited) is the program's own exit code for this error; `childExitCode` is the child's.
export class ExecError extends NetguardError {
  constructor(
    readonly argv: readonly string[],
    readonly reason: string,
    readonly childExitCode: number | null,
    readonly stderr: string,
    readonly signal: string | null = null,
    readonly stdout: string = '',
  ) {
    super(`${argv.join(' ')}: ${reason}`);
  }
}

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0] ?? String(err);
  return String(err);
}
