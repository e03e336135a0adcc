/**
 * The network of a handset with no core: no cell in reach. Registration stays "not registered,
 * not searching" (+CREG: 0,0), signal quality is unknown (+CSQ: 99,99), and every service
 * answers "no network service" (+CME ERROR: 30, +CMS ERROR: 331). No events are ever pushed.
 */
import type {
  DialOutcome,
  HandsetNetwork,
  NetworkFailure,
  NetworkListener,
  NetworkOutcome,
  Registration,
  SignalQuality,
  SmsSubmitResult,
  SsResult,
  UssdResult,
} from "./handset-network.js";

const NOT_REGISTERED: Registration = { status: "not-registered" };
const NO_SIGNAL: SignalQuality = { rssi: 99, ber: 99 };
const NO_SERVICE: NetworkFailure = { ok: false, cause: "no-service" };

export class OfflineNetwork implements HandsetNetwork {
  registration(): Registration {
    return NOT_REGISTERED;
  }

  signalQuality(): SignalQuality {
    return NO_SIGNAL;
  }

  register(): Promise<Registration> {
    return Promise.resolve(NOT_REGISTERED);
  }

  deregister(): Promise<Registration> {
    return Promise.resolve(NOT_REGISTERED);
  }

  dial(): Promise<DialOutcome> {
    return Promise.resolve(NO_SERVICE);
  }

  answer(): Promise<NetworkOutcome> {
    return Promise.resolve(NO_SERVICE);
  }

  hangUp(): Promise<void> {
    return Promise.resolve();
  }

  ussd(): Promise<UssdResult> {
    return Promise.resolve(NO_SERVICE);
  }

  cancelUssd(): Promise<void> {
    return Promise.resolve();
  }

  sendSms(): Promise<SmsSubmitResult> {
    return Promise.resolve(NO_SERVICE);
  }

  supplementaryService(): Promise<SsResult> {
    return Promise.resolve(NO_SERVICE);
  }

  listen(_listener: NetworkListener): () => void {
    return () => undefined;
  }
}
