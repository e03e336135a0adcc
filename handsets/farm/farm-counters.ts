/** What a farm counts; the CLI prints it as the final JSON summary. */
export interface FarmCounters {
  poweredOn: number;
  simLocked: number;
  attachRequests: number;
  attached: number;
  rejected: number;
  rejectCauses: Record<string, number>;
  macFailures: number;
  syncFailures: number;
  attachTimeouts: number;
  callsStarted: number;
  callsConnected: number;
  callsEnded: number;
  callsFailed: number;
  smsSent: number;
  smsDelivered: number;
  smsFailed: number;
  smsReceived: number;
  ussdDialogues: number;
  ussdReplies: number;
  ussdCompleted: number;
  dataSessions: number;
  dataEnded: number;
  usageReports: number;
  octetsReported: number;
  throttledGrants: number;
  pinChanges: number;
  pinLockouts: number;
  pukUnblocks: number;
  refused: number;
  errors: number;
}

export function newCounters(): FarmCounters {
  return {
    poweredOn: 0,
    simLocked: 0,
    attachRequests: 0,
    attached: 0,
    rejected: 0,
    rejectCauses: {},
    macFailures: 0,
    syncFailures: 0,
    attachTimeouts: 0,
    callsStarted: 0,
    callsConnected: 0,
    callsEnded: 0,
    callsFailed: 0,
    smsSent: 0,
    smsDelivered: 0,
    smsFailed: 0,
    smsReceived: 0,
    ussdDialogues: 0,
    ussdReplies: 0,
    ussdCompleted: 0,
    dataSessions: 0,
    dataEnded: 0,
    usageReports: 0,
    octetsReported: 0,
    throttledGrants: 0,
    pinChanges: 0,
    pinLockouts: 0,
    pukUnblocks: 0,
    refused: 0,
    errors: 0,
  };
}
