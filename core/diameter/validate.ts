/**
 * Checks a message's AVPs against the command ABNF and the rules of grouped AVPs
 * (RFC 6733 §3.2, §4.4): 5005 MISSING_AVP, 5008 AVP_NOT_ALLOWED, 5009 AVP_OCCURS_TOO_MANY_TIMES,
 * each with the Failed-AVP content §7.5 asks for.
 */
import type { Avp } from "./avp.js";
import { flagsFor } from "./avp-build.js";
import type { Dictionary } from "./dictionary/dictionary.js";
import type { AvpDefinition, AvpRule } from "./dictionary/types.js";
import { DiameterProtocolError } from "./errors.js";
import { type DiameterMessage, isRequest } from "./message.js";
import { ResultCode } from "./result-codes.js";

/** Validates a message whose command is in the dictionary; unknown commands are the caller's 3001. */
export function validateMessage(
  message: DiameterMessage,
  dict: Dictionary,
): DiameterProtocolError | undefined {
  const command = dict.command(message.commandCode);
  if (command === undefined) return undefined;
  const rules = isRequest(message) ? command.request : command.answer;
  const where = isRequest(message) ? command.requestName : command.answerName;
  return validateAvps(message.avps, rules, dict, where);
}

/** Per rule list: the position of each AVP name (the last one when a name repeats), computed once. */
interface RuleIndex {
  readonly byName: ReadonlyMap<string, number>;
  readonly allowsAny: boolean;
}

const ruleIndexes = new WeakMap<readonly AvpRule[], RuleIndex>();

function indexRules(rules: readonly AvpRule[]): RuleIndex {
  let index = ruleIndexes.get(rules);
  if (index === undefined) {
    index = {
      byName: new Map(rules.map((r, i) => [r.name, i])),
      allowsAny: rules.some((r) => r.name === "AVP"),
    };
    ruleIndexes.set(rules, index);
  }
  return index;
}

export function validateAvps(
  avps: readonly Avp[],
  rules: readonly AvpRule[],
  dict: Dictionary,
  where: string,
): DiameterProtocolError | undefined {
  const { byName, allowsAny } = indexRules(rules);
  // Occurrences per rule position: a small array instead of a string-keyed Map per call (hot path).
  const counts = new Array<number>(rules.length).fill(0);
  for (const a of avps) {
    const def = dict.avp(a.code, a.vendorId);
    if (def === undefined) continue; // unknown non-M AVPs are ignored (§4.1); M ones failed in decode
    const at = byName.get(def.name);
    if (at === undefined) {
      if (!allowsAny) {
        return new DiameterProtocolError(
          ResultCode.AVP_NOT_ALLOWED,
          `${def.name} is not allowed in ${where}`,
          a,
        );
      }
    } else {
      const n = (counts[at] as number) + 1;
      counts[at] = n;
      if (n > (rules[at] as AvpRule).max) {
        return new DiameterProtocolError(
          ResultCode.AVP_OCCURS_TOO_MANY_TIMES,
          `${def.name} occurs more than ${(rules[at] as AvpRule).max} time(s) in ${where}`,
          a,
        );
      }
    }
    if (a.type === "Grouped" && def.rules !== undefined) {
      const inner = validateAvps(a.value, def.rules, dict, def.name);
      if (inner !== undefined) return inner;
    }
  }
  for (const rule of rules) {
    if (rule.min > 0 && rule.name !== "AVP") {
      const at = byName.get(rule.name) as number;
      if ((counts[at] as number) < rule.min) {
        const def = dict.avpByName(rule.name);
        return new DiameterProtocolError(
          ResultCode.MISSING_AVP,
          `${where} lacks ${rule.name}`,
          exampleAvp(def),
        );
      }
    }
  }
  return undefined;
}

/** RFC 6733 §7.5: for a missing AVP, Failed-AVP holds one with the right code and a zeroed minimum payload. */
export function exampleAvp(def: AvpDefinition): Avp {
  const base = { code: def.code, vendorId: def.vendorId, flags: flagsFor(def) };
  switch (def.type) {
    case "Grouped":
      return { ...base, type: "Grouped", value: [] };
    case "Unsigned32":
    case "Integer32":
    case "Enumerated":
    case "Float32":
    case "Time":
      return { ...base, type: "Unknown", value: new Uint8Array(4) };
    case "Unsigned64":
    case "Integer64":
    case "Float64":
      return { ...base, type: "Unknown", value: new Uint8Array(8) };
    case "Address":
      return { ...base, type: "Unknown", value: new Uint8Array(2) };
    default:
      return { ...base, type: "Unknown", value: new Uint8Array(0) };
  }
}
