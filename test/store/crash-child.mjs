/**
 * The process the crash test kills: it persists numbered batches to the SQLite store in <dir>
 * forever and prints each number on stdout once that batch's persist() has resolved (stdout is
 * a pipe, written synchronously on Linux, so a printed number reached the parent before any
 * SIGKILL). Batch n sets the balance of "acc-all" and of 5 of 20 rotating accounts to n and
 * appends record "b-n". It starts after the highest number already stored.
 *
 * Run with the compiled store: node test/store/crash-child.mjs <dir>
 */
import { SqliteBalanceStore } from "../../dist/core/store/sqlite-store.js";

const ROTATING = 20;
const TOUCHED = 5;

const dir = process.argv[2];
if (dir === undefined) throw new Error("usage: crash-child.mjs <dir>");
const store = new SqliteBalanceStore(dir);
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
}
