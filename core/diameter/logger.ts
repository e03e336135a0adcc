/** Where the Diameter stack reports what it did about bad peers and lost framing. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const noop = (): void => {};

export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** Warnings and errors to stderr, prefixed with a component name. */
export function stderrLogger(component: string): Logger {
  const write = (level: string) => (message: string) =>
    process.stderr.write(`${component} ${level}: ${message}\n`);
  return { debug: noop, info: noop, warn: write("warn"), error: write("error") };
}

/** Keeps every line: for tests that assert a reason was logged. */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  debug(m: string): void {
    this.lines.push(`debug: ${m}`);
  }
  info(m: string): void {
    this.lines.push(`info: ${m}`);
  }
  warn(m: string): void {
    this.lines.push(`warn: ${m}`);
  }
  error(m: string): void {
    this.lines.push(`error: ${m}`);
  }
}
