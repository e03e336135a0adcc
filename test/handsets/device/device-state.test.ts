import { describe, expect, it } from "vitest";
import {
  HANDSET_EVENTS,
  HANDSET_STATES,
  type HandsetEvent,
  type HandsetState,
  isInService,
  nextState,
} from "../../../handsets/device/device-state.js";

// [from, event, to | undefined (ignored)]
const TABLE: ReadonlyArray<readonly [HandsetState, HandsetEvent, HandsetState | undefined]> = [
  ["off", "power-on", "sim-check"],
  ["off", "power-off", undefined],
  ["off", "sim-ready", undefined],
  ["off", "attach-accepted", undefined],
  ["sim-check", "sim-ready", "searching"],
  ["sim-check", "sim-locked", "sim-locked"],
  ["sim-check", "sim-absent", "no-sim"],
  ["sim-locked", "sim-ready", "searching"],
  ["sim-locked", "attach-accepted", undefined],
  ["sim-locked", "call-started", undefined],
  ["sim-locked", "data-started", undefined],
  ["sim-locked", "power-off", "off"],
  ["no-sim", "sim-ready", "searching"],
  ["no-sim", "sim-locked", "sim-locked"],
  ["searching", "attach-accepted", "registered"],
  ["searching", "attach-rejected", "denied"],
  ["searching", "call-started", undefined],
  ["denied", "sim-ready", "searching"],
  ["denied", "call-started", undefined],
  ["registered", "call-started", "in-call"],
  ["registered", "data-started", "in-data"],
  ["registered", "ussd-started", "in-ussd"],
  ["registered", "network-detach", "searching"],
  ["registered", "sim-removed", "no-sim"],
  ["registered", "power-off", "off"],
  ["in-call", "call-ended", "registered"],
  ["in-call", "data-started", undefined],
  ["in-data", "data-ended", "registered"],
  ["in-data", "call-started", "in-call"],
  ["in-ussd", "ussd-ended", "registered"],
  ["in-ussd", "network-detach", "searching"],
  ["in-call", "sim-removed", "no-sim"],
];

describe("handset state machine", () => {
  it.each(TABLE)("%s + %s → %s", (from, event, to) => {
    expect(nextState(from, event)).toBe(to);
  });

  it("power-off reaches off from every state but off", () => {
    for (const s of HANDSET_STATES) expect(nextState(s, "power-off")).toBe(s === "off" ? undefined : "off");
  });

  it("no event takes a locked SIM into service", () => {
    for (const e of HANDSET_EVENTS) {
      const to = nextState("sim-locked", e);
      expect(to === undefined || !isInService(to)).toBe(true);
    }
  });
});
