/**
 * The handset's life cycle as one transition table, shared by the single `Handset` (AT console,
 * tests) and the farm (which keeps a state code per handset in a Uint8Array).
 *
 * ```mermaid
 * stateDiagram-v2
 *   [*] --> off
 *   off --> simCheck: power-on
 *   simCheck --> searching: sim-ready
 *   simCheck --> simLocked: sim-locked (PIN / PUK required, permanently blocked)
 *   simCheck --> noSim: sim-absent
 *   simLocked --> searching: sim-ready (PIN or PUK entered)
 *   searching --> registered: attach-accepted
 *   searching --> denied: attach-rejected
 *   registered --> inCall / inData / inUssd
 *   inCall --> registered: call-ended
 *   registered --> searching: network-detach
 *   any --> off: power-off
 * ```
 *
 * A locked SIM keeps the handset off the network: nothing leaves `sim-locked` but unlocking, a
 * SIM swap or power-off (TS 22.101 §8: without a usable USIM only emergency calls are possible).
 */

export const HANDSET_STATES = [
  "off",
  "sim-check",
  "no-sim",
  "sim-locked",
  "searching",
  "registered",
  "denied",
  "in-call",
  "in-data",
  "in-ussd",
] as const;
export type HandsetState = (typeof HANDSET_STATES)[number];

export const HANDSET_EVENTS = [
  "power-on",
  "power-off",
  "sim-ready",
  "sim-locked",
  "sim-absent",
  "sim-removed",
  "attach-accepted",
  "attach-rejected",
  "network-detach",
  "call-started",
  "call-ended",
  "data-started",
  "data-ended",
  "ussd-started",
  "ussd-ended",
] as const;
export type HandsetEvent = (typeof HANDSET_EVENTS)[number];

/** Numeric codes: the farm stores these in typed arrays. */
export const STATE_CODE = Object.fromEntries(HANDSET_STATES.map((s, i) => [s, i])) as Record<
  HandsetState,
  number
>;
export const EVENT_CODE = Object.fromEntries(HANDSET_EVENTS.map((e, i) => [e, i])) as Record<
  HandsetEvent,
  number
>;

/** "No transition": the event is ignored in that state. */
export const NO_TRANSITION = 255;

const IN_SERVICE: readonly HandsetState[] = ["registered", "in-call", "in-data", "in-ussd"];

/** The rules, as (from, event) → to; anything not listed is ignored. */
const RULES: ReadonlyArray<readonly [readonly HandsetState[] | "any-on", HandsetEvent, HandsetState]> = [
  [["off"], "power-on", "sim-check"],
  ["any-on", "power-off", "off"],
  [["sim-check", "sim-locked"], "sim-ready", "searching"],
  [["sim-check", "sim-locked"], "sim-locked", "sim-locked"],
  [["sim-check"], "sim-absent", "no-sim"],
  // Taking the card out: every registration ends (TS 24.008 §4.3.4: IMSI detach when the SIM goes).
  ["any-on", "sim-removed", "no-sim"],
  [["no-sim"], "sim-ready", "searching"],
  [["no-sim"], "sim-locked", "sim-locked"],
  // A denied handset tries again when told to (a new attach, TS 24.008 §4.4.4.9 after T3211).
  [["denied"], "sim-ready", "searching"],
  [["searching"], "attach-accepted", "registered"],
  [["searching"], "attach-rejected", "denied"],
  [IN_SERVICE, "network-detach", "searching"],
  [["denied"], "network-detach", "denied"],
  [["registered", "in-data", "in-ussd"], "call-started", "in-call"],
  [["in-call"], "call-ended", "registered"],
  [["registered"], "data-started", "in-data"],
  [["in-data"], "data-ended", "registered"],
  [["registered"], "ussd-started", "in-ussd"],
  [["in-ussd"], "ussd-ended", "registered"],
];

/** TRANSITIONS[state * EVENTS + event] = next state code, or NO_TRANSITION. */
export const TRANSITIONS: Uint8Array = buildTable();

function buildTable(): Uint8Array {
  const table = new Uint8Array(HANDSET_STATES.length * HANDSET_EVENTS.length).fill(NO_TRANSITION);
  for (const [from, event, to] of RULES) {
    const sources = from === "any-on" ? HANDSET_STATES.filter((s) => s !== "off") : from;
    for (const s of sources)
      table[STATE_CODE[s] * HANDSET_EVENTS.length + EVENT_CODE[event]] = STATE_CODE[to];
  }
  return table;
}

/** The next state code for codes (farm), or NO_TRANSITION. */
export function nextStateCode(state: number, event: number): number {
  return TRANSITIONS[state * HANDSET_EVENTS.length + event] ?? NO_TRANSITION;
}

/** The next state, or undefined when `event` is ignored in `state`. */
export function nextState(state: HandsetState, event: HandsetEvent): HandsetState | undefined {
  const code = nextStateCode(STATE_CODE[state], EVENT_CODE[event]);
  return code === NO_TRANSITION ? undefined : HANDSET_STATES[code];
}

/** Whether the handset may use network services (calls, SMS, USSD, data) in `state`. */
export function isInService(state: HandsetState): boolean {
  return IN_SERVICE.includes(state);
}
