/**
 * USSD over SMPP (core/ussd/smpp-bridge.ts): the op and status mappings against a real gateway and
 * a fake SMSC, then a live SMSC on 127.0.0.1 with an ESME bound as `quizapp` over TCP.
 */
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../core/clock/virtual-clock.js";
import { CommandStatus } from "../../core/smpp/command-status.js";
import type { DataSm, DeliverSm, OutboundPdu, SubmitSm } from "../../core/smpp/pdu-types.js";
import { connectAndBind } from "../../core/smpp/smpp-client.js";
import type { SmppSession } from "../../core/smpp/smpp-session.js";
import { decodeText } from "../../core/smpp/text-codec.js";
import type { OutboxOutcome } from "../../core/smsc/esme-outbox.js";
import { esmeAccount } from "../../core/smsc/smsc-config.js";
import type { DialogueSummary, ToApplication, ToHandset } from "../../core/ussd/dialogue-types.js";
import { UssdGateway } from "../../core/ussd/gateway.js";
import {
  type BridgeRefusalCode,
  type BridgeSmsc,
  USSD_STATUS,
  USSREL_INDICATION,
  UssdSmppBridge,
  actionKindOf,
  deliverSmOf,
  encodeUssdText,
  ussdMessageId,
} from "../../core/ussd/smpp-bridge.js";
import { ACCOUNTS, type Harness, startSmsc, until } from "../smsc/smsc-harness.js";

const A = "375291000001";
const B = "375291000002";
const QUIZ = { kind: "external", systemId: "quizapp" } as const;

/** A gateway (150 → quizapp, 151 → otherapp) on a virtual clock, with what the handsets get. */
function gatewayWith(bridge: UssdSmppBridge, clock = new VirtualClock(Date.UTC(2026, 10, 22, 9))) {
  const handsets: ToHandset[] = [];
  const ended: DialogueSummary[] = [];
  const gateway = new UssdGateway({
    clock,
    routes: [
      { serviceCode: "150", to: QUIZ },
      { serviceCode: "151", to: { kind: "external", systemId: "otherapp" } },
    ],
    handsets: (m) => handsets.push(m),
    external: bridge,
    ended: (s) => ended.push(s),
  });
  return { gateway, handsets, ended };
}

/** An SMSC stand-in: which system_ids have a receiver, and what deliverToEsme got. */
function fakeSmsc(outcome: OutboxOutcome = { kind: "delivered" }) {
  const bound = new Set(["quizapp", "otherapp"]);
  const sent: { systemId: string; pdu: OutboundPdu<"deliver_sm"> }[] = [];
  const smsc: BridgeSmsc & { bound: Set<string>; sent: typeof sent } = {
    bound,
    sent,
    receivers: (systemId) => (bound.has(systemId) ? 1 : 0),
    deliverToEsme: (systemId, pdu) => {
      sent.push({ systemId, pdu });
      return Promise.resolve(outcome);
    },
  };
  return smsc;
}

function unit(outcome: OutboxOutcome = { kind: "delivered" }) {
  const bridge = new UssdSmppBridge();
  const g = gatewayWith(bridge);
  const smsc = fakeSmsc(outcome);
  bridge.connect(g.gateway, smsc);
  const lastSent = (): OutboundPdu<"deliver_sm"> => {
    const s = smsc.sent.at(-1);
    if (s === undefined) throw new Error("nothing was delivered");
    return s.pdu;
  };
  return { bridge, smsc, lastSent, ...g };
}

function submit(fields: Partial<SubmitSm>): SubmitSm {
  return {
    command: "submit_sm",
    command_status: 0,
    sequence_number: 1,
    service_type: "USSD",
    source_addr_ton: 5,
    source_addr_npi: 0,
    source_addr: "QUIZ",
    dest_addr_ton: 1,
    dest_addr_npi: 1,
    destination_addr: A,
    esm_class: 0,
    protocol_id: 0,
    priority_flag: 0,
    schedule_delivery_time: "",
    validity_period: "",
    registered_delivery: 0,
    replace_if_present_flag: 0,
    data_coding: 0x0f,
    sm_default_msg_id: 0,
    short_message: Buffer.from("Hello"),
    ...fields,
  };
}

const its = (session: number, second = 0): Buffer => Buffer.from([session, second]);

