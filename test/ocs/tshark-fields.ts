/**
 * Reading tshark's `-T fields` output of Diameter traffic: one row per captured frame, every
 * value of every requested field (`-E occurrence=a -E aggregator=|`), and the PDUs in it.
 */

export type FieldFrame = ReadonlyMap<string, readonly string[]>;

/** The tshark arguments that print `fields`, tab-separated, all occurrences joined by `|`. */
export function fieldArgs(fields: readonly string[]): string[] {
  return [
    "-T",
    "fields",
    "-E",
    "separator=\t",
    "-E",
    "occurrence=a",
    "-E",
    "aggregator=|",
    ...fields.flatMap((f) => ["-e", f]),
  ];
}

export function parseFieldFrames(stdout: string, fields: readonly string[]): FieldFrame[] {
  return stdout
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const columns = line.split("\t");
      return new Map(fields.map((f, i) => [f, (columns[i] ?? "").split("|").filter((v) => v !== "")]));
    });
}

export const valuesOf = (frame: FieldFrame, field: string): readonly string[] => frame.get(field) ?? [];

const isSet = (flag: string | undefined): boolean => flag === "1" || flag === "True";

/** (command code, request?) of each Diameter PDU of each frame. */
export function pduList(frames: readonly FieldFrame[]): { command: number; request: boolean }[] {
  return frames.flatMap((f) => {
    const flags = valuesOf(f, "diameter.flags.request");
    return valuesOf(f, "diameter.cmd.code").map((c, i) => ({ command: Number(c), request: isSet(flags[i]) }));
  });
}

/**
 * The one frame holding a Credit-Control request (or answer) of CC-Request-Type `type`, and
 * nothing else: a frame with several PDUs would mix their AVP values.
 */
export function creditControlFrame(
  frames: readonly FieldFrame[],
  request: boolean,
  type: number,
): FieldFrame {
  const found = frames.filter((f) => {
    const commands = valuesOf(f, "diameter.cmd.code");
    const flags = valuesOf(f, "diameter.flags.request");
    return (
      commands.length === 1 &&
      commands[0] === "272" &&
      isSet(flags[0]) === request &&
      valuesOf(f, "diameter.CC-Request-Type").includes(String(type))
    );
  });
  if (found.length !== 1 || found[0] === undefined) {
    throw new Error(
      `expected one frame with just the ${request ? "CCR" : "CCA"} of type ${type}, found ${found.length}`,
    );
  }
  return found[0];
}

/** The Diameter rows of the "Warns" section of `tshark -q -z expert,warn`. */
export function diameterWarningRows(report: string): { count: number; summary: string }[] {
  const rows: { count: number; summary: string }[] = [];
  let inWarns = false;
  for (const line of report.split("\n")) {
    const heading = /^(Errors|Warns|Notes|Chats|Comments) \(/.exec(line);
    if (heading !== null) inWarns = heading[1] === "Warns";
    const row = /^\s+(\d+)\s+\S+\s+Diameter\s+(.*)$/.exec(line);
    if (inWarns && row !== null) rows.push({ count: Number(row[1]), summary: (row[2] ?? "").trim() });
  }
  return rows;
}

/** tshark's stderr lines, without the notice it prints when run as root. */
export const tsharkComplaints = (stderr: string): string[] =>
  stderr.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("Running as user"));
