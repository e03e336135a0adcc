import fc from "fast-check";
import smpp from "smpp";
import { describe, expect, it } from "vitest";
import { SmppCodecError } from "../../core/smpp/codec-error.js";
import { CommandStatus } from "../../core/smpp/command-status.js";
import { decodePdu, encodePdu, type DecodeResult } from "../../core/smpp/pdu-codec.js";
import type { Command, OutboundPdu, Pdu } from "../../core/smpp/pdu-types.js";
import { registerTlv, tlvByName, tlvByTag, ensureUssdTlvs } from "../../core/smpp/tlv-registry.js";

interface Fixture {
  name: string;
  command: Command;
  /** Fields as given to the npm smpp package's PDU class (and expected back from decodePdu). */
  fields: Record<string, unknown>;
}

const message = {
  service_type: "USSD",
  source_addr_ton: 1,
  source_addr_npi: 1,
  source_addr: "375291234567",
  dest_addr_ton: 0,
  dest_addr_npi: 1,
  destination_addr: "150",
  esm_class: 0,
  protocol_id: 0,
  priority_flag: 1,
  schedule_delivery_time: "",
  validity_period: "260101120000000+",
  registered_delivery: 1,
  replace_if_present_flag: 0,
  data_coding: 0x0f,
  sm_default_msg_id: 0,
  short_message: Buffer.from("*150#"),
};

const bind = {
  system_id: "quizapp",
  password: "secret",
  system_type: "USSD",
  interface_version: 0x34,
  addr_ton: 1,
  addr_npi: 1,
  address_range: "^375",
};

