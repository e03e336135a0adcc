/**
 * The command line of ITU-T V.250 §5.2-5.4: `AT` then basic commands (`E0`, `&F`, `D…`) and
 * extended commands (`+CPIN?`, `+CMEE=1`), the latter separated by `;`. Names are case
 * insensitive; spaces are ignored outside strings and the dial string. Parameters are
 * comma-separated, strings in double quotes with `\HH` escapes (V.250 §5.4.2.2), an empty
 * field an omitted parameter.
 */

/** One parameter as given: `undefined` when omitted (`AT+X=,1`). */
export type AtParameter = { readonly quoted: boolean; readonly text: string } | undefined;

export type AtCommand =
  /** A basic command: `E`, `I`, `Z`, `H`, `A`, `&F` …, with its number if one followed. */
  | { readonly kind: "basic"; readonly name: string; readonly value: number | undefined }
  /** `D`: the rest of the line is the dial string (V.250 §6.3.1). */
  | { readonly kind: "dial"; readonly dialString: string }
  | {
      readonly kind: "extended";
      /** Upper case, with its prefix: "+CPIN". */
      readonly name: string;
      /** `+X` execute, `+X?` read, `+X=?` test, `+X=…` set. */
      readonly form: "execute" | "read" | "test" | "set";
      readonly parameters: readonly AtParameter[];
    };

export type ParsedCommandLine =
  | { readonly ok: true; readonly commands: readonly AtCommand[] }
  | { readonly ok: false; readonly reason: string };

/** V.250 §5.4.1: after the prefix, 1-16 characters of A-Z, 0-9, `!%-./:_`. */
const NAME_CHAR = /[A-Za-z0-9!%\-./:_]/;
const EXTENDED_PREFIXES = "+^$%";

/** Splits a command line that starts with `AT`; the caller has checked the prefix. */
export function parseCommandLine(line: string): ParsedCommandLine {
  const body = line.slice(2);
  const commands: AtCommand[] = [];
  let at = 0;
  while (at < body.length) {
    const ch = body[at]!;
    if (ch === " " || ch === ";") {
      at++;
      continue;
    }
    if (EXTENDED_PREFIXES.includes(ch)) {
      const parsed = extendedCommand(body, at);
      if ("reason" in parsed) return { ok: false, reason: parsed.reason };
      commands.push(parsed.command);
      at = parsed.next;
      continue;
    }
    const upper = ch.toUpperCase();
    if (upper === "D") {
      commands.push({ kind: "dial", dialString: body.slice(at + 1) });
      break;
    }
    let name = upper;
    at++;
    if (ch === "&") {
      const letter = body[at];
      if (letter === undefined || !/[A-Za-z]/.test(letter))
        return { ok: false, reason: "& without a letter" };
      name = `&${letter.toUpperCase()}`;
      at++;
    } else if (!/[A-Z]/.test(upper)) {
      return { ok: false, reason: `"${ch}" does not start a command` };
    }
    let digits = "";
    while (at < body.length && /[0-9]/.test(body[at]!)) digits += body[at++];
    if (name === "S" && (body[at] === "=" || body[at] === "?")) {
      // S-parameters (V.250 §5.3.2) are not emulated; the whole line fails.
      return { ok: false, reason: "S-parameters are not supported" };
    }
    commands.push({ kind: "basic", name, value: digits === "" ? undefined : Number(digits.slice(0, 9)) });
  }
  return { ok: true, commands };
}

function extendedCommand(
  body: string,
  start: number,
): { command: AtCommand; next: number } | { reason: string } {
  let at = start + 1;
  while (at < body.length && NAME_CHAR.test(body[at]!)) at++;
  const name = body.slice(start, at).toUpperCase();
  if (name.length < 2 || name.length > 17) return { reason: `bad command name "${name}"` };
  while (body[at] === " ") at++;
  let form: "execute" | "read" | "test" | "set" = "execute";
  let parameters: AtParameter[] = [];
  if (body[at] === "?") {
    form = "read";
    at++;
  } else if (body[at] === "=") {
    at++;
    while (body[at] === " ") at++;
    if (body[at] === "?") {
      form = "test";
      at++;
    } else {
      form = "set";
      const parsed = parameterList(body, at);
      if ("reason" in parsed) return parsed;
      parameters = parsed.parameters;
      at = parsed.next;
    }
  }
  while (body[at] === " ") at++;
  if (at < body.length && body[at] !== ";") return { reason: `unexpected "${body[at]}" after ${name}` };
  return { command: { kind: "extended", name, form, parameters }, next: at };
}

/** Parameters up to the next `;` outside a string (or the end of the line). */
function parameterList(
  body: string,
  start: number,
): { parameters: AtParameter[]; next: number } | { reason: string } {
  const parameters: AtParameter[] = [];
  let at = start;
  for (;;) {
    while (body[at] === " ") at++;
    if (body[at] === '"') {
      const parsed = quotedString(body, at);
      if ("reason" in parsed) return parsed;
      parameters.push({ quoted: true, text: parsed.text });
      at = parsed.next;
      while (body[at] === " ") at++;
      if (at < body.length && body[at] !== "," && body[at] !== ";") {
        return { reason: "text after a closing quote" };
      }
    } else {
      let text = "";
      while (at < body.length && body[at] !== "," && body[at] !== ";") text += body[at++];
      text = text.replace(/ /g, "");
      parameters.push(text === "" ? undefined : { quoted: false, text });
    }
    if (body[at] !== ",") return { parameters, next: at };
    at++;
  }
}

function quotedString(body: string, start: number): { text: string; next: number } | { reason: string } {
  let text = "";
  let at = start + 1;
  while (at < body.length) {
    const ch = body[at]!;
    if (ch === '"') return { text, next: at + 1 };
    if (ch === "\\") {
      const hex = body.slice(at + 1, at + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return { reason: "a backslash not followed by two hex digits" };
      text += String.fromCharCode(parseInt(hex, 16));
      at += 3;
      continue;
    }
    text += ch;
    at++;
  }
  return { reason: "a string without its closing quote" };
}
