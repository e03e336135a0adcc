/**
 * The part of the npm `smpp` package (0.5.1, untyped CommonJS) that this project uses: the
 * command and TLV tables, the wire types, addTLV, and (in tests) the PDU class. Its Session and
 * Server are not used (see smpp-session.ts for why). Values are `unknown` here; pdu-codec.ts
 * turns them into the typed PDUs of pdu-types.ts.
 */
declare module "smpp" {
  namespace smpp {
    /** One wire type of the package (types.int8, types.cstring, types.tlv.buffer, …). */
    interface SmppWireType {
      read(buffer: Buffer, offset: number, length?: number): unknown;
      write(value: unknown, buffer: Buffer, offset: number): void;
      size(value: unknown): number;
      default: unknown;
    }

    interface SmppParamDef {
      type: SmppWireType;
      default?: unknown;
    }

    interface SmppCommandDef {
      id: number;
      command: string;
      params?: Record<string, SmppParamDef>;
    }

    interface SmppTlvDef {
      id: number;
      tag: string;
      type: SmppWireType;
      multiple?: boolean;
    }

    class PDU {
      constructor(command: string, options?: Record<string, unknown>);
      constructor(buffer: Buffer);
      command: string;
      command_id: number;
      command_length: number;
      command_status: number;
      sequence_number: number;
      [field: string]: unknown;
      isResponse(): boolean;
      toBuffer(): Buffer;
      /** Converts fields (text, times, …) in place: "encode" before writing, "decode" after reading. */
      _filter(direction: "encode" | "decode"): void;
      static maxLength: number;
    }

    function addTLV(tag: string, options: { id: number; type: SmppWireType; multiple?: boolean }): void;
    const commands: Record<string, SmppCommandDef | undefined>;
    const commandsById: Record<number, SmppCommandDef | undefined>;
    const tlvs: Record<string, SmppTlvDef | undefined>;
    const tlvsById: Record<number, SmppTlvDef | undefined>;
    const types: {
      int8: SmppWireType;
      int16: SmppWireType;
      int32: SmppWireType;
      string: SmppWireType;
      cstring: SmppWireType;
      buffer: SmppWireType;
      dest_address_array: SmppWireType;
      unsuccess_sme_array: SmppWireType;
      tlv: {
        int8: SmppWireType;
        int16: SmppWireType;
        int32: SmppWireType;
        cstring: SmppWireType;
        string: SmppWireType;
        buffer: SmppWireType;
      };
    };
    const errors: Record<string, number>;
  }

  export = smpp;
}