const FIXTURES: Fixture[] = [
  { name: "bind_transmitter", command: "bind_transmitter", fields: bind },
  { name: "bind_receiver", command: "bind_receiver", fields: bind },
  { name: "bind_transceiver", command: "bind_transceiver", fields: bind },
  { name: "bind_transmitter_resp", command: "bind_transmitter_resp", fields: { system_id: "telsim" } },
  { name: "bind_receiver_resp", command: "bind_receiver_resp", fields: { system_id: "telsim" } },
  {
    name: "bind_transceiver_resp with sc_interface_version",
    command: "bind_transceiver_resp",
    fields: { system_id: "telsim", sc_interface_version: 0x34 },
  },
  { name: "outbind", command: "outbind", fields: { system_id: "telsim", password: "pw" } },
  {
    name: "submit_sm with USSD TLVs",
    command: "submit_sm",
    fields: {
      ...message,
      ussd_service_op: 2,
      its_session_info: Buffer.from([0x12, 0x00]),
      user_message_reference: 7,
    },
  },
  {
    name: "submit_sm with UDH and sar TLVs",
    command: "submit_sm",
    fields: {
      ...message,
      esm_class: 0x43,
      data_coding: 8,
      short_message: Buffer.from("0500030a0201004100420043", "hex"),
      sar_msg_ref_num: 10,
      sar_total_segments: 2,
      sar_segment_seqnum: 1,
    },
  },
  {
    name: "submit_sm with message_payload",
    command: "submit_sm",
    fields: { ...message, short_message: Buffer.alloc(0), message_payload: Buffer.from("x".repeat(400)) },
  },
  { name: "submit_sm_resp", command: "submit_sm_resp", fields: { message_id: "0000001A" } },
  {
    name: "submit_multi",
    command: "submit_multi",
    fields: {
      service_type: "",
      source_addr_ton: 5,
      source_addr_npi: 0,
      source_addr: "A1",
      dest_address: [
        { dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: "375291111111" },
        { dl_name: "friends" },
      ],
      esm_class: 0,
      protocol_id: 0,
      priority_flag: 0,
      schedule_delivery_time: "000000010000000R",
      validity_period: "",
      registered_delivery: 0,
      replace_if_present_flag: 0,
      data_coding: 0,
      sm_default_msg_id: 0,
      short_message: Buffer.from("hi all"),
    },
  },
  {
    name: "submit_multi_resp",
    command: "submit_multi_resp",
    fields: {
      message_id: "42",
      unsuccess_sme: [
        { dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: "375290000000", error_status_code: 0x0b },
      ],
    },
  },
  {
    name: "data_sm",
    command: "data_sm",
    fields: {
      service_type: "",
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: "375291234567",
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: "375297654321",
      esm_class: 0,
      registered_delivery: 1,
      data_coding: 8,
      message_payload: Buffer.from("00480069", "hex"),
      source_port: 2948,
      dest_port: 9200,
    },
  },
  { name: "data_sm_resp", command: "data_sm_resp", fields: { message_id: "7" } },
  {
    name: "deliver_sm receipt",
    command: "deliver_sm",
    fields: {
      ...message,
      service_type: "",
      esm_class: 0x04,
      validity_period: "",
      registered_delivery: 0,
      data_coding: 0,
      short_message: Buffer.from(
        "id:0000001A sub:001 dlvrd:001 submit date:2601011200 done date:2601011201 stat:DELIVRD err:000 text:hi",
      ),
      receipted_message_id: "0000001A",
      message_state: 2,
      network_error_code: Buffer.from([0x03, 0x00, 0x00]),
    },
  },
  {
    name: "deliver_sm USSR confirm",
    command: "deliver_sm",
    fields: {
      ...message,
      short_message: Buffer.from("1"),
      ussd_service_op: 18,
      its_session_info: Buffer.from([0x12, 0x02]),
    },
  },
  { name: "deliver_sm_resp", command: "deliver_sm_resp", fields: { message_id: "" } },
  {
    name: "query_sm",
    command: "query_sm",
    fields: { message_id: "0000001A", source_addr_ton: 1, source_addr_npi: 1, source_addr: "375291234567" },
  },
  {
    name: "query_sm_resp",
    command: "query_sm_resp",
    fields: { message_id: "0000001A", final_date: "260101120100000+", message_state: 2, error_code: 0 },
  },
  {
    name: "cancel_sm",
    command: "cancel_sm",
    fields: {
      service_type: "",
      message_id: "0000001A",
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: "375291234567",
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: "375297654321",
    },
  },
  { name: "cancel_sm_resp", command: "cancel_sm_resp", fields: {} },
  {
    name: "replace_sm",
    command: "replace_sm",
    fields: {
      message_id: "0000001A",
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: "375291234567",
      schedule_delivery_time: "",
      validity_period: "000001000000000R",
      registered_delivery: 1,
      sm_default_msg_id: 0,
      short_message: Buffer.from("replaced"),
    },
  },
  { name: "replace_sm_resp", command: "replace_sm_resp", fields: {} },
  {
    name: "alert_notification",
    command: "alert_notification",
    fields: {
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: "375291234567",
      esme_addr_ton: 0,
      esme_addr_npi: 0,
      esme_addr: "quizapp",
      ms_availability_status: 0,
    },
  },
  { name: "enquire_link", command: "enquire_link", fields: {} },
  { name: "enquire_link_resp", command: "enquire_link_resp", fields: {} },
  { name: "unbind", command: "unbind", fields: {} },
  { name: "unbind_resp", command: "unbind_resp", fields: {} },
];

function decoded(bytes: Buffer): Pdu {
  const r: DecodeResult = decodePdu(bytes);
  if (!r.ok) throw new Error(r.failure.reason);
  return r.pdu;
}

