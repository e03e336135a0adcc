/**
 * V.250 basic commands (E, V, Q, Z, &F, I, A, H) and the identification and error-report
 * commands of TS 27.007 (+CGMI, +CGMM, +CGMR §5.1-5.3, +CGSN §5.4, +CMEE §9.1).
 * Only verbose result codes (V1) are emulated, and result codes are never quiet (Q0).
 */
import { makeImeisv } from "../../sim/imei.js";
import type { AtContext, CommandOutcome } from "./at-context.js";
import type { AtCommand } from "./command-line.js";
import { expectAtMost, integerAt } from "./parameters.js";
import { ERROR, OK } from "./result-codes.js";

type Basic = Extract<AtCommand, { kind: "basic" }>;
type Extended = Extract<AtCommand, { kind: "extended" }>;

export async function basicCommand(command: Basic, context: AtContext): Promise<CommandOutcome> {
  const value = command.value ?? 0;
  switch (command.name) {
    case "E":
      if (value > 1) return ERROR;
      context.settings.echo = value === 1;
      return OK;
    case "V":
      return value === 1 ? OK : ERROR;
    case "Q":
      return value === 0 ? OK : ERROR;
    case "Z":
    case "&F":
      if (value !== 0) return ERROR;
      context.resetSettings(command.name === "Z" ? "profile" : "factory");
      return OK;
    case "I":
      if (value !== 0) return ERROR;
      context.respond(
        context.identity.manufacturer,
        context.identity.model,
        `Revision: ${context.identity.revision}`,
      );
      return OK;
    case "A":
      return answer(context);
    case "H":
      if (value !== 0) return ERROR;
      if (context.callState !== "idle") {
        await context.network.hangUp();
        context.callState = "idle";
      }
      return OK;
    default:
      return ERROR;
  }
}

/** V.250 §6.3.5: answer the alerting call; with none, NO CARRIER. */
async function answer(context: AtContext): Promise<CommandOutcome> {
  if (context.callState !== "incoming") return { kind: "call", text: "NO CARRIER" };
  const outcome = await context.network.answer();
  if (!outcome.ok) {
    context.callState = "idle";
    return { kind: "call", text: "NO CARRIER" };
  }
  context.callState = "active";
  return OK;
}

/** +CGMI / +CGMM / +CGMR: one line of text each. */
export function identification(line: (context: AtContext) => string) {
  return (command: Extended, context: AtContext): CommandOutcome => {
    if (command.form === "test") return OK;
    if (command.form !== "execute") return ERROR;
    context.respond(line(context));
    return OK;
  };
}

/**
 * §5.4 +CGSN[=<snt>]: <snt> 0 (or none) the IMEI as a bare line; 1 `+CGSN: "<imei>"`,
 * 2 `+CGSN: "<imeisv>"`, 3 `+CGSN: "<svn>"`.
 */
export function serialNumber(command: Extended, context: AtContext): CommandOutcome {
  if (command.form === "test") {
    context.respond("+CGSN: (0-3)");
    return OK;
  }
  if (command.form === "read") return ERROR;
  expectAtMost(command.parameters, 1);
  const type = integerAt(command.parameters, 0, 0, 3) ?? 0;
  const { imei, softwareVersion } = context.identity;
  const svn = String(softwareVersion).padStart(2, "0");
  switch (type) {
    case 0:
      context.respond(imei);
      break;
    case 1:
      context.respond(`+CGSN: "${imei}"`);
      break;
    case 2:
      context.respond(`+CGSN: "${makeImeisv(imei, softwareVersion)}"`);
      break;
    default:
      context.respond(`+CGSN: "${svn}"`);
  }
  return OK;
}

/** §9.1 +CMEE=[<n>]: 0 ERROR, 1 numeric, 2 verbose. */
export function reportErrors(command: Extended, context: AtContext): CommandOutcome {
  switch (command.form) {
    case "test":
      context.respond("+CMEE: (0-2)");
      return OK;
    case "read":
      context.respond(`+CMEE: ${context.settings.cmee}`);
      return OK;
    case "execute":
      return ERROR;
    case "set": {
      expectAtMost(command.parameters, 1);
      const n = integerAt(command.parameters, 0, 0, 2) ?? 0;
      context.settings.cmee = n === 1 ? 1 : n === 2 ? 2 : 0;
      return OK;
    }
  }
}
