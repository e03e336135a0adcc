import Benchmark from "benchmark";

export interface MicroCase {
  name: string;
  fn: () => void;
}

export interface MicroResult {
  name: string;
  opsPerSec: number;
  rmePercent: number;
  samples: number;
}

/** Runs micro-benchmarks with the `benchmark` package and prints one line per case. */
export function runMicro(title: string, cases: MicroCase[]): Promise<MicroResult[]> {
  return new Promise((resolve, reject) => {
    const suite = new Benchmark.Suite(title);
    for (const c of cases) suite.add(c.name, c.fn);
    const results: MicroResult[] = [];
    suite.on("cycle", (event: Benchmark.Event) => {
      const b = event.target;
      const result: MicroResult = {
        name: b.name ?? "?",
        opsPerSec: b.hz ?? 0,
        rmePercent: b.stats?.rme ?? 0,
        samples: b.stats?.sample.length ?? 0,
      };
      results.push(result);
      process.stdout.write(
        `${title} | ${result.name}: ${Math.round(result.opsPerSec).toLocaleString("en-US")} ops/s ±${result.rmePercent.toFixed(1)}% (${(1e6 / result.opsPerSec).toFixed(2)} µs/op)\n`,
      );
    });
    suite.on("error", (event: Benchmark.Event) =>
      reject(new Error(`benchmark ${String(event.target.name)} failed`)),
    );
    suite.on("complete", () => resolve(results));
    suite.run({ async: true });
  });
}
