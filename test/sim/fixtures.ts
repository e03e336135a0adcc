import { PIN_MAX_TRIES, PUK_MAX_TRIES, type SimCard, SQN_SLOTS } from "../../sim/card.js";

/**
 * The default UICC of TS 31.127 §4.5.1 (PIN1 0000, PUK1 11111111, PIN2 9999, PUK2 22222222)
 * with A1 Belarus identities and the K / OPc of Milenage test set 1 (TS 35.208 §4.3.1).
 */
export function makeTestCard(): SimCard {
  return {
    iccid: "8937501000000000017",
    imsi: "257010000000001",
    mncLength: 2,
    msisdn: "375291234567",
    k: "465b5ce8b199b49faa5f0a2ee238a6bc",
    opc: "cd63cb71954a9f4e48a5994e37a02baf",
    pin1: { value: "0000", enabled: true, triesLeft: PIN_MAX_TRIES, verified: false },
    pin2: { value: "9999", enabled: true, triesLeft: PIN_MAX_TRIES, verified: false },
    puk1: { value: "11111111", triesLeft: PUK_MAX_TRIES },
    puk2: { value: "22222222", triesLeft: PUK_MAX_TRIES },
    sqn: new Array<number>(SQN_SLOTS).fill(0),
  };
}

/** Hex (spaces allowed) to bytes, for readable APDUs in tests. */
export function hex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text.replace(/\s+/g, ""), "hex"));
}
