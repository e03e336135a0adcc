/**
 * The line protocol between the data-sessions bench (bench/data-sessions.bench.ts) and its two
 * children (data-sessions-core.ts, data-sessions-farm.ts): the parent writes one JSON command a
 * line on the child's stdin ({"cmd": "mark"}); the child answers on stdout with one JSON line
 * whose `event` is the command's name, and announces its own milestones ("ready", "attached")
 * the same way. Anything else a child prints goes to stderr.
 */
import type { ChildProcessByStdio } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { createInterface } from "node:readline";

export type Figures = Record<string, unknown>;

/** Child side: emits an event line. */
export function emit(event: string, figures: Figures = {}): void {
  process.stdout.write(`${JSON.stringify({ event, ...figures })}\n`);
}

/** Child side: answers each command line with its handler's figures, one command at a time. */
export async function serveCommands(handlers: Record<string, () => Promise<Figures>>): Promise<void> {
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === "") continue;
    const { cmd } = JSON.parse(line) as { cmd: string };
    const handler = handlers[cmd];
    if (handler === undefined) {
      emit(cmd, { error: `unknown command ${cmd}` });
      continue;
    }
    emit(cmd, await handler());
    if (cmd === "exit") return;
  }
}

/** Child side: the process ends by itself after `ms`, whatever the parent does. */
export function exitAfter(ms: number, who: string): void {
  setTimeout(() => {
    process.stderr.write(`${who}: hard time limit of ${ms} ms reached, exiting\n`);
    process.exit(3);
  }, ms).unref();
}

/** Parent side: a child speaking the protocol. */
export class ChildChannel {
  private readonly lines: Figures[] = [];
  private waiter: (() => void) | undefined;
  private exited: string | undefined;

  constructor(
    readonly name: string,
    readonly process: ChildProcessByStdio<Writable, Readable, null>,
  ) {
    createInterface({ input: process.stdout }).on("line", (line) => {
      // Lines that are not the protocol's (--trace-gc and the like) are passed on, marked.
      if (!line.startsWith("{")) return void globalThis.process.stderr.write(`[${name}] ${line}\n`);
      this.lines.push(JSON.parse(line) as Figures);
      this.waiter?.();
    });
    process.once("exit", (code, signal) => {
      this.exited = `${name} exited (${signal ?? code})`;
      this.waiter?.();
    });
  }

  /** The next line whose event is `event` (earlier lines of other events are dropped). */
  async next(event: string, timeoutMs: number): Promise<Figures> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.lines.findIndex((l) => l["event"] === event);
      if (i >= 0) {
        const [line] = this.lines.splice(0, i + 1).slice(-1);
        if (line?.["error"] !== undefined) throw new Error(`${this.name}: ${String(line["error"])}`);
        return line ?? {};
      }
      if (this.exited !== undefined) throw new Error(`${this.exited} while waiting for "${event}"`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name}: no "${event}" within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }

  /** Sends a command and waits for its answer. */
  ask(cmd: string, timeoutMs: number): Promise<Figures> {
    this.process.stdin.write(`${JSON.stringify({ cmd })}\n`);
    return this.next(cmd, timeoutMs);
  }

  kill(): void {
    if (this.exited === undefined) this.process.kill("SIGKILL");
  }
}

/** Worst lateness of a 100 ms interval timer since the last reset (ms): event-loop blocking. */
export class LagProbe {
  private worst = 0;
  private last = performance.now();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly periodMs = 100) {
    this.timer = setInterval(() => {
      const now = performance.now();
      this.worst = Math.max(this.worst, now - this.last - this.periodMs);
      this.last = now;
    }, periodMs);
    this.timer.unref();
  }

  get worstMs(): number {
    return Math.round(this.worst);
  }

  reset(): void {
    this.worst = 0;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** CPU time of this process since `since` (µs), as a share of one core over `wallMs`. */
export function cpuPercent(since: NodeJS.CpuUsage, wallMs: number): number {
  const used = process.cpuUsage(since);
  return Math.round(((used.user + used.system) / 1000 / wallMs) * 1000) / 10;
}
