/** IANA private enterprise numbers of the vendors whose AVPs we know. */
export const VENDOR_IETF = 0;
export const VENDOR_3GPP = 10415;