describe("PDU fixtures: npm smpp encode → decodePdu → encodePdu → decodePdu", () => {
  it.each(FIXTURES)("$name", ({ command, fields }) => {
    const libBytes = new smpp.PDU(command, { ...fields, sequence_number: 77 }).toBuffer();
    const pdu = decoded(libBytes);
    expect(pdu).toEqual({ command, command_status: 0, sequence_number: 77, ...fields });
    const ours = encodePdu(pdu as OutboundPdu);
    expect(ours.toString("hex")).toBe(libBytes.toString("hex"));
    expect(decoded(ours)).toEqual(pdu);
  });

  it("covers every command in pdu-types", () => {
    const all: Command[] = [
      "bind_transmitter",
      "bind_transmitter_resp",
      "bind_receiver",
      "bind_receiver_resp",
      "bind_transceiver",
      "bind_transceiver_resp",
      "outbind",
      "submit_sm",
      "submit_sm_resp",
      "submit_multi",
      "submit_multi_resp",
      "data_sm",
      "data_sm_resp",
      "deliver_sm",
      "deliver_sm_resp",
      "query_sm",
      "query_sm_resp",
      "cancel_sm",
      "cancel_sm_resp",
      "replace_sm",
      "replace_sm_resp",
      "alert_notification",
      "enquire_link",
      "enquire_link_resp",
      "unbind",
      "unbind_resp",
      "generic_nack",
    ];
    const covered = new Set(FIXTURES.map((f) => f.command));
    expect(all.filter((c) => !covered.has(c) && c !== "generic_nack")).toEqual([]);
  });
});

describe("golden bytes", () => {
  it("enquire_link", () => {
    expect(encodePdu({ command: "enquire_link", sequence_number: 1 }).toString("hex")).toBe(
      "00000010000000150000000000000001",
    );
  });

  it("bind_transmitter with defaults filled in", () => {
    // length 0x1d, id 2, status 0, seq 1 | "esme\0" "pw\0" "\0" 0x34 ton 0 npi 0 "\0"
    expect(
      encodePdu({
        command: "bind_transmitter",
        sequence_number: 1,
        system_id: "esme",
        password: "pw",
        interface_version: 0x34,
      }).toString("hex"),
    ).toBe("0000001d00000002000000000000000165736d65007077000034000000");
  });

  it("generic_nack ESME_RINVCMDID", () => {
    expect(
      encodePdu({ command: "generic_nack", command_status: 3, sequence_number: 9 }).toString("hex"),
    ).toBe("00000010800000000000000300000009");
  });

  it("USSD TLVs as Net::SMPP and Kannel put them on the wire", () => {
    const hex = encodePdu({
      command: "submit_sm",
      ussd_service_op: 2,
      its_session_info: Buffer.from([0x12, 0x01]),
      user_message_reference: 7,
    }).toString("hex");
    expect(hex.endsWith("0501000102" + "138300021201" + "020400020007")).toBe(true);
  });
});

describe("decoding what the package gets wrong", () => {
  it("keeps short_message as octets whatever the data_coding (0x0F USSD, 0xF2 class 2)", () => {
    for (const data_coding of [0x00, 0x01, 0x08, 0x0f, 0xf2]) {
      const bytes = encodePdu({
        command: "deliver_sm",
        data_coding,
        short_message: Buffer.from([0x2a, 0x00, 0x1b]),
      });
      const pdu = decoded(bytes);
      expect(pdu.command === "deliver_sm" && pdu.short_message).toEqual(Buffer.from([0x2a, 0x00, 0x1b]));
    }
  });

  it("keeps times as the raw SMPP strings", () => {
    const pdu = decoded(encodePdu({ command: "submit_sm", validity_period: "000001000000000R" }));
    expect(pdu.command === "submit_sm" && pdu.validity_period).toBe("000001000000000R");
  });

  it("keeps octets with bit 7 set in C-octet strings", () => {
    const pdu = decoded(encodePdu({ command: "submit_sm", source_addr: "Café" }));
    expect(pdu.command === "submit_sm" && pdu.source_addr).toBe("Café");
  });

  it("does not leak the package's global skipUdh", () => {
    // the package's own encoder (used for the fixtures above) leaks it; our codec must not
    delete (globalThis as Record<string, unknown>).skipUdh;
    decoded(encodePdu({ command: "submit_sm", message_payload: Buffer.from("x") }));
    expect("skipUdh" in globalThis).toBe(false);
  });

  it("round-trips unknown TLVs (the package drops them on encode)", () => {
    const bytes = encodePdu({
      command: "submit_sm",
      unknown_tlvs: [{ tag: 0x1499, value: Buffer.from("abc") }],
    });
    expect(bytes.toString("hex").endsWith("14990003616263")).toBe(true);
    const pdu = decoded(bytes);
    expect(pdu.unknown_tlvs).toEqual([{ tag: 0x1499, value: Buffer.from("abc") }]);
    expect(encodePdu(pdu as OutboundPdu).equals(bytes)).toBe(true);
  });

  it("keeps TLVs in an error response and leaves out the body (SMPP 3.4 §4.4.2, §4.7.2)", () => {
    const bytes = encodePdu({
      command: "data_sm_resp",
      command_status: CommandStatus.ESME_RDELIVERYFAILURE,
      message_id: "ignored",
      delivery_failure_reason: 1,
    });
    expect(bytes.toString("hex")).toBe("00000015800001030000" + "00fe00000000" + "042500010" + "1");
    expect(decoded(bytes)).toEqual({
      command: "data_sm_resp",
      command_status: 0xfe,
      sequence_number: 0,
      message_id: "",
      delivery_failure_reason: 1,
    });
  });

  it("accepts an error response that carries a body anyway", () => {
    const bytes = Buffer.from("00000011800000040000005800000003" + "00", "hex");
    expect(decoded(bytes)).toEqual({
      command: "submit_sm_resp",
      command_status: 0x58,
      sequence_number: 3,
      message_id: "",
    });
  });
});