function textOf(m: ToHandset | undefined): string {
  return m === undefined || m.kind === "release" ? "" : m.text;
}

describe("mappings", () => {
  it("ESME ussd_service_op → gateway action", () => {
    const cases: [number, boolean, string | undefined][] = [
      [0, false, undefined], // PSSD indication: phase 1, not supported
      [1, false, undefined], // PSSR indication: the gateway's
      [2, false, "request"],
      [2, true, "respond"], // Tata: USSR with the end bit is the final text
      [3, false, "notify"],
      [3, true, "notify"],
      [4, false, undefined],
      [16, false, undefined], // PSSD response
      [17, false, "respond"],
      [17, true, "respond"],
      [18, false, undefined], // USSR confirm: the gateway's
      [19, false, undefined], // USSN confirm: the gateway's
      [31, false, undefined],
      [32, false, "release"],
      [0x81, false, "release"],
      [0x81, true, "release"],
      [255, false, "release"],
      [256, false, undefined],
    ];
    expect(cases.map(([op, end]) => actionKindOf(op, end))).toEqual(cases.map((c) => c[2]));
  });

  it("gateway message → deliver_sm: op, text, data_coding, its_session_info, user_message_reference", () => {
    const base = {
      dialogueId: 7,
      msisdn: A,
      application: QUIZ,
      serviceCode: "150",
      userMessageReference: 0x1234,
    } as const;
    const cases: [ToApplication, number, string, number, string][] = [
      [
        {
          ...base,
          kind: "begin",
          text: "*150*2#",
          session: { sessionNumber: 5, sequence: 0, endOfSession: false },
        },
        1,
        "*150*2#",
        0x0f,
        "0500",
      ],
      [
        {
          ...base,
          kind: "reply",
          text: "2",
          session: { sessionNumber: 5, sequence: 2, endOfSession: false },
        },
        18,
        "2",
        0x0f,
        "0504",
      ],
      [
        {
          ...base,
          kind: "reply",
          text: "Да",
          session: { sessionNumber: 5, sequence: 4, endOfSession: false },
        },
        18,
        "Да",
        0x08,
        "0508",
      ],
      [
        { ...base, kind: "ack", session: { sessionNumber: 5, sequence: 2, endOfSession: false } },
        19,
        "",
        0x0f,
        "0504",
      ],
      [
        {
          ...base,
          kind: "end",
          reason: "user-timeout",
          session: { sessionNumber: 5, sequence: 3, endOfSession: true },
        },
        0x81,
        "",
        0x0f,
        "0507",
      ],
    ];
    for (const [message, op, text, dcs, session] of cases) {
      const pdu = deliverSmOf(message);
      expect({
        op: pdu.ussd_service_op,
        text: decodeText(pdu.data_coding ?? -1, pdu.short_message ?? Buffer.alloc(0)),
        dcs: pdu.data_coding,
        its: pdu.its_session_info?.toString("hex"),
      }).toEqual({ op, text, dcs, its: session });
      expect(pdu).toMatchObject({
        command: "deliver_sm",
        service_type: "USSD",
        source_addr_ton: 1,
        source_addr_npi: 1,
        source_addr: A,
        destination_addr: "*150#",
        user_message_reference: 0x1234,
      });
    }
    const network = deliverSmOf({
      ...base,
      serviceCode: undefined,
      kind: "ack",
      session: { sessionNumber: 1, sequence: 1, endOfSession: false },
    });
    expect(network.destination_addr).toBe("");
  });

  it("encodes text as unpacked GSM-7 (0x0F) when it fits, else UCS2 (0x08)", () => {
    const cases: [string, number, string][] = [
      ["Hi@", 0x0f, "486900"], // '@' is GSM-7 0x00
      ["5€", 0x0f, "351b65"], // '€' is the escape 0x1B then 0x65
      ["Ж", 0x08, "0416"],
    ];
    expect(
      cases.map(([t]) => {
        const e = encodeUssdText(t);
        return [t, e.dataCoding, e.bytes.toString("hex")];
      }),
    ).toEqual(cases);
  });

  it("one status table for every refusal", () => {
    const expected: Record<BridgeRefusalCode, number> = {
      USSD_NO_DIALOGUE: 0xc4,
      USSD_NOT_OWNER: 0x101,
      USSD_BUSY: 0x410,
      USSD_WRONG_STATE: 0x411,
      USSD_TEXT_TOO_LONG: 0x01,
      USSD_TEXT_EMPTY: 0x01,
      SMPP_BAD_SESSION_INFO: 0xc2,
      SMPP_UNKNOWN_OP: 0xc4,
      SMPP_TWO_TEXTS: 0x01,
      SMPP_BAD_DATA_CODING: 0x104,
      SMPP_BAD_MSISDN: 0x0b,
      SMPP_NOT_CONNECTED: 0x08,
      USSD_BAD_STRING: 0x08,
      USSD_UNKNOWN_SERVICE: 0x08,
      USSD_BAD_ROUTE: 0x08,
      USSD_BAD_CONFIG: 0x08,
      USSD_BAD_INPUT: 0x08,
      USSD_BAD_MENU: 0x08,
    };
    expect(USSD_STATUS).toEqual(expected);
  });

  it("message_id: the session number (2 hex digits) then user_message_reference (4)", () => {
    expect(ussdMessageId({ sessionNumber: 3, userMessageReference: 42 })).toBe("03002a");
    expect(ussdMessageId({ sessionNumber: 255, userMessageReference: 0xffff })).toBe("ffffff");
  });
});

