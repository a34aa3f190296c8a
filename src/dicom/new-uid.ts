/**
 * New DICOM UIDs without a registered root: "2.25." then a random (version 4) UUID as one
 * decimal integer (PS3.5 B.2, ISO/IEC 9834-8). At most 44 characters, within the 64 allowed.
 */

/** Hilum's Implementation Class UID (File Meta 0002,0012): one fixed 2.25 UID for the app. */
export const HILUM_IMPLEMENTATION_UID = '2.25.277340219842911936640201887538834718435';

export function newUID(random: (bytes: Uint8Array<ArrayBuffer>) => void = (b) => crypto.getRandomValues(b)): string {
  const bytes = new Uint8Array(16);
  random(bytes);
  // Version 4 and the RFC 4122 variant, so the number is a well-formed UUID.
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return `2.25.${value.toString(10)}`;
}

/** A UID as PS3.5 9.1 allows: digits and dots, no empty or zero-led component, 64 at most. */
export function isValidUID(uid: string): boolean {
  return uid.length > 0 && uid.length <= 64 && uid.split('.').every((part) => /^(0|[1-9]\d*)$/.test(part));
}
