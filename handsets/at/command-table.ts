/**
 * The extended commands the interpreter knows, by name. Basic commands and ATD have their own
 * handlers (basic-commands.ts, dial-command.ts).
 */
import type { AtContext, CommandOutcome } from "./at-context.js";
import { identification, reportErrors, serialNumber } from "./basic-commands.js";
import type { AtCommand } from "./command-line.js";
import {
  callingLineIdentification,
  extendedErrorReport,
  networkRegistration,
  operatorSelection,
  signalQuality,
  unstructuredService,
} from "./network-commands.js";
import {
  cardIdentity,
  changePassword,
  enterPin,
  facilityLock,
  remainingPinRetries,
  subscriberIdentity,
  subscriberNumber,
} from "./sim-commands.js";
import { messageFormat, newMessageIndications, sendMessage, serviceCentreAddress } from "./sms-commands.js";

type Extended = Extract<AtCommand, { kind: "extended" }>;
export type ExtendedHandler = (
  command: Extended,
  context: AtContext,
) => CommandOutcome | Promise<CommandOutcome>;

export const EXTENDED_COMMANDS: ReadonlyMap<string, ExtendedHandler> = new Map<string, ExtendedHandler>([
  ["+CMEE", reportErrors],
  ["+CGMI", identification((context) => context.identity.manufacturer)],
  ["+CGMM", identification((context) => context.identity.model)],
  ["+CGMR", identification((context) => context.identity.revision)],
  ["+CGSN", serialNumber],
  ["+CPIN", enterPin],
  ["+CPINR", remainingPinRetries],
  ["+CLCK", facilityLock],
  ["+CPWD", changePassword],
  ["+CIMI", subscriberIdentity],
  ["+CCID", cardIdentity],
  ["+CNUM", subscriberNumber],
  ["+CREG", networkRegistration],
  ["+COPS", operatorSelection],
  ["+CSQ", signalQuality],
  ["+CLIP", callingLineIdentification],
  ["+CUSD", unstructuredService],
  ["+CEER", extendedErrorReport],
  ["+CMGF", messageFormat],
  ["+CSCA", serviceCentreAddress],
  ["+CNMI", newMessageIndications],
  ["+CMGS", sendMessage],
]);

/**
 * Commands after which a pending SIM PIN2 / SIM PUK2 request stays visible in +CPIN?
 * (TS 27.007 §8.3: the code is returned "only when the last executed command resulted in
 * PIN2 authentication failure").
 */
export const KEEPS_PIN2_REQUEST: ReadonlySet<string> = new Set(["+CPIN", "+CPINR", "+CMEE"]);
