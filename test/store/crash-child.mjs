/**
 * The process the crash test kills: it persists numbered batches to the SQLite store in <dir>
 * forever and prints each number on stdout once that batch's persist() has resolved (stdout is
 * a pipe, written synchronously on Linux, so a printed number reached the parent before any
 * SIGKILL). Batch n sets the balance of "acc-all" and of 5 of <rotating> (default 20) rotating
 * accounts to n and appends record "b-n". It starts after the highest number already stored. After each burst it
 * prints "f <fold steps> <rows copied by folds>" so far (the writer's figures as of its last
 * answer).
 *
 * Run with the compiled store:
 *   node test/store/crash-child.mjs <dir> [thread|inline] [foldThresholdRows] [foldStepRows] [rotating]
 * A tiny threshold keeps the account log folding all the time, so the kill often lands in a fold;
 * with many rotating accounts, many of the rows folded are their account's latest (copied).
 */
import { SqliteBalanceStore } from "../../dist/core/store/sqlite-store.js";

const TOUCHED = 5;

const [dir, writer = "thread", threshold, step, rotating = "20"] = process.argv.slice(2);
if (dir === undefined)
  throw new Error("usage: crash-child.mjs <dir> [writer] [foldThresholdRows] [foldStepRows] [rotating]");
const ROTATING = Number(rotating);
const options = { writer };
if (threshold !== undefined) options.foldThresholdRows = Number(threshold);
if (step !== undefined) options.foldStepRows = Number(step);
const store = new SqliteBalanceStore(dir, options);
let n = 0;
for (const account of await store.loadAccounts()) n = Math.max(n, account.balance);

const account = (id, balance) => ({
  id,
  state: "active",
  balance,
  creditLimit: undefined,
  planId: "crash",
  subscribers: [{ msisdn: "375290000000", imsi: "257010000000000" }],
  favorites: [],
  cugId: undefined,
  buckets: [],
  reservations: [],
  feePeriodStart: 0,
  nextFeeAt: 0,
  feesOwed: 0,
  pausedAt: undefined,
  createdAt: 0,
});

function batch(b) {
  const accounts = [account("acc-all", b)];
  for (let j = 0; j < TOUCHED; j++) accounts.push(account(`acc-${(b + j) % ROTATING}`, b));
  const record = {
    id: `b-${b}`,
    accountId: "acc-all",
    msisdn: "375290000000",
    sessionId: `crash;${b}`,
    kind: "sms",
    ratingGroup: undefined,
    destination: "on-net",
    startedAt: b,
    endedAt: b,
    units: 1,
    charge: 1,
    fromBuckets: {},
    balanceAfter: b,
    throttled: false,
  };
  return { accounts, records: [record], cards: [] };
}

process.stdout.write(`start ${n}\n`);
for (;;) {
  // 1 to 64 persists per turn, like a server answering a varying pipelined window.
  const burst = 1 + Math.floor(Math.random() * 64);
  const inFlight = [];
  for (let k = 0; k < burst; k++) {
    const b = ++n;
    inFlight.push(store.persist(batch(b)).then(() => process.stdout.write(`${b}\n`)));
  }
  await Promise.all(inFlight);
  const { foldSteps, foldCopies } = store.journalStats();
  process.stdout.write(`f ${foldSteps} ${foldCopies}\n`);
}
