import { describe, expect, it } from "vitest";
import { MemoryBalanceStore } from "../../core/store/memory-store.js";
import { balanceStoreContract } from "./balance-store-contract.js";
import { EMPTY, fullAccount } from "./fixtures.js";

balanceStoreContract("MemoryBalanceStore", { open: () => new MemoryBalanceStore(), persistent: false });

describe("MemoryBalanceStore", () => {
  it("copies the batch when persist is called, before the caller's next change", async () => {
    const store = new MemoryBalanceStore();
    const account = fullAccount("acc-1");
    const pending = store.persist({ ...EMPTY, accounts: [account] });
    account.balance = 0; // same tick, before the promise resolves
    await pending;
    expect(await store.loadAccounts()).toStrictEqual([fullAccount("acc-1")]);
  });

  it("resolves persist on the next microtask", async () => {
    const store = new MemoryBalanceStore();
    const order: string[] = [];
    const pending = store.persist(EMPTY).then(() => order.push("persisted"));
    queueMicrotask(() => order.push("next microtask"));
    await pending;
    expect(order).toStrictEqual(["persisted", "next microtask"]);
  });

  it("rejects, and stores nothing, when the batch cannot be copied", async () => {
    const store = new MemoryBalanceStore();
    // what JSON cannot write (the SQLite store writes accounts as JSON too)
    const bad = { ...fullAccount("acc-2"), big: 1n };
    await expect(store.persist({ ...EMPTY, accounts: [fullAccount("acc-1"), bad] })).rejects.toThrow();
    expect(await store.loadAccounts()).toStrictEqual([]);
  });
});

describe("MemoryBalanceStore without copies", () => {
  it("keeps the caller's objects: later changes show in what it loads", async () => {
    const store = new MemoryBalanceStore({ copies: false });
    const account = fullAccount("acc-1");
    await store.persist({ ...EMPTY, accounts: [account] });
    account.balance = 4242;
    const [loaded] = await store.loadAccounts();
    expect(loaded).toBe(account);
    expect(loaded?.balance).toBe(4242);
  });
});
