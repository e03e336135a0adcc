/**
 * Loads proto/link.proto (the link contract's wire format) with protobufjs at run time, once, on
 * first use, and maps its enums to the words of link-messages.ts. Every word must have its enum
 * value: a schema that lost one fails to load rather than sending zeros.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";
import { findPackageRoot } from "../../cdr/cdr-schema.js";
import type { SsRequest } from "../../../handsets/mmi-types.js";
import { LinkError } from "./link-errors.js";
import type {
  AccessTechnology,
  CallReleaseReason,
  DataEndReason,
  FailureCause,
  FinalUnitActionName,
  LinkErrorCode,
  RejectReason,
  UssdMessageBody,
} from "./link-messages.js";

/** A two-way map between words and one proto enum's numbers (0 is "unspecified", never mapped). */
export interface EnumMap<Name extends string> {
  readonly toNumber: ReadonlyMap<Name, number>;
  readonly toName: ReadonlyMap<number, Name>;
}

export interface LinkSchema {
  readonly protoPath: string;
  readonly frame: protobuf.Type;
  readonly enums: {
    readonly authFailure: EnumMap<"mac-failure" | "sync-failure">;
    readonly accessTechnology: EnumMap<AccessTechnology>;
    readonly rejectReason: EnumMap<RejectReason>;
    readonly clir: EnumMap<"invoke" | "suppress">;
    readonly releaseReason: EnumMap<CallReleaseReason>;
    readonly failure: EnumMap<FailureCause | "rejected" | "wrong-password">;
    readonly ussdStatus: EnumMap<UssdMessageBody["status"]>;
    readonly ssProcedure: EnumMap<SsRequest["procedure"]>;
    readonly ssService: EnumMap<SsRequest["service"]>;
    readonly finalUnitAction: EnumMap<FinalUnitActionName>;
    readonly dataEnd: EnumMap<DataEndReason>;
    readonly errorCode: EnumMap<LinkErrorCode>;
  };
}

/** Every word of each enum; the compiler flags one that is missing. */
const WORDS = {
  authFailure: { "mac-failure": true, "sync-failure": true },
  accessTechnology: { gsm: true, utran: true, "e-utran": true },
  rejectReason: {
    "imsi-unknown": true,
    "illegal-ms": true,
    "illegal-me": true,
    "not-allowed": true,
    "authentication-rejected": true,
    "network-failure": true,
    congestion: true,
    "protocol-error": true,
  },
  clir: { invoke: true, suppress: true },
  releaseReason: {
    normal: true,
    busy: true,
    "no-answer": true,
    "not-reachable": true,
    unallocated: true,
    barred: true,
    rejected: true,
    "credit-exhausted": true,
    "network-failure": true,
    "no-service": true,
  },
  failure: {
    "no-service": true,
    timeout: true,
    "emergency-only": true,
    "not-allowed": true,
    "not-supported": true,
    "call-barred": true,
    unknown: true,
    rejected: true,
    "wrong-password": true,
  },
  ussdStatus: {
    notify: true,
    request: true,
    terminated: true,
    "other-client": true,
    "not-supported": true,
    timeout: true,
  },
  ssProcedure: { activate: true, deactivate: true, interrogate: true, register: true, erase: true },
  ssService: {
    "call-forwarding": true,
    "call-waiting": true,
    "call-barring": true,
    clip: true,
    clir: true,
    "barring-password": true,
  },
  finalUnitAction: { terminate: true, redirect: true, "restrict-access": true },
  dataEnd: {
    normal: true,
    "final-units": true,
    "credit-exhausted": true,
    refused: true,
    "ocs-failure": true,
    aborted: true,
  },
  errorCode: {
    "bad-frame": true,
    "no-body": true,
    "bad-field": true,
    "wrong-direction": true,
    overload: true,
  },
} satisfies { [K in keyof LinkSchema["enums"]]: Record<string, true> };

const ENUMS: { readonly [K in keyof LinkSchema["enums"]]: readonly [enumName: string, prefix: string] } = {
  authFailure: ["AuthFailureCause", "AUTH_FAILURE_CAUSE_"],
  accessTechnology: ["AccessTechnology", "ACCESS_TECHNOLOGY_"],
  rejectReason: ["RejectReason", "REJECT_REASON_"],
  clir: ["Clir", "CLIR_"],
  releaseReason: ["CallReleaseReason", "CALL_RELEASE_REASON_"],
  failure: ["FailureCause", "FAILURE_CAUSE_"],
  ussdStatus: ["UssdStatus", "USSD_STATUS_"],
  ssProcedure: ["SsProcedure", "SS_PROCEDURE_"],
  ssService: ["SsService", "SS_SERVICE_"],
  finalUnitAction: ["FinalUnitAction", "FINAL_UNIT_ACTION_"],
  dataEnd: ["DataEndReason", "DATA_END_REASON_"],
  errorCode: ["ErrorCode", "ERROR_CODE_"],
};

const PACKAGE = "telsim.link.v1";
let loaded: LinkSchema | undefined;

export function linkSchema(): LinkSchema {
  loaded ??= loadSchema(
    join(findPackageRoot(dirname(fileURLToPath(import.meta.url))), "proto", "link.proto"),
  );
  return loaded;
}

function loadSchema(protoPath: string): LinkSchema {
  let root: protobuf.Root;
  try {
    root = new protobuf.Root().loadSync(protoPath, { keepCase: true });
  } catch (error) {
    throw new LinkError("LINK_SCHEMA", `cannot load ${protoPath}: ${String(error)}`, { cause: error });
  }
  const frame = root.lookup(`${PACKAGE}.LinkFrame`);
  if (!(frame instanceof protobuf.Type)) throw new LinkError("LINK_SCHEMA", `${protoPath}: no LinkFrame`);
  const enumMap = <Name extends string>(
    key: keyof typeof ENUMS,
    words: Record<Name, true>,
  ): EnumMap<Name> => {
    const [enumName, prefix] = ENUMS[key];
    const type = root.lookup(`${PACKAGE}.${enumName}`);
    if (!(type instanceof protobuf.Enum)) throw new LinkError("LINK_SCHEMA", `${protoPath}: no ${enumName}`);
    const toNumber = new Map<Name, number>();
    const toName = new Map<number, Name>();
    for (const word of Object.keys(words) as Name[]) {
      const valueName = `${prefix}${word.toUpperCase().replaceAll("-", "_")}`;
      const value = type.values[valueName];
      if (value === undefined || value === 0) {
        throw new LinkError("LINK_SCHEMA", `${protoPath}: ${enumName} has no value ${valueName}`);
      }
      toNumber.set(word, value);
      toName.set(value, word);
    }
    return { toNumber, toName };
  };
  return {
    protoPath,
    frame,
    enums: {
      authFailure: enumMap("authFailure", WORDS.authFailure),
      accessTechnology: enumMap("accessTechnology", WORDS.accessTechnology),
      rejectReason: enumMap("rejectReason", WORDS.rejectReason),
      clir: enumMap("clir", WORDS.clir),
      releaseReason: enumMap("releaseReason", WORDS.releaseReason),
      failure: enumMap("failure", WORDS.failure),
      ussdStatus: enumMap("ussdStatus", WORDS.ussdStatus),
      ssProcedure: enumMap("ssProcedure", WORDS.ssProcedure),
      ssService: enumMap("ssService", WORDS.ssService),
      finalUnitAction: enumMap("finalUnitAction", WORDS.finalUnitAction),
      dataEnd: enumMap("dataEnd", WORDS.dataEnd),
      errorCode: enumMap("errorCode", WORDS.errorCode),
    },
  };
}
