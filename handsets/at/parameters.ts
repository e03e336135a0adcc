/**
 * Reading command parameters. A parameter that is not what the command takes (a letter where a
 * number goes, out of range, one too many) raises `AtParameterError`, which the interpreter
 * answers with a plain ERROR (TS 27.007 §9.1: "ERROR is returned normally when error is related
 * to syntax, invalid parameters, or TA functionality").
 */
import type { AtParameter } from "./command-line.js";

export class AtParameterError extends Error {
  override readonly name = "AtParameterError";
}

export function expectAtMost(parameters: readonly AtParameter[], count: number): void {
  if (parameters.length > count) throw new AtParameterError(`at most ${count} parameters`);
}

/** An integer in [min, max]; `undefined` when omitted. Quoted numbers are refused. */
export function integerAt(
  parameters: readonly AtParameter[],
  index: number,
  min: number,
  max: number,
): number | undefined {
  const parameter = parameters[index];
  if (parameter === undefined) return undefined;
  if (parameter.quoted || !/^[0-9]{1,9}$/.test(parameter.text)) {
    throw new AtParameterError(`parameter ${index + 1} is not a number`);
  }
  const value = Number(parameter.text);
  if (value < min || value > max) throw new AtParameterError(`parameter ${index + 1} is not ${min}-${max}`);
  return value;
}

export function requireInteger(
  parameters: readonly AtParameter[],
  index: number,
  min: number,
  max: number,
): number {
  const value = integerAt(parameters, index, min, max);
  if (value === undefined) throw new AtParameterError(`parameter ${index + 1} is missing`);
  return value;
}

/** A string, quoted or not (terminals often send `AT+CPIN=1234`); `undefined` when omitted. */
export function stringAt(parameters: readonly AtParameter[], index: number): string | undefined {
  return parameters[index]?.text;
}

export function requireString(parameters: readonly AtParameter[], index: number): string {
  const value = stringAt(parameters, index);
  if (value === undefined) throw new AtParameterError(`parameter ${index + 1} is missing`);
  return value;
}
