import { describe, expect, it } from "vitest";
import {
  decodeFrame,
  decodeFrames,
  encodeFrame,
  encodeFrames,
  isDecodeFailure,
} from "../../core/network/link/link-codec.js";
import type { LinkFrame, LinkMessage } from "../../core/network/link/link-messages.js";
import { createInProcessPair } from "../../core/network/link/in-process-link.js";
import { SeededRandom } from "../../sim/random.js";

const b = (...xs: number[]): Uint8Array => Uint8Array.from(xs);
const sixteen = Uint8Array.from({ length: 16 }, (_, i) => i + 1);

/** One of every message, with optional fields both present and absent. */
const MESSAGES: readonly LinkMessage[] = [
  { type: "attach-request", imsi: "257010000000001", imei: "356938035643809" },
  { type: "auth-response", res: b(1, 2, 3, 4, 5, 6, 7, 8) },
  { type: "auth-failure", cause: "mac-failure" },
  { type: "auth-failure", cause: "sync-failure", auts: b(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14) },
  { type: "detach-request" },
  { type: "call-setup", called: "+375291234567", clir: "default", emergency: false },
  { type: "call-setup", called: "112", clir: "invoke", emergency: true },
  { type: "call-answer", callId: 7 },
  { type: "call-hangup", callId: 0 },
  { type: "sms-submit", tpdu: b(0x01, 0x00, 0x03) },
  { type: "sms-submit", tpdu: b(0x01), serviceCentre: "+375290000000" },
  { type: "sms-deliver-result", ok: true },
  { type: "sms-deliver-result", ok: false, cause: 22 },
  { type: "ussd-begin", text: "*100#", dcs: 15 },
  { type: "ussd-reply", text: "1", dcs: 15 },
  { type: "ussd-release" },
  {
    type: "ss-request",
    request: {
      service: "call-forwarding",
      procedure: "register",
      serviceCode: "61",
      condition: "no-reply",
      forwardedTo: "+375291111111",
      basicService: { code: "11", group: "telephony" },
      noReplyTimer: 20,
    },
  },
  { type: "ss-request", request: { service: "call-waiting", procedure: "interrogate", serviceCode: "43" } },
  {
    type: "ss-request",
    request: {
      service: "call-barring",
      procedure: "activate",
      serviceCode: "331",
      program: "outgoing-international",
      password: "0000",
    },
  },
  {
    type: "ss-request",
    request: {
      service: "barring-password",
      procedure: "register",
      serviceCode: "03",
      barringCode: "330",
      oldPassword: "0000",
      newPassword: "1234",
    },
  },
  { type: "ss-request", request: { service: "clir", procedure: "interrogate", serviceCode: "31" } },
  { type: "data-start", apn: "internet" },
  { type: "data-usage", sessionId: 3, octets: 12_345_678_901 },
  { type: "data-stop", sessionId: 3, octets: 0 },
  { type: "auth-request", rand: sixteen, autn: sixteen },
  {
    type: "attach-accept",
    msisdn: "+375291234567",
    operator: { longName: "A1", shortName: "A1", plmn: "25701" },
    accessTechnology: "e-utran",
    areaCode: 0x1234,
    cellId: 99,
  },
  { type: "attach-reject", cause: 2, reason: "imsi-unknown" },
  { type: "detach-accept" },
  { type: "network-detach", cause: 8, reason: "not-allowed" },
  { type: "call-alerting", callId: 1 },
  { type: "call-incoming", callId: 2, caller: "+375291234567", waiting: false },
  { type: "call-incoming", callId: 2, waiting: true },
  { type: "call-connected", callId: 2 },
  { type: "call-released", callId: 2, reason: "busy", cause: 17 },
  { type: "sms-submit-result", result: { ok: true } },
  { type: "sms-submit-result", result: { ok: false, cause: "rejected", code: 21 } },
  { type: "sms-submit-result", result: { ok: false, cause: "no-service" } },
  { type: "sms-deliver", tpdu: b(4, 5, 6), serviceCentre: "+375290000000" },
  { type: "sms-status-report", tpdu: b(6, 7) },
  { type: "ussd", status: "request", text: "1. Balance\n2. Packages", dcs: 72 },
  { type: "ussd", status: "timeout" },
  { type: "ss-result", result: { ok: true } },
  { type: "ss-result", result: { ok: true, entries: [] } },
  {
    type: "ss-result",
    result: { ok: true, entries: [{ active: true, classes: 1, number: "+375291111111", noReplyTimer: 20 }] },
  },
  { type: "ss-result", result: { ok: false, cause: "wrong-password" } },
  {
    type: "data-grant",
    sessionId: 3,
    octets: 5_000_000_000,
    validityTime: 600,
    thresholdOctets: 1_000_000,
    restricted: false,
    throttleKbps: 0,
  },
  {
    type: "data-grant",
    sessionId: 3,
    octets: 100,
    validityTime: 0,
    thresholdOctets: 0,
    finalUnitAction: "redirect",
    redirectUrl: "http://127.0.0.1:8080/topup",
    restricted: true,
    throttleKbps: 64,
  },
  { type: "data-ended", sessionId: 3, reason: "final-units", resultCode: 0 },
  { type: "refused", cause: "no-service" },
  { type: "refused", cause: "not-supported", detail: "no such thing" },
  { type: "error", code: "bad-frame", message: "not a LinkFrame", offendingCorrelation: 9 },
];

