/** The threshold language: parsing (a table), checking against the catalogue, evaluating. */
import { describe, expect, it } from "vitest";
import { Aggregator } from "../../scenarios/runner/metrics/aggregator.js";
import { MetricCatalogue } from "../../scenarios/runner/metrics/metric-catalogue.js";
import { MetricSet } from "../../scenarios/runner/metrics/metric-set.js";
import {
  checkThreshold,
  evaluateThreshold,
  parseThreshold,
} from "../../scenarios/runner/metrics/thresholds.js";
import { GY_METRICS } from "../../scenarios/steps/gy-common.js";

describe("parseThreshold", () => {
  it.each([
    [
      "gy.cca{result=2001}.ratio > 0.999",
      { metric: "gy.cca", tags: { result: "2001" }, stat: "ratio", op: ">", value: 0.999 },
    ],
    [
      "gy.ccr.latency.p99 < 20ms",
      { metric: "gy.ccr.latency", tags: undefined, stat: "p99", op: "<", value: 20 },
    ],
    ["gy.ccr.latency.p99<1.5s", { metric: "gy.ccr.latency", stat: "p99", op: "<", value: 1500 }],
    [
      "gy.ccr.latency{type=initial,service=data}.p999 <= 500us",
      { tags: { type: "initial", service: "data" }, stat: "p999", op: "<=", value: 0.5 },
    ],
    ["gy.cca{result=2001}.ratio >= 99.9%", { stat: "ratio", op: ">=", value: 0.999 }],
    ["gy.ccr{type=initial}.rate >= 100/s", { stat: "rate", op: ">=", value: 100 }],
    ["gy.ccr.rate > 600/min", { stat: "rate", value: 10 }],
    [
      "scenario.arrivals.dropped.count == 0",
      { metric: "scenario.arrivals.dropped", stat: "count", op: "==", value: 0 },
    ],
    ["scenario.flows{status=error}.count != 3", { op: "!=", value: 3 }],
    ['gy.cca{result="no-answer"}.count == 0', { tags: { result: "no-answer" } }],
    ["gy.data.bandwidth.max <= 1Mbps", { metric: "gy.data.bandwidth", stat: "max", value: 1000 }],
    ["  scenario.schedule.lag.mean < 2m  ", { stat: "mean", value: 120_000 }],
  ])("%s", (text, expected) => {
    expect(parseThreshold(text)).toMatchObject(expected);
  });

  it.each([
    "p99 < 20ms",
    "gy.ccr.latency.p99 ~ 20ms",
    "gy.ccr.latency.p99 < twenty",
    "gy.cca{result}.ratio > 0.9",
    "gy.ccr.latency.p99 < 20 parsecs",
    "GY.CCR.count > 1",
  ])("rejects %s", (text) => {
    expect(() => parseThreshold(text)).toThrow(/is not|tag filter/);
  });
});

describe("checkThreshold against the catalogue", () => {
  const catalogue = new MetricCatalogue([{ owner: "gy.sms", metrics: GY_METRICS }]);
  it.each([
    ["gy.ccr.latency.p99 < 20ms", undefined],
    ["gy.cca{result=2001}.ratio > 0.9", undefined],
    ["scenario.checks{check=x,result=fail}.count == 0", undefined],
    ["gy.ccr.latency.p99 < 20%", /does not fit/],
    ["gy.cca.ratio > 2ms", /does not fit/],
    ["gy.cca.p99 < 1", /is a counter/],
    ["gy.ccr.latency.rate > 1", /is a trend/],
    ["gy.ccr.latency.p0 > 1", /is a trend/],
    ["gy.ccr.latency < 20ms", /gy\.ccr is a counter/],
    ["gy.cca{rc=2001}.count > 1", /has no tag "rc"/],
    ["gy.ccx.count > 1", /unknown metric "gy.ccx"/],
  ])("%s", (text, problem) => {
    const message = checkThreshold(parseThreshold(text), catalogue);
    if (problem === undefined) expect(message).toBeUndefined();
    else expect(message).toMatch(problem);
  });
});

describe("evaluateThreshold", () => {
  const catalogue = new MetricCatalogue([{ owner: "gy.sms", metrics: GY_METRICS }]);
  const set = new MetricSet(catalogue);
  for (let i = 0; i < 999; i++) set.counter("gy.cca").add({ type: "event", service: "sms", result: 2001 });
  set.counter("gy.cca").add({ type: "event", service: "sms", result: 4012 });
  for (let i = 1; i <= 100; i++) set.trend("gy.ccr.latency").record(i, { type: "event", service: "sms" });
  const agg = new Aggregator(catalogue, 1000, 1);
  agg.add(0, set.drain());
  agg.finish();
  const ev = (text: string) => evaluateThreshold(parseThreshold(text), agg, 10_000);

  it.each([
    ["gy.cca{result=2001}.ratio >= 0.999", true, 0.999],
    ["gy.cca{result=2001}.ratio > 0.999", false, 0.999],
    ["gy.cca{result=4012}.count == 1", true, 1],
    ["gy.cca.rate == 100/s", true, 100],
    ["gy.ccr.latency.p99 <= 99.1ms", true, 99],
    ["gy.ccr.latency.p50 < 50ms", false, 50],
    ["gy.ccr.latency.max == 100ms", true, 100],
    ["gy.ccr.latency{type=event}.count == 100", true, 100],
  ])("%s → %s", (text, ok, actual) => {
    const r = ev(text);
    expect(r.ok).toBe(ok);
    // HDR histograms keep three significant digits: values are within 0.1 %.
    expect(Math.abs((r.actual ?? Number.NaN) - actual)).toBeLessThanOrEqual(actual * 0.001 + 1e-9);
  });

  it("no data fails (a threshold that measured nothing never passes)", () => {
    expect(ev("gy.ccr.latency{type=initial}.p99 < 1s")).toMatchObject({ ok: false, detail: "no data" });
    expect(ev("gy.cca{result=5030}.count == 0")).toMatchObject({ ok: true, actual: 0 });
  });
});
