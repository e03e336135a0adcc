/** Top-ups by amount and by express card, and the card routes. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ALICE, addSubscriber, api, BOB, startNode, type TestNode } from "./helpers.js";

let t: TestNode;
const topup = (body: unknown, msisdn: string = ALICE.msisdn) =>
  api(t.base, "POST", `/api/subscribers/${msisdn}/topup`, body);

beforeEach(async () => {
  t = await startNode();
  await addSubscriber(t.base);
});

afterEach(async () => {
  await t.node.stop();
});

async function issueCards(count: number, amount: string, seed: string | number = "cards-1") {
  const r = await api(t.base, "POST", "/api/cards", { count, amount, seed });
  expect(r.status).toBe(201);
  return r.json.cards as { code: string; amount: string }[];
}

describe("POST /api/subscribers/:msisdn/topup", () => {
  it("tops up by amount, writes a top-up record and persists it", async () => {
    const r = await topup({ amount: "5.50" });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      msisdn: ALICE.msisdn,
      balance: "15.50",
      restored: false,
      state: "active",
    });
    expect(r.json.records).toEqual([
      expect.objectContaining({
        kind: "topup",
        charge: "-5.50",
        balanceAfter: "15.50",
        msisdn: ALICE.msisdn,
      }),
    ]);
    const stored = await t.node.store.records({});
    expect(stored.map((s) => [s.record.kind, s.record.charge])).toEqual([["topup", -550]]);
    expect((await t.node.store.loadAccounts())[0]?.balance).toBe(1550);
  });

  it("restores a blocked account", async () => {
    await api(t.base, "PATCH", `/api/subscribers/${ALICE.msisdn}`, { state: "blocked" });
    const r = await topup({ amount: "1.00" });
    expect(r.json).toMatchObject({ restored: true, state: "active", balance: "11.00" });
  });

  it("tops up with an express card, once", async () => {
    const [card] = await issueCards(2, "7.00");
    const code = card!.code;
    const r = await topup({ card: code });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      balance: "17.00",
      card: { code, amount: "7.00", used: true, usedBy: "acc-1" },
    });
    const again = await topup({ card: code });
    expect(again.status).toBe(422);
    expect(again.json.error).toMatchObject({ code: "CARD_REJECTED", field: "card" });
    expect(again.json.error.message).toMatch(/already been used/);
    expect((await api(t.base, "GET", `/api/subscribers/${ALICE.msisdn}`)).json.balance).toBe("17.00");
  });

  it("refuses malformed, mistyped and unknown card codes with 422 and the reason", async () => {
    const [card] = await issueCards(1, "1.00");
    const code = card!.code;
    const mistyped = code.slice(0, 13) + String((Number(code[13]) + 1) % 10);
    const cases: [string, RegExp][] = [
      ["1234", /14 digits/],
      [mistyped, /check digit/],
      ["00000000000000", /no express card/],
    ];
    for (const [c, reason] of cases) {
      const r = await topup({ card: c });
      expect(r.status).toBe(422);
      expect(r.json.error.code).toBe("CARD_REJECTED");
      expect(r.json.error.message).toMatch(reason);
    }
  });

  it.each([
    [{}, "amount", "MISSING_FIELD"],
    [{ amount: "5.00", card: "1" }, "card", "INVALID_FIELD"],
    [{ amount: "0.00" }, "amount", "INVALID_FIELD"],
    [{ amount: "-5.00" }, "amount", "INVALID_FIELD"],
    [{ amount: 5 }, "amount", "INVALID_FIELD"],
    [{ amount: "5,00" }, "amount", "INVALID_FIELD"],
    [{ card: 12345678901234 }, "card", "INVALID_FIELD"],
    [{ amount: "5.00", note: "x" }, "note", "UNKNOWN_FIELD"],
  ])("answers 400 for %j naming %s", async (body, field, code) => {
    const r = await topup(body);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code, field });
  });

  it("answers 404 for an unknown subscriber and 409 for a closed account", async () => {
    expect((await topup({ amount: "1.00" }, BOB.msisdn)).status).toBe(404);
    await api(t.base, "PATCH", `/api/subscribers/${ALICE.msisdn}`, { state: "closed" });
    const closed = await topup({ amount: "1.00" });
    expect(closed.status).toBe(409);
    expect(closed.json.error.code).toBe("ACCOUNT_CLOSED");
  });
});

describe("/api/cards", () => {
  it("issues a reproducible batch from a seed and shows each card", async () => {
    const cards = await issueCards(3, "10.00", 42);
    expect(cards).toHaveLength(3);
    for (const c of cards) {
      expect(c.code).toMatch(/^\d{14}$/);
      expect(c.amount).toBe("10.00");
    }
    const shown = await api(t.base, "GET", `/api/cards/${cards[0]!.code}`);
    expect(shown.status).toBe(200);
    expect(shown.json).toMatchObject({
      code: cards[0]!.code,
      amount: "10.00",
      used: false,
      usedBy: null,
      usedAt: null,
    });
    // The same seed again would reissue those codes: refused whole.
    const replay = await api(t.base, "POST", "/api/cards", { count: 1, amount: "1.00", seed: 42 });
    expect(replay.status).toBe(409);
    expect(replay.json.error).toMatchObject({ code: "DUPLICATE_CARD", field: "seed" });
  });

  it("issues random codes without a seed", async () => {
    const r = await api(t.base, "POST", "/api/cards", { count: 2, amount: "1.00" });
    expect(r.status).toBe(201);
    expect(r.json.cards).toHaveLength(2);
  });

  it("shows a used card with who used it", async () => {
    const [card] = await issueCards(1, "2.00");
    await topup({ card: card!.code });
    const r = await api(t.base, "GET", `/api/cards/${card!.code}`);
    expect(r.json).toMatchObject({ used: true, usedBy: "acc-1" });
    expect(Number.isNaN(Date.parse(r.json.usedAt))).toBe(false);
  });

  it.each([
    [{ amount: "1.00" }, "count", "MISSING_FIELD"],
    [{ count: 0, amount: "1.00" }, "count", "INVALID_FIELD"],
    [{ count: 1.5, amount: "1.00" }, "count", "INVALID_FIELD"],
    [{ count: 10_001, amount: "1.00" }, "count", "INVALID_FIELD"],
    [{ count: 1 }, "amount", "MISSING_FIELD"],
    [{ count: 1, amount: "0" }, "amount", "INVALID_FIELD"],
    [{ count: 1, amount: "1.00", seed: [] }, "seed", "INVALID_FIELD"],
    [{ count: 1, amount: "1.00", colour: "red" }, "colour", "UNKNOWN_FIELD"],
  ])("answers 400 for %j naming %s", async (body, field, code) => {
    const r = await api(t.base, "POST", "/api/cards", body);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code, field });
  });

  it("answers 400 for a malformed code and 404 for an unknown one", async () => {
    const bad = await api(t.base, "GET", "/api/cards/12x");
    expect(bad.status).toBe(400);
    expect(bad.json.error.field).toBe("code");
    const unknown = await api(t.base, "GET", "/api/cards/00000000000000");
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatchObject({ code: "CARD_NOT_FOUND", field: "code" });
  });
});
