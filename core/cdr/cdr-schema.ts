/**
 * Loads proto/cdr.proto (the single source of truth for the CDR format) with protobufjs at run
 * time. The file is found by walking up from this module to the package root, so the same code
 * works from the sources (vitest) and from dist/. Loaded once, on first use: a command that
 * never touches CDRs never reads it.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";
import type { ChargingRecord, DestinationClass } from "../charging/model.js";
import { CdrError } from "./cdr-errors.js";

export type ChargingKindName = ChargingRecord["kind"];

/** Every kind and destination class the model has; the compiler flags one that is missing. */
const KINDS: Record<ChargingKindName, true> = {
  voice: true,
  sms: true,
  mms: true,
  data: true,
  fee: true,
  topup: true,
  refund: true,
  adjustment: true,
};
const DESTINATIONS: Record<DestinationClass, true> = {
  "on-net": true,
  "on-net-3g": true,
  "off-net": true,
  international: true,
  favorite: true,
  cug: true,
};

/** A two-way map between the model's names and one proto enum's numbers. */
export interface EnumMapping<Name extends string> {
  readonly toNumber: ReadonlyMap<Name, number>;
  readonly toName: ReadonlyMap<number, Name>;
}

export interface CdrSchema {
  readonly protoPath: string;
  readonly header: protobuf.Type;
  readonly record: protobuf.Type;
  readonly kinds: EnumMapping<ChargingKindName>;
  /** DESTINATION_CLASS_NONE (0) is "no destination" and is not in the mapping. */
  readonly destinations: EnumMapping<DestinationClass>;
}

const PROTO_FILE = join("proto", "cdr.proto");

/**
 * The nearest folder at or above `start` that holds package.json and proto/cdr.proto (a bare
 * package.json, like a dist/package.json, does not stop the walk).
 */
export function findPackageRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, PROTO_FILE))) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new CdrError("CDR_SCHEMA", `no package root with ${PROTO_FILE} at or above ${start}`);
    }
    dir = parent;
  }
}

let loaded: CdrSchema | undefined;

export function cdrSchema(): CdrSchema {
  loaded ??= loadSchema(join(findPackageRoot(dirname(fileURLToPath(import.meta.url))), PROTO_FILE));
  return loaded;
}

function loadSchema(protoPath: string): CdrSchema {
  let root: protobuf.Root;
  try {
    root = new protobuf.Root().loadSync(protoPath, { keepCase: true });
  } catch (error) {
    throw new CdrError("CDR_SCHEMA", `cannot load ${protoPath}: ${messageOf(error)}`, { cause: error });
  }
  const lookup = <T extends protobuf.ReflectionObject>(name: string, kind: new (...a: never[]) => T): T => {
    const found = root.lookup(`telsim.cdr.v1.${name}`);
    if (!(found instanceof kind)) throw new CdrError("CDR_SCHEMA", `${protoPath}: ${name} is missing`);
    return found;
  };
  return {
    protoPath,
    header: lookup("CdrFileHeader", protobuf.Type),
    record: lookup("ChargingDataRecord", protobuf.Type),
    kinds: mapEnum(lookup("ChargingKind", protobuf.Enum), "CHARGING_KIND_", KINDS, protoPath),
    destinations: mapEnum(
      lookup("DestinationClass", protobuf.Enum),
      "DESTINATION_CLASS_",
      DESTINATIONS,
      protoPath,
    ),
  };
}

/** "on-net-3g" ↔ DESTINATION_CLASS_ON_NET_3G: every model name must have its enum value. */
function mapEnum<Name extends string>(
  type: protobuf.Enum,
  prefix: string,
  names: Record<Name, true>,
  protoPath: string,
): EnumMapping<Name> {
  const toNumber = new Map<Name, number>();
  const toName = new Map<number, Name>();
  for (const name of Object.keys(names) as Name[]) {
    const enumName = `${prefix}${name.toUpperCase().replaceAll("-", "_")}`;
    const value = type.values[enumName];
    if (value === undefined || value === 0) {
      throw new CdrError("CDR_SCHEMA", `${protoPath}: ${type.name} has no value ${enumName}`);
    }
    toNumber.set(name, value);
    toName.set(value, name);
  }
  return { toNumber, toName };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
