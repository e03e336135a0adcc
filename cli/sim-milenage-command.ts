import type { Command } from "commander";
import { buildAutn } from "../sim/aka-tokens.js";
import { SimInputError } from "../sim/errors.js";
import { parseHex, toHex } from "../sim/hex.js";
import { AMF_BYTES, KEY_BYTES, Milenage, RAND_BYTES, SQN_BYTES } from "../sim/milenage.js";
import { CliError, ExitCode } from "./cli-error.js";

interface MilenageOptions {
  k: string;
  op?: string;
  opc?: string;
  rand: string;
  sqn: string;
  amf: string;
}

/** `telsim sim milenage`: every TS 35.206 output for one K/OP(c)/RAND/SQN/AMF, as one JSON line. */
export function registerSimMilenageCommand(sim: Command): void {
  sim
    .command("milenage")
    .description("compute Milenage f1..f5* and AUTN (3GPP TS 35.206) and print them as JSON")
    .requiredOption("--k <hex>", "subscriber key K, 16 bytes")
    .option("--op <hex>", "operator variant OP, 16 bytes (give --op or --opc)")
    .option("--opc <hex>", "OPc = OP xor E_K(OP), 16 bytes (give --op or --opc)")
    .requiredOption("--rand <hex>", "RAND, 16 bytes")
    .requiredOption("--sqn <hex>", "SQN, 6 bytes")
    .requiredOption("--amf <hex>", "AMF, 2 bytes")
    .action((options: MilenageOptions) => {
      process.stdout.write(`${JSON.stringify(milenageReport(options))}\n`);
    });
}

function milenageReport(options: MilenageOptions): Record<string, string> {
  try {
    const k = parseHex("--k", options.k, KEY_BYTES);
    const milenage = keyedMilenage(k, options);
    const rand = parseHex("--rand", options.rand, RAND_BYTES);
    const sqn = parseHex("--sqn", options.sqn, SQN_BYTES);
    const amf = parseHex("--amf", options.amf, AMF_BYTES);
    const out = milenage.compute(rand, sqn, amf);
    // Key order is part of the output contract.
    return {
      opc: toHex(milenage.opc),
      f1: toHex(out.f1),
      "f1*": toHex(out.f1Star),
      f2: toHex(out.f2),
      f3: toHex(out.f3),
      f4: toHex(out.f4),
      f5: toHex(out.f5),
      "f5*": toHex(out.f5Star),
      autn: toHex(buildAutn(sqn, out.f5, amf, out.f1)),
    };
  } catch (error) {
    if (error instanceof SimInputError) throw new CliError(ExitCode.invalidInput, error.message);
    throw error;
  }
}

function keyedMilenage(k: Uint8Array, options: MilenageOptions): Milenage {
  if (options.op !== undefined && options.opc !== undefined) {
    throw new CliError(ExitCode.invalidInput, "--op, --opc: give exactly one of them, not both");
  }
  if (options.op !== undefined) return Milenage.fromOp(k, parseHex("--op", options.op, KEY_BYTES));
  if (options.opc !== undefined) return new Milenage(k, parseHex("--opc", options.opc, KEY_BYTES));
  throw new CliError(ExitCode.invalidInput, "--op, --opc: one of them is required");
}
