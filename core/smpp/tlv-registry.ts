/**
 * TLVs by name. The npm `smpp` package's table is the single registry: it already knows the SMPP
 * 3.4/5.0 TLVs including the USSD ones (ussd_service_op 0x0501, its_session_info 0x1383,
 * user_message_reference 0x0204); vendor TLVs are added here by name, tag and wire kind.
 */
import smpp from "smpp";
import { SmppCodecError } from "./codec-error.js";

export type TlvKind = "int8" | "int16" | "int32" | "cstring" | "string" | "buffer";

export interface TlvDefinition {
  name: string;
  tag: number;
  kind: TlvKind;
  /** The TLV may occur more than once in a PDU (e.g. callback_num). */
  multiple: boolean;
}

const KINDS: readonly TlvKind[] = ["int8", "int16", "int32", "cstring", "string", "buffer"];

function kindOfType(type: unknown): TlvKind | undefined {
  return KINDS.find((k) => smpp.types.tlv[k] === type);
}

function toDefinition(name: string, def: smpp.SmppTlvDef): TlvDefinition {
  const kind = kindOfType(def.type);
  // the package only uses its own wire types; a foreign one is carried as octets
  return Object.freeze({ name, tag: def.id, kind: kind ?? "buffer", multiple: def.multiple === true });
}

// cached per package definition object, so a re-registration is seen at once
const BY_TAG = new WeakMap<smpp.SmppTlvDef, TlvDefinition>();
const BY_NAME = new Map<string, { source: smpp.SmppTlvDef; definition: TlvDefinition }>();

/** The definition for a tag, or undefined when no one registered it. */
export function tlvByTag(tag: number): TlvDefinition | undefined {
  const def = smpp.tlvsById[tag];
  if (!def) return undefined;
  let found = BY_TAG.get(def);
  if (!found) {
    found = toDefinition(def.tag, def);
    BY_TAG.set(def, found);
  }
  return found;
}

/** The definition for a name (aliases such as alert_on_msg_delivery included). */
export function tlvByName(name: string): TlvDefinition | undefined {
  if (!Object.prototype.hasOwnProperty.call(smpp.tlvs, name)) return undefined;
  const def = smpp.tlvs[name];
  if (!def) return undefined;
  const cached = BY_NAME.get(name);
  if (cached?.source === def) return cached.definition;
  const definition = toDefinition(name, def);
  BY_NAME.set(name, { source: def, definition });
  return definition;
}

/**
 * Registers a TLV by name. Registering the same name, tag and kind again is a no-op; a name or
 * tag already used differently throws BAD_ARGUMENT.
 */
export function registerTlv(
  name: string,
  spec: { tag: number; kind: TlvKind; multiple?: boolean },
): TlvDefinition {
  const { tag, kind } = spec;
  const multiple = spec.multiple === true;
  if (!/^[a-z][a-z0-9_]*$/.test(name))
    throw new SmppCodecError("BAD_ARGUMENT", `TLV name ${JSON.stringify(name)} must be snake_case`);
  if (!Number.isInteger(tag) || tag < 1 || tag > 0xffff)
    throw new SmppCodecError("BAD_ARGUMENT", `TLV tag ${tag} is not 0x0001..0xFFFF`);
  const byName = tlvByName(name);
  const byTag = tlvByTag(tag);
  if (byName && byName.tag === tag && byName.kind === kind && byName.multiple === multiple) return byName;
  if (byName)
    throw new SmppCodecError(
      "BAD_ARGUMENT",
      `TLV ${name} is already registered as tag 0x${byName.tag.toString(16).padStart(4, "0")} (${byName.kind})`,
    );
  if (byTag)
    throw new SmppCodecError(
      "BAD_ARGUMENT",
      `TLV tag 0x${tag.toString(16).padStart(4, "0")} is already registered as ${byTag.name}`,
    );
  smpp.addTLV(name, { id: tag, type: smpp.types.tlv[kind], multiple });
  return { name, tag, kind, multiple };
}

/** The USSD-over-SMPP TLVs (SMPP 3.4 §5.3.2.44, SMPP 5.0 §4.8.4.36 / §4.8.4.64). */
export const USSD_TLVS: readonly { name: string; tag: number; kind: TlvKind }[] = [
  { name: "ussd_service_op", tag: 0x0501, kind: "int8" },
  { name: "its_session_info", tag: 0x1383, kind: "buffer" },
  { name: "user_message_reference", tag: 0x0204, kind: "int16" },
];

/** Makes sure the USSD TLVs are known (0.5.1 has them; this guards a future package version). */
export function ensureUssdTlvs(): void {
  for (const t of USSD_TLVS) if (!tlvByName(t.name)) registerTlv(t.name, t);
}