describe("malformed PDUs", () => {
  const failure = (hex: string): { status: number; reason: string } => {
    const r = decodePdu(Buffer.from(hex, "hex"));
    if (r.ok) throw new Error("decoded");
    return r.failure;
  };

  it("unknown command_id → ESME_RINVCMDID", () => {
    expect(failure("00000010000000990000000000000001").status).toBe(CommandStatus.ESME_RINVCMDID);
  });

  it("SMPP 5.0 broadcast_sm is not supported → ESME_RINVCMDID", () => {
    expect(failure("00000010000001110000000000000001").status).toBe(CommandStatus.ESME_RINVCMDID);
  });

  it("a request whose body stops early → ESME_RINVCMDLEN", () => {
    expect(failure("000000130000000400000000000000010000").status).toBe(CommandStatus.ESME_RINVCMDLEN);
    expect(failure("00000010000000040000000000000001").reason).toMatch(/before service_type/);
  });

  it("a C-octet string without NUL → ESME_RINVCMDLEN", () => {
    expect(failure("000000150000000200000000000000016162636465").status).toBe(CommandStatus.ESME_RINVCMDLEN);
  });

  it("sm_length past the end → ESME_RINVMSGLEN", () => {
    const good = encodePdu({ command: "submit_sm", short_message: Buffer.from("hello") });
    const bad = Buffer.from(good);
    bad[bad.length - 6] = 50; // sm_length
    expect(decodePdu(bad)).toMatchObject({ ok: false, failure: { status: CommandStatus.ESME_RINVMSGLEN } });
  });

  it("a TLV past the end, stray octets → ESME_RINVOPTPARSTREAM; wrong TLV length → ESME_RINVPARLEN", () => {
    const base = encodePdu({ command: "enquire_link" });
    const withTail = (hex: string): Buffer => {
      const b = Buffer.concat([base, Buffer.from(hex, "hex")]);
      b.writeUInt32BE(b.length, 0);
      return b;
    };
    expect(decodePdu(withTail("050100050203"))).toMatchObject({ ok: false, failure: { status: 0xc0 } });
    expect(decodePdu(withTail("0501"))).toMatchObject({ ok: false, failure: { status: 0xc0 } });
    expect(decodePdu(withTail("050100020203"))).toMatchObject({ ok: false, failure: { status: 0xc2 } });
    expect(decodePdu(withTail("001e0003616200"))).toMatchObject({
      ok: true,
      pdu: { receipted_message_id: "ab" },
    });
  });

  it("command_length that disagrees with the frame → ESME_RINVCMDLEN", () => {
    expect(failure("00000011000000150000000000000001").status).toBe(CommandStatus.ESME_RINVCMDLEN);
    expect(failure("0000").status).toBe(CommandStatus.ESME_RINVCMDLEN);
  });

  it("never throws on 100 000 random or mutated frames", () => {
    const seeds = FIXTURES.map((f) => new smpp.PDU(f.command, { ...f.fields }).toBuffer());
    let ok = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ minLength: 0, maxLength: 64 }).map((a) => Buffer.from(a)),
          fc
            .tuple(
              fc.constantFrom(...seeds),
              fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
            )
            .map(([seed, flips]) => {
              const b = Buffer.from(seed);
              for (const [at, v] of flips) b[16 + (at % Math.max(1, b.length - 16))] = v;
              return b;
            }),
          fc.tuple(fc.constantFrom(...seeds), fc.nat()).map(([seed, cut]) => {
            const b = Buffer.from(seed.subarray(0, 16 + (cut % Math.max(1, seed.length - 15))));
            b.writeUInt32BE(b.length, 0);
            return b;
          }),
        ),
        (frame) => {
          const r = decodePdu(frame);
          if (r.ok) {
            ok++;
            // whatever decodes must encode again
            expect(() => encodePdu(r.pdu as OutboundPdu)).not.toThrow();
          } else expect(typeof r.failure.status).toBe("number");
        },
      ),
      { numRuns: 100_000 },
    );
    expect(ok).toBeGreaterThan(0);
  });
});

