/**
 * Group commit of the HLR's SQN changes: every account whose SQN moved in one event-loop turn is
 * persisted in one `engine.persist` call, and every caller of that turn waits for the same
 * promise. The HLR sends a challenge only after its SQN is durable (design: what a peer was told
 * is on disk), so a restarted core never hands out an SQN the card has already seen.
 */
import type { ChargingEngine } from "../charging/engine.js";
import type { Account } from "../charging/model.js";

export class SqnCommit {
  private pending = new Set<Account>();
  private batch: Promise<void> | undefined;

  constructor(private readonly engine: ChargingEngine) {}

  /** Resolves when `account` (with its current SQN) is durable. */
  commit(account: Account): Promise<void> {
    this.pending.add(account);
    this.batch ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      const accounts = [...this.pending];
      this.pending = new Set();
      this.batch = undefined;
      return this.engine.persist(accounts);
    });
    return this.batch;
  }
}
