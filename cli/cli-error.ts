/**
 * Exit codes shared by every telsim command.
 * 0 passed / ok; 1 a check failed; 2 invalid input or options; 3 aborted (a peer unreachable,
 * a component crashed); 4 a load generator could not keep its schedule.
 */
export const ExitCode = {
  ok: 0,
  failed: 1,
  invalidInput: 2,
  aborted: 3,
  saturated: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Thrown by a command to end the process with a message on stderr and an exit code. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
  }
}
