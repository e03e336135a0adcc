import smpp from "smpp";
import { describe, expect, it } from "vitest";
import {
  COMMAND_STATUS_TABLE,
  CommandStatus,
  commandStatusCode,
  commandStatusName,
  describeCommandStatus,
  formatCommandStatus,
} from "../../core/smpp/command-status.js";

describe("command_status table", () => {
  it("has unique codes and names", () => {
    const codes = COMMAND_STATUS_TABLE.map(([c]) => c);
    const names = COMMAND_STATUS_TABLE.map(([, n]) => n);
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(COMMAND_STATUS_TABLE.map(([code, name]) => [name, code] as const))("%s ⇄ %i", (name, code) => {
    expect(commandStatusName(code)).toBe(name);
    expect(commandStatusCode(name)).toBe(code);
    expect(describeCommandStatus(code).range).toBe("defined");
  });

  it("has the values the SMSC relies on", () => {
    expect(CommandStatus.ESME_ROK).toBe(0);
    expect(CommandStatus.ESME_RINVMSGLEN).toBe(0x01);
    expect(CommandStatus.ESME_RBINDFAIL).toBe(0x0d);
    expect(CommandStatus.ESME_RINVPASWD).toBe(0x0e);
    expect(CommandStatus.ESME_RINVSYSID).toBe(0x0f);
    expect(CommandStatus.ESME_RMSGQFUL).toBe(0x14);
    expect(CommandStatus.ESME_RTHROTTLED).toBe(0x58);
    expect(CommandStatus.ESME_RINVTLVSTREAM).toBe(0xc0);
  });

  it("agrees with every code the npm smpp package defines", () => {
    for (const [name, code] of Object.entries(smpp.errors))
      expect([name, commandStatusCode(name)]).toEqual([name, code]);
  });

  it("describes codes outside the table by range", () => {
    expect(describeCommandStatus(0x409)).toMatchObject({ name: "0x00000409", range: "vendor-specific" });
    expect(describeCommandStatus(0x200).range).toBe("smpp-extension");
    expect(describeCommandStatus(0x09).range).toBe("reserved");
    expect(commandStatusCode("toString")).toBeUndefined();
    expect(formatCommandStatus(0x58)).toBe(
      "ESME_RTHROTTLED (0x00000058): Throttling error (ESME has exceeded allowed message limits)",
    );
  });
});