describe("the bridge with a fake SMSC", () => {
  it("mobile-initiated: begin → USSR → confirm → PSSR response", () => {
    const u = unit();
    expect(u.gateway.dial(A, "*150#").ok).toBe(true);
    const begin = u.lastSent();
    expect(begin).toMatchObject({ ussd_service_op: 1, destination_addr: "*150#", source_addr: A });
    const s = begin.its_session_info?.[0] ?? -1;
    const ref = begin.user_message_reference ?? -1;
    const request = u.bridge.fromEsme(
      "quizapp",
      submit({ ussd_service_op: 2, its_session_info: its(s), short_message: Buffer.from("1. Go") }),
    );
    expect(request).toEqual({
      status: 0,
      messageId: ussdMessageId({ sessionNumber: s, userMessageReference: ref }),
    });
    expect(u.handsets.at(-1)).toMatchObject({ kind: "request", msisdn: A, text: "1. Go", dcs: 0x0f });
    expect(u.gateway.reply(A, "1").ok).toBe(true);
    expect(u.lastSent()).toMatchObject({ ussd_service_op: 18, its_session_info: its(s, 0x04) });
    const final = u.bridge.fromEsme(
      "quizapp",
      submit({ ussd_service_op: 17, its_session_info: its(s, 0x05), short_message: Buffer.from("Done") }),
    );
    expect(final.status).toBe(0);
    expect(u.handsets.at(-1)).toMatchObject({ kind: "result", text: "Done" });
    expect(u.ended.map((e) => e.reason)).toEqual(["completed"]);
    // the end was the application's: nothing more goes to it
    expect(u.smsc.sent.map((x) => x.pdu.ussd_service_op)).toEqual([1, 18]);
  });

  it("a USSR with the end-of-session bit is the final text (Tata)", () => {
    const u = unit();
    u.gateway.dial(A, "*150#");
    const s = u.lastSent().its_session_info?.[0] ?? -1;
    const r = u.bridge.fromEsme(
      "quizapp",
      submit({ ussd_service_op: 2, its_session_info: its(s, 0x01), short_message: Buffer.from("Bye") }),
    );
    expect(r.status).toBe(0);
    expect(u.handsets.at(-1)).toMatchObject({ kind: "result", text: "Bye" });
    expect(u.ended.map((e) => e.reason)).toEqual(["completed"]);
  });

  it("finds the dialogue by user_message_reference alone (Mica) and releases on any vendor op", () => {
    const u = unit();
    u.gateway.dial(A, "*150#");
    const ref = u.lastSent().user_message_reference ?? -1;
    expect(
      u.bridge.fromEsme("quizapp", submit({ ussd_service_op: 2, user_message_reference: ref })).status,
    ).toBe(0);
    expect(u.handsets.at(-1)).toMatchObject({ kind: "request", text: "Hello" });
    expect(
      u.bridge.fromEsme("quizapp", submit({ ussd_service_op: 0x90, user_message_reference: ref })).status,
    ).toBe(0);
    expect(u.handsets.at(-1)).toEqual({
      kind: "release",
      dialogueId: 1,
      msisdn: A,
      reason: "released-by-application",
    });
  });

  it("data_sm: the text from message_payload, decoded with data_coding (UCS2)", () => {
    const u = unit();
    const pdu: DataSm = {
      command: "data_sm",
      command_status: 0,
      sequence_number: 1,
      service_type: "USSD",
      source_addr_ton: 5,
      source_addr_npi: 0,
      source_addr: "QUIZ",
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: `+${B}`,
      esm_class: 0,
      registered_delivery: 0,
      data_coding: 0x08,
      ussd_service_op: 3,
      message_payload: Buffer.from("0411043e043d0443044100210020", "hex"),
    };
    const r = u.bridge.fromEsme("quizapp", pdu);
    expect(r).toEqual({ status: 0, messageId: "000000" });
    expect(u.handsets).toEqual([
      { kind: "notify", dialogueId: 1, msisdn: B, text: "Бонус! ", encoding: "ucs2", dcs: 0x48 },
    ]);
  });

  it("network-initiated: an opening without TLVs, message_id naming the new dialogue", () => {
    const u = unit();
    u.gateway.dial(B, "*150#"); // session 0, reference 0 taken by B
    const r = u.bridge.fromEsme("quizapp", submit({ ussd_service_op: 2, user_message_reference: 777 }));
    expect(r).toEqual({ status: 0, messageId: "010309" });
    expect(u.handsets.at(-1)).toMatchObject({ kind: "request", msisdn: A, text: "Hello" });
    u.gateway.reply(A, "yes");
    expect(u.lastSent()).toMatchObject({
      ussd_service_op: 18,
      source_addr: A,
      destination_addr: "",
      its_session_info: its(1, 0x02),
      user_message_reference: 777,
    });
  });

  it("refusals → command_status", () => {
    const cases: [string, (u: ReturnType<typeof unit>) => SubmitSm, string, number][] = [
      [
        "op 17 naming no dialogue",
        () => submit({ ussd_service_op: 17, its_session_info: its(9) }),
        "quizapp",
        0xc4,
      ],
      [
        "op 2 naming an ended session",
        () => submit({ ussd_service_op: 2, its_session_info: its(9) }),
        "quizapp",
        0xc4,
      ],
      ["a release with no dialogue", () => submit({ ussd_service_op: 0x81 }), "quizapp", 0xc4],
      ["op 17 with nothing to name a dialogue", () => submit({ ussd_service_op: 17 }), "quizapp", 0xc4],
      ["op 18 from an ESME", () => submit({ ussd_service_op: 18 }), "quizapp", 0xc4],
      ["op 1 from an ESME", () => submit({ ussd_service_op: 1 }), "quizapp", 0xc4],
      ["op 0 (PSSD)", () => submit({ ussd_service_op: 0 }), "quizapp", 0xc4],
      [
        "its_session_info of 3 octets",
        () => submit({ ussd_service_op: 2, its_session_info: Buffer.from([0, 0, 0]) }),
        "quizapp",
        0xc2,
      ],
      [
        "its_session_info of 1 octet",
        () => submit({ ussd_service_op: 17, its_session_info: Buffer.from([0]) }),
        "quizapp",
        0xc2,
      ],
      [
        "183 GSM-7 characters",
        () => submit({ ussd_service_op: 2, short_message: Buffer.alloc(183, 0x41) }),
        "quizapp",
        0x01,
      ],
      [
        "81 UCS2 characters",
        () => submit({ ussd_service_op: 3, data_coding: 8, short_message: Buffer.alloc(162, 0x04) }),
        "quizapp",
        0x01,
      ],
      [
        "an empty USSR",
        () => submit({ ussd_service_op: 2, short_message: Buffer.alloc(0) }),
        "quizapp",
        0x01,
      ],
      [
        "short_message and message_payload",
        () => submit({ ussd_service_op: 2, message_payload: Buffer.from("x") }),
        "quizapp",
        0x01,
      ],
      ["binary data_coding", () => submit({ ussd_service_op: 2, data_coding: 0x04 }), "quizapp", 0x104],
      [
        "destination not an MSISDN",
        () => submit({ ussd_service_op: 2, destination_addr: "*150#" }),
        "quizapp",
        0x0b,
      ],
      [
        "busy: an opening to an MSISDN in a dialogue",
        (u) => (u.gateway.dial(A, "*150#"), submit({ ussd_service_op: 3 })),
        "quizapp",
        0x410,
      ],
      [
        "busy: another ESME's opening",
        (u) => (u.gateway.dial(A, "*150#"), submit({ ussd_service_op: 2, user_message_reference: 99 })),
        "otherapp",
        0x410,
      ],
      [
        "wrong state: a USSR while the user is to answer",
        (u) => {
          u.gateway.dial(A, "*150#");
          u.bridge.fromEsme("quizapp", submit({ ussd_service_op: 2, its_session_info: its(0) }));
          return submit({ ussd_service_op: 2, its_session_info: its(0) });
        },
        "quizapp",
        0x411,
      ],
      [
        "not the owner",
        (u) => (u.gateway.dial(A, "*150#"), submit({ ussd_service_op: 17, its_session_info: its(0) })),
        "otherapp",
        0x101,
      ],
      [
        "not the owner, by reference",
        (u) => (u.gateway.dial(A, "*150#"), submit({ ussd_service_op: 0x81, user_message_reference: 0 })),
        "otherapp",
        0x101,
      ],
    ];
    const got = cases.map(([what, build, systemId]) => {
      const u = unit();
      return [what, u.bridge.fromEsme(systemId, build(u))];
    });
    expect(got).toEqual(cases.map(([what, , , status]) => [what, { status }]));
  });

  it("answers ESME_RSYSERR before connect, and refuses deliveries", () => {
    const bridge = new UssdSmppBridge();
    expect(bridge.fromEsme("quizapp", submit({ ussd_service_op: 2 }))).toEqual({ status: 0x08 });
    const g = gatewayWith(bridge);
    const opened = g.gateway.dial(A, "*150#");
    expect(opened.ok).toBe(true);
    expect(g.handsets).toEqual([
      { kind: "release", dialogueId: 1, msisdn: A, reason: "application-unavailable" },
    ]);
  });

  it("no receiver bind: the dialogue ends application-unavailable at once", () => {
    const u = unit();
    u.smsc.bound.delete("quizapp");
    u.gateway.dial(A, "*150#");
    expect(u.smsc.sent).toEqual([]);
    expect(u.handsets).toEqual([
      { kind: "release", dialogueId: 1, msisdn: A, reason: "application-unavailable" },
    ]);
    expect(u.ended.map((e) => e.reason)).toEqual(["application-unavailable"]);
  });

  it("a deliver_sm that fails aborts the dialogue (application-unavailable)", async () => {
    const u = unit({ kind: "failed", status: CommandStatus.ESME_RX_P_APPN, reason: "permanent" });
    u.gateway.dial(A, "*150#");
    expect(u.handsets).toEqual([]);
    await Promise.resolve();
    await Promise.resolve();
    expect(u.handsets).toEqual([
      { kind: "release", dialogueId: 1, msisdn: A, reason: "application-unavailable" },
    ]);
    // no end goes to an application that is not there
    expect(u.smsc.sent.map((x) => x.pdu.ussd_service_op)).toEqual([1]);
  });

  it("a gateway that throws gives ESME_RSYSERR, never an exception", () => {
    const bridge = new UssdSmppBridge();
    const g = gatewayWith(bridge);
    bridge.connect(
      {
        manager: g.gateway.manager,
        find: () => {
          throw new Error("boom");
        },
        fromApplication: (...a) => g.gateway.fromApplication(...a),
        openFromApplication: (...a) => g.gateway.openFromApplication(...a),
      },
      fakeSmsc(),
    );
    expect(bridge.fromEsme("quizapp", submit({ ussd_service_op: 17, its_session_info: its(0) }))).toEqual({
      status: 0x08,
    });
  });
});

