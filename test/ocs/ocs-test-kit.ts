/**
 * Small helpers shared by the OCS suites: money out of the admin API's "X.XX" strings, a Gy
 * answer that must exist, a raw CCR-U on a session the client may already consider gone, and a
 * virtual clock moved in steps gentle enough for the Diameter watchdog.
 */
import { parseMoney } from "../../core/charging/money.js";
import type { Kopecks } from "../../core/charging/money.js";
import type { VirtualClock } from "../../core/clock/virtual-clock.js";
import type { CcOutcome, GyClient } from "../../core/diameter/gy/gy-client.js";
import type { CreditControlAnswer, MsccRequest, SubscriptionId } from "../../core/diameter/gy/gy-types.js";
import { api } from "../admin/helpers.js";
import { sleep } from "../interop/tools.js";

export const MB = 1024 * 1024;

export const kopecks = (text: string): Kopecks => parseMoney(text, "test");

/** The answer of a CCR that must have been answered (not failed over, not timed out). */
export function answered(o: CcOutcome): CreditControlAnswer {
  if (o.kind !== "answer") throw new Error(`no answer: ${o.reason}`);
  return o.answer;
}

/**
 * A CCR-UPDATE for `sessionId` sent straight through the client, whatever the client's own
 * session state says (after the server dropped a session, or from a client that never knew it).
 */
export function rawUpdate(
  client: GyClient,
  sessionId: string,
  subscriptionIds: readonly SubscriptionId[],
  requestNumber: number,
  mscc: readonly MsccRequest[],
): Promise<CcOutcome> {
  return client.send(
    { ...client.requestBase(), sessionId, requestType: "UPDATE", requestNumber, subscriptionIds, mscc },
    "TERMINATE",
  );
}

/**
 * Moves a virtual clock forward in steps of `stepMs`, yielding to the event loop after each, so
 * the server's watchdog (Tw 30 s ± 2 s on the node's clock) gets the DWA to its DWR before
 * the next Tw: a single jump of minutes would take a peer that answers for a dead one.
 */
export async function advance(clock: VirtualClock, ms: number, stepMs = 10_000): Promise<void> {
  let left = ms;
  while (left > 0) {
    const step = Math.min(stepMs, left);
    clock.advance(step);
    left -= step;
    await sleep(3);
  }
  // Let what the last timers started (a Tcc sweep's persist) settle.
  await sleep(5);
}

export interface RecordView {
  readonly sequence: number;
  readonly sessionId: string;
  readonly kind: string;
  readonly ratingGroup: number | null;
  readonly units: number;
  readonly charge: string;
  readonly fromBuckets: Record<string, number>;
  readonly balanceAfter: string;
  readonly endedAt: string;
}

/** Every record of one subscriber, all pages of GET /api/cdrs. */
export async function allRecords(base: string, msisdn: string): Promise<RecordView[]> {
  const out: RecordView[] = [];
  let after: number | undefined;
  for (;;) {
    const page = await api(
      base,
      "GET",
      `/api/cdrs?msisdn=${msisdn}&limit=10000${after !== undefined ? `&after=${after}` : ""}`,
    );
    if (page.status !== 200) throw new Error(`GET /api/cdrs: ${page.status} ${JSON.stringify(page.json)}`);
    const records = page.json.records as RecordView[];
    out.push(...records);
    const last = records.at(-1);
    if (records.length < 10_000 || last === undefined) return out;
    after = last.sequence;
  }
}

export interface SubscriberMoney {
  readonly balance: Kopecks;
  readonly available: Kopecks;
  readonly held: Kopecks;
  readonly creditLimit: Kopecks;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the rest of the JSON view, read by the tests
  readonly view: any;
}

/** GET /api/subscribers/:msisdn with the money fields in kopecks. */
export async function subscriberMoney(base: string, msisdn: string): Promise<SubscriberMoney> {
  const shown = await api(base, "GET", `/api/subscribers/${msisdn}`);
  if (shown.status !== 200) throw new Error(`GET subscriber ${msisdn}: ${shown.status}`);
  const v = shown.json;
  return {
    balance: kopecks(v.balance),
    available: kopecks(v.available),
    held: kopecks(v.held),
    creditLimit: kopecks(v.creditLimit),
    view: v,
  };
}
