/**
 * What the SMPP steps share: the binds a scenario declares (every `smpp.bind` step, wherever it
 * is nested), so `smpp.submit` and `smpp.unbind` can default to the only bind, refuse a bind name
 * nobody binds, and know the bind's system_id and mode when compiled.
 */
import type { BindMode } from "../../core/smpp/pdu-types.js";
import { StepError, type FlowContext } from "../runner/flow-context.js";
import type { MetricDecl } from "../runner/metrics/metric-catalogue.js";
import { FieldError } from "../runner/scenario-error.js";
import type { SmppPort } from "../runner/smpp-port.js";
import type { CompileContext } from "../runner/step-registry.js";

export interface DeclaredBind {
  readonly name: string;
  readonly systemId: string;
  readonly mode: BindMode;
}

export const SMPP_BIND_METRIC: MetricDecl = {
  name: "smpp.binds",
  kind: "counter",
  tags: ["system", "result"],
  description: "bind attempts by system_id and command_status name (ESME_ROK, ESME_RINVPASWD, …)",
};

/** Every `smpp.bind` of the scenario (params as written: the schema has checked their shape). */
export function declaredBinds(c: CompileContext): DeclaredBind[] {
  const found = new Map<string, DeclaredBind>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "smpp.bind" && typeof value === "object" && value !== null) {
        const p = value as { name?: unknown; systemId?: unknown; mode?: unknown };
        const systemId = typeof p.systemId === "string" ? p.systemId : "";
        const name = typeof p.name === "string" ? p.name : systemId;
        const mode = typeof p.mode === "string" ? (p.mode as BindMode) : "transceiver";
        if (!found.has(name)) found.set(name, { name, systemId, mode });
      } else walk(value);
    }
  };
  walk(c.scenario.flows);
  return [...found.values()];
}

/** The bind a submit or unbind uses: `name`, or the scenario's only bind. */
export function resolveBind(c: CompileContext, name: string | undefined, step: string): DeclaredBind {
  const binds = declaredBinds(c);
  if (name !== undefined) {
    const bind = binds.find((b) => b.name === name);
    if (bind === undefined)
      throw new FieldError(
        [...c.path, "bind"],
        `no smpp.bind step binds "${name}"${binds.length > 0 ? ` (binds: ${binds.map((b) => b.name).join(", ")})` : ""}`,
      );
    return bind;
  }
  const [only, ...others] = binds;
  if (only === undefined)
    throw new FieldError(c.path, `${step} needs a bind: add an smpp.bind step to the flow`);
  if (others.length > 0)
    throw new FieldError(
      c.path,
      `${step}: name the bind (bind: …), the scenario has ${binds.map((b) => b.name).join(", ")}`,
    );
  return only;
}

export function smppOf(ctx: FlowContext, step: string): SmppPort {
  const port = ctx.ports.smpp;
  if (port === undefined) throw new StepError(`${step}: no SMSC to bind to in this run`);
  return port;
}
