/**
 * `--events FILE.ndjson`: one JSON object per line as things happen — scenario start and end,
 * population ready, failed checks, flow errors, core log lines (each kind capped per thread).
 */
import { createWriteStream, type WriteStream } from "node:fs";
import type { EventSink } from "../load/generator.js";

export class EventWriter {
  private readonly stream: WriteStream;
  private failure: Error | undefined;

  constructor(path: string) {
    this.stream = createWriteStream(path, { flags: "w" });
    this.stream.on("error", (e) => (this.failure = e));
  }

  /** A sink that tags each event with the scenario's name and the wall-clock time. */
  sink(scenario: string): EventSink {
    return (type, data) => {
      this.stream.write(`${JSON.stringify({ ts: new Date().toISOString(), scenario, type, ...data })}\n`);
    };
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.stream.end(() => (this.failure === undefined ? resolve() : reject(this.failure)));
    });
  }
}