describe("live: an Smsc with the bridge, an ESME bound as quizapp over TCP", () => {
  interface Live {
    h: Harness;
    gateway: UssdGateway;
    handsets: ToHandset[];
    ended: DialogueSummary[];
    esme: SmppSession;
    got: DeliverSm[];
    /** The status the ESME answers deliver_sm with. */
    answer: { status: number };
  }
  let live: Live | undefined;

  afterEach(async () => {
    if (live === undefined) return;
    live.gateway.close();
    await live.esme.close();
    await live.h.close();
    live = undefined;
  });

  async function start(): Promise<Live> {
    const bridge = new UssdSmppBridge();
    const h = await startSmsc(
      { accounts: [...ACCOUNTS, esmeAccount({ systemId: "quizapp", password: "quizpw" })] },
      { ussd: bridge },
    );
    const { gateway, handsets, ended } = gatewayWith(bridge, h.clock);
    bridge.connect(gateway, h.smsc);
    const { session } = await connectAndBind({
      port: h.port,
      mode: "transceiver",
      system_id: "quizapp",
      password: "quizpw",
      requestTimeoutMs: 5000,
    });
    const got: DeliverSm[] = [];
    const answer = { status: 0 };
    session.on("request", (pdu) => {
      if (pdu.command !== "deliver_sm") return;
      got.push(pdu);
      session.respond(pdu, { command_status: answer.status });
    });
    live = { h, gateway, handsets, ended, esme: session, got, answer };
    await until(() => h.smsc.receivers("quizapp") === 1, "the quizapp bind");
    return live;
  }

  async function next(l: Live, count: number): Promise<DeliverSm> {
    await until(() => l.got.length >= count, `deliver_sm #${count}`);
    return l.got[count - 1] as DeliverSm;
  }

  async function send(l: Live, fields: Partial<OutboundPdu<"submit_sm">>) {
    const r = await l.esme.request({
      command: "submit_sm",
      service_type: "USSD",
      source_addr: "QUIZ",
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: A,
      data_coding: 0x0f,
      short_message: Buffer.from("Hello"),
      ...fields,
    });
    return { status: r.command_status, messageId: r.command === "submit_sm_resp" ? r.message_id : undefined };
  }

  it("*150#: PSSR indication → USSR → USSR confirm → PSSR response, session TLVs on the wire", async () => {
    const l = await start();
    expect(l.gateway.dial(A, "*150#").ok).toBe(true);
    const begin = await next(l, 1);
    expect(begin).toMatchObject({
      service_type: "USSD",
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: A,
      destination_addr: "*150#",
      data_coding: 0x0f,
      ussd_service_op: 1,
      its_session_info: Buffer.from([0, 0x00]),
      user_message_reference: 0,
    });
    expect(decodeText(begin.data_coding, begin.short_message)).toBe("*150#");

    const menu = "Quiz: capital of Belarus?\n1. Minsk\n2. Brest";
    expect(
      await send(l, {
        ussd_service_op: 2,
        its_session_info: Buffer.from([0, 0]),
        short_message: Buffer.from(menu),
      }),
    ).toEqual({
      status: 0,
      messageId: "000000",
    });
    expect(l.handsets).toEqual([
      { kind: "request", dialogueId: 1, msisdn: A, text: menu, encoding: "gsm7", dcs: 0x0f },
    ]);

    expect(l.gateway.reply(A, "1").ok).toBe(true);
    const confirm = await next(l, 2);
    expect(confirm).toMatchObject({
      ussd_service_op: 18,
      its_session_info: Buffer.from([0, 0x04]), // unit 2, no end
      user_message_reference: 0,
      destination_addr: "*150#",
    });
    expect(decodeText(confirm.data_coding, confirm.short_message)).toBe("1");

    const final = await send(l, {
      ussd_service_op: 17,
      its_session_info: Buffer.from([0, 0x07]),
      user_message_reference: 0,
      data_coding: 0x08,
      short_message: Buffer.from("041204350440043d043e0021", "hex"),
    });
    expect(final).toEqual({ status: 0, messageId: "000000" });
    expect(l.handsets.at(-1)).toEqual({
      kind: "result",
      dialogueId: 1,
      msisdn: A,
      text: "Верно!",
      encoding: "ucs2",
      dcs: 0x48,
    });
    expect(l.ended.map((e) => [e.reason, e.units])).toEqual([["completed", 4]]);
    expect(l.got).toHaveLength(2);
  });

  it("network-initiated USSN: op 3 → notify, ack → op 19, op 0x81 → released", async () => {
    const l = await start();
    const opened = await send(l, {
      ussd_service_op: 3,
      user_message_reference: 4242,
      short_message: Buffer.from("Bonus: 100 MB until Sunday"),
    });
    expect(opened).toEqual({ status: 0, messageId: "001092" });
    expect(l.handsets).toEqual([
      {
        kind: "notify",
        dialogueId: 1,
        msisdn: A,
        text: "Bonus: 100 MB until Sunday",
        encoding: "gsm7",
        dcs: 0x0f,
      },
    ]);
    expect(l.gateway.acknowledge(A).ok).toBe(true);
    const ack = await next(l, 1);
    expect(ack).toMatchObject({
      ussd_service_op: 19,
      source_addr: A,
      its_session_info: Buffer.from([0, 0x02]),
      user_message_reference: 4242,
    });
    expect(ack.short_message.length).toBe(0);
    expect(await send(l, { ussd_service_op: USSREL_INDICATION, user_message_reference: 4242 })).toEqual({
      status: 0,
      messageId: "001092",
    });
    expect(l.handsets.at(-1)).toEqual({ kind: "release", dialogueId: 1, msisdn: A, reason: "completed" });
    expect(l.gateway.manager.size).toBe(0);
  });

  it("a user release reaches the ESME as 0x81 with the end-of-session bit", async () => {
    const l = await start();
    l.gateway.dial(A, "*150*3#");
    const begin = await next(l, 1);
    expect(decodeText(begin.data_coding, begin.short_message)).toBe("*150*3#");
    expect(begin.destination_addr).toBe("*150#");
    expect(l.gateway.release(A).ok).toBe(true);
    const rel = await next(l, 2);
    expect(rel).toMatchObject({
      ussd_service_op: 0x81,
      its_session_info: Buffer.from([0, 0x03]), // unit 1, end of session
      user_message_reference: 0,
      source_addr: A,
    });
    expect(l.ended.map((e) => e.reason)).toEqual(["released-by-user"]);
    // the ESME answers late: the dialogue is gone
    expect(await send(l, { ussd_service_op: 17, its_session_info: Buffer.from([0, 0]) })).toEqual({
      status: CommandStatus.ESME_RINVOPTPARAMVAL,
      messageId: "",
    });
  });

  it("no bind for the application: application-unavailable; a refused deliver_sm aborts too", async () => {
    const l = await start();
    l.gateway.dial(B, "*151#"); // otherapp: no account, no bind
    expect(l.handsets).toEqual([
      { kind: "release", dialogueId: 1, msisdn: B, reason: "application-unavailable" },
    ]);
    l.answer.status = CommandStatus.ESME_RX_P_APPN; // a permanent refusal: no retry
    l.gateway.dial(A, "*150#");
    await next(l, 1);
    await until(() => l.handsets.length === 2, "the abort");
    expect(l.handsets[1]).toEqual({
      kind: "release",
      dialogueId: 2,
      msisdn: A,
      reason: "application-unavailable",
    });
    expect(l.ended.map((e) => e.reason)).toEqual(["application-unavailable", "application-unavailable"]);
    expect(l.got).toHaveLength(1);
  });

  it("error statuses on the wire", async () => {
    const l = await start();
    l.gateway.dial(A, "*150#");
    await next(l, 1);
    const cases: [Partial<OutboundPdu<"submit_sm">>, number][] = [
      [{ ussd_service_op: 3 }, 0x410], // busy: A is in a dialogue
      [{ ussd_service_op: 18, its_session_info: Buffer.from([0, 0]) }, 0xc4], // not an ESME's op
      [{ ussd_service_op: 2, its_session_info: Buffer.from([0]) }, 0xc2],
      [
        { ussd_service_op: 2, its_session_info: Buffer.from([0, 0]), short_message: Buffer.alloc(183, 0x41) },
        0x01,
      ],
      [{ ussd_service_op: 2, its_session_info: Buffer.from([1, 0]) }, 0xc4], // no session 1
      [{ ussd_service_op: 2, destination_addr: "quiz" }, 0x0b],
      [{ ussd_service_op: 2, its_session_info: Buffer.from([0, 0]), data_coding: 0x04 }, 0x104],
    ];
    const got = [];
    for (const [fields] of cases) got.push((await send(l, fields)).status);
    expect(got).toEqual(cases.map((c) => c[1]));
    // the dialogue was not disturbed: a good USSR still goes through, then a second one is out of turn
    expect((await send(l, { ussd_service_op: 2, its_session_info: Buffer.from([0, 0]) })).status).toBe(0);
    expect((await send(l, { ussd_service_op: 2, its_session_info: Buffer.from([0, 0]) })).status).toBe(0x411);
    expect(l.handsets.map((m) => [m.kind, textOf(m)])).toEqual([["request", "Hello"]]);
  });
});