describe("encodePdu argument checks", () => {
  it("rejects unknown fields, commands and out-of-range values with SmppCodecError", () => {
    expect(() => encodePdu({ command: "submit_sm", destinaton_addr: "1" } as unknown as OutboundPdu)).toThrow(
      /destinaton_addr/,
    );
    expect(() => encodePdu({ command: "broadcast_sm" } as unknown as OutboundPdu)).toThrow(SmppCodecError);
    expect(() => encodePdu({ command: "submit_sm", ussd_service_op: 256 })).toThrow(/ussd_service_op/);
    expect(() => encodePdu({ command: "submit_sm", esm_class: 300 })).toThrow(SmppCodecError);
  });
});

describe("TLV registry", () => {
  it("knows the USSD TLVs out of the box", () => {
    ensureUssdTlvs();
    expect(tlvByName("ussd_service_op")).toEqual({
      name: "ussd_service_op",
      tag: 0x0501,
      kind: "int8",
      multiple: false,
    });
    expect(tlvByTag(0x1383)).toMatchObject({ name: "its_session_info", kind: "buffer" });
    expect(tlvByName("user_message_reference")).toMatchObject({ tag: 0x0204, kind: "int16" });
    expect(tlvByName("toString")).toBeUndefined();
  });

  it("registers a vendor TLV by name; it then travels in vendor_tlvs", () => {
    const def = registerTlv("telsim_session_id", { tag: 0x1401, kind: "int32" });
    expect(registerTlv("telsim_session_id", { tag: 0x1401, kind: "int32" })).toEqual(def);
    const bytes = encodePdu({ command: "deliver_sm", vendor_tlvs: { telsim_session_id: 0xdeadbeef } });
    expect(bytes.toString("hex").endsWith("14010004deadbeef")).toBe(true);
    expect(decoded(bytes).vendor_tlvs).toEqual({ telsim_session_id: 0xdeadbeef });
    // the package's own encoder knows it as well
    expect(
      new smpp.PDU("deliver_sm", { telsim_session_id: 1 })
        .toBuffer()
        .toString("hex")
        .endsWith("1401000400000001"),
    ).toBe(true);
  });

  it("refuses a name or tag already taken, and bad names and tags", () => {
    expect(() => registerTlv("ussd_service_op", { tag: 0x1402, kind: "int8" })).toThrow(/already registered/);
    expect(() => registerTlv("my_op", { tag: 0x0501, kind: "int8" })).toThrow(/ussd_service_op/);
    expect(() => registerTlv("Bad-Name", { tag: 0x1403, kind: "int8" })).toThrow(/snake_case/);
    expect(() => registerTlv("zero_tag", { tag: 0, kind: "int8" })).toThrow(/0x0001/);
  });
});