describe("link codec", () => {
  it("round-trips every message type, one frame at a time", () => {
    for (const [i, message] of MESSAGES.entries()) {
      const frame: LinkFrame = { handset: i, correlation: 1000 + i, message };
      expect(decodeFrame(encodeFrame(frame))).toEqual(frame);
    }
  });

  it("round-trips a batch in the delimited form", () => {
    const frames = MESSAGES.map((message, i): LinkFrame => ({
      handset: 999_999 - i,
      correlation: i,
      message,
    }));
    expect(decodeFrames(encodeFrames(frames))).toEqual(frames);
  });

  it("answers a frame without a body, a bad field and garbage with failures, and reads on", () => {
    const good: LinkFrame = { handset: 5, correlation: 6, message: { type: "detach-request" } };
    const badImsi = encodeFrame({
      handset: 1,
      correlation: 2,
      message: { type: "attach-request", imsi: "12x", imei: "" },
    });
    const parts = [
      encodeFrames([good]),
      Uint8Array.of(badImsi.length),
      badImsi,
      Uint8Array.of(3, 0xff, 0xff, 0xff),
      encodeFrames([good]),
    ];
    const bytes = Buffer.concat(parts);
    const out = decodeFrames(bytes);
    expect(out).toHaveLength(4);
    expect(out[0]).toEqual(good);
    expect(out[1]).toMatchObject({ kind: "decode-failure", code: "bad-field", handset: 1, correlation: 2 });
    expect(out[2]).toMatchObject({ kind: "decode-failure", code: "bad-frame" });
    expect(out[3]).toEqual(good);
    const noBody = decodeFrame(Uint8Array.of(0x08, 0x07, 0x10, 0x09));
    expect(noBody).toMatchObject({ code: "no-body", handset: 7, correlation: 9 });
  });

  it("never throws on random bytes", () => {
    const rng = SeededRandom.from("link-fuzz");
    for (let i = 0; i < 20_000; i++) {
      const bytes = rng.fillBytes(new Uint8Array(rng.nextInt(40)));
      for (const x of decodeFrames(bytes)) {
        if (isDecodeFailure(x)) expect(["bad-frame", "no-body", "bad-field"]).toContain(x.code);
      }
    }
  });

  it("the in-process pair delivers in order, after the sending turn", async () => {
    const { handsetEnd, coreEnd } = createInProcessPair();
    const got: number[] = [];
    coreEnd.onFrame((f) => got.push(f.correlation));
    for (let i = 1; i <= 3; i++)
      handsetEnd.send({ handset: 1, correlation: i, message: { type: "detach-request" } });
    expect(got).toEqual([]);
    await Promise.resolve();
    expect(got).toEqual([1, 2, 3]);
    handsetEnd.close();
    expect(coreEnd.closed).toBe(true);
  });
});
