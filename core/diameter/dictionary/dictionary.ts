/**
 * The dictionary: AVP and command definitions as data, indexed by code + vendor for the decoder
 * and by name for builders. A Dictionary is immutable once built; `extend` makes a new one with
 * extra (vendor) AVPs registered by users.
 */
import { baseAvps } from "./base-avps.js";
import { commands } from "./commands.js";
import { dccaAvps } from "./dcca-avps.js";
import { tgppAvps } from "./tgpp-avps.js";
import type { AvpDefinition, CommandDefinition } from "./types.js";

export class Dictionary {
  /** vendorId -> code -> definition. Two levels, since code and vendor are 32 bits each. */
  private readonly byVendor = new Map<number, Map<number, AvpDefinition>>();
  private readonly byName = new Map<string, AvpDefinition>();
  private readonly commandsByCode = new Map<number, CommandDefinition>();
  /** Per definition: enum value set, for quick membership tests. */
  private readonly enumSets = new Map<AvpDefinition, ReadonlySet<number>>();

  constructor(avps: readonly AvpDefinition[], commandList: readonly CommandDefinition[]) {
    for (const def of avps) {
      let codes = this.byVendor.get(def.vendorId);
      if (codes === undefined) {
        codes = new Map();
        this.byVendor.set(def.vendorId, codes);
      }
      if (codes.has(def.code)) {
        throw new Error(`dictionary: AVP code ${def.code} vendor ${def.vendorId} defined twice`);
      }
      if (this.byName.has(def.name)) throw new Error(`dictionary: AVP name ${def.name} defined twice`);
      codes.set(def.code, def);
      this.byName.set(def.name, def);
      if (def.enumValues !== undefined) this.enumSets.set(def, new Set(Object.values(def.enumValues)));
    }
    for (const cmd of commandList) this.commandsByCode.set(cmd.code, cmd);
    for (const def of avps) this.checkRules(def.name, def.rules ?? []);
    for (const cmd of commandList) {
      this.checkRules(cmd.requestName, cmd.request);
      this.checkRules(cmd.answerName, cmd.answer);
    }
  }

  private checkRules(owner: string, rules: readonly { name: string }[]): void {
    for (const rule of rules) {
      if (rule.name !== "AVP" && !this.byName.has(rule.name)) {
        throw new Error(`dictionary: ${owner} refers to unknown AVP ${rule.name}`);
      }
    }
  }

  avp(code: number, vendorId: number): AvpDefinition | undefined {
    return this.byVendor.get(vendorId)?.get(code);
  }

  /** The definition of a named AVP; throws for a name that is not in the dictionary (a programming error). */
  avpByName(name: string): AvpDefinition {
    const def = this.byName.get(name);
    if (def === undefined) throw new Error(`dictionary: unknown AVP name ${name}`);
    return def;
  }

  findAvpByName(name: string): AvpDefinition | undefined {
    return this.byName.get(name);
  }

  command(code: number): CommandDefinition | undefined {
    return this.commandsByCode.get(code);
  }

  /** True when `value` is a defined value of the Enumerated AVP (or the AVP lists none). */
  isKnownEnumValue(def: AvpDefinition, value: number): boolean {
    const set = this.enumSets.get(def);
    return set === undefined || set.has(value);
  }

  enumName(def: AvpDefinition, value: number): string | undefined {
    if (def.enumValues === undefined) return undefined;
    for (const [name, v] of Object.entries(def.enumValues)) if (v === value) return name;
    return undefined;
  }

  /** A new dictionary with extra AVPs (e.g. a vendor's) and commands. */
  extend(avps: readonly AvpDefinition[], extraCommands: readonly CommandDefinition[] = []): Dictionary {
    return new Dictionary([...this.allAvps(), ...avps], [...this.commandsByCode.values(), ...extraCommands]);
  }

  allAvps(): AvpDefinition[] {
    return [...this.byName.values()];
  }

  allCommands(): CommandDefinition[] {
    return [...this.commandsByCode.values()];
  }
}

/** Base protocol + RFC 4006 DCCA + 3GPP Gy: the dictionary every telsim node uses by default. */
export const gyDictionary = new Dictionary([...baseAvps, ...dccaAvps, ...tgppAvps], commands);
