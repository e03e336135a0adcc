/**
 * The registration table (the VLR's part of the HLR's job here): which handset endpoint an IMSI
 * and an MSISDN are registered on. One registration per subscriber: a new attach of the same IMSI
 * elsewhere replaces the old one (the old endpoint is told nothing, as after a Cancel Location).
 */
import { normaliseNumber } from "../charging/destination.js";
import type { Account } from "../charging/model.js";
import type { HandsetEndpoint } from "./handset-endpoint.js";

export class Registry {
  private readonly byImsi = new Map<string, HandsetEndpoint>();
  private readonly byMsisdn = new Map<string, HandsetEndpoint>();

  get size(): number {
    return this.byImsi.size;
  }

  /** Registers `h`; returns the endpoint the IMSI was registered on before, if another. */
  register(h: HandsetEndpoint, imsi: string, msisdn: string, account: Account): HandsetEndpoint | undefined {
    const previous = this.byImsi.get(imsi);
    if (previous !== undefined && previous !== h) this.clear(previous);
    h.imsi = imsi;
    h.msisdn = msisdn;
    h.account = account;
    this.byImsi.set(imsi, h);
    this.byMsisdn.set(msisdn, h);
    return previous !== h ? previous : undefined;
  }

  unregister(h: HandsetEndpoint): void {
    if (h.imsi !== undefined && this.byImsi.get(h.imsi) === h) this.byImsi.delete(h.imsi);
    if (h.msisdn !== undefined && this.byMsisdn.get(h.msisdn) === h) this.byMsisdn.delete(h.msisdn);
    this.clear(h);
  }

  byImsiOf(imsi: string): HandsetEndpoint | undefined {
    return this.byImsi.get(imsi);
  }

  /** Any form of the number: "+375…", "375…", "80 29 …". */
  byNumber(number: string): HandsetEndpoint | undefined {
    return this.byMsisdn.get(number) ?? this.byMsisdn.get(normaliseNumber(number));
  }

  endpoints(): IterableIterator<HandsetEndpoint> {
    return this.byImsi.values();
  }

  private clear(h: HandsetEndpoint): void {
    h.imsi = undefined;
    h.msisdn = undefined;
    h.account = undefined;
  }
}
