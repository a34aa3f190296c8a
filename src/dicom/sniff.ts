/** What a file is, judged by its bytes, never by its name. */
export type FileKind = 'dicom' | 'dicom-raw' | 'png' | 'jpeg' | 'unknown';

const VR_CODES = new Set(['AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FD', 'FL', 'IS', 'LO', 'LT', 'OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'PN', 'SH', 'SL', 'SQ', 'SS', 'ST', 'SV', 'TM', 'UC', 'UI', 'UL', 'UN', 'UR', 'US', 'UT', 'UV']);

export function hasPreamble(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/** Explicit VR if the two bytes after the first tag spell a VR. */
export function looksExplicit(bytes: Uint8Array, offset = 0): boolean {
  return VR_CODES.has(String.fromCharCode(bytes[offset + 4] ?? 0, bytes[offset + 5] ?? 0));
}

/**
 * A dataset without preamble or File Meta (ACR-NEMA style) starts with a little-endian tag of
 * a low group (0008 for identification, 0002 for meta) and an even element number.
 */
function looksLikeRawDataset(bytes: Uint8Array): boolean {
  if (bytes.length < 16) return false;
  const group = (bytes[0] ?? 0) | ((bytes[1] ?? 0) << 8);
  const element = (bytes[2] ?? 0) | ((bytes[3] ?? 0) << 8);
  if (![0x0002, 0x0008].includes(group) || element % 2 !== 0) return false;
  if (looksExplicit(bytes)) return true;
  const length = (bytes[4] ?? 0) | ((bytes[5] ?? 0) << 8) | ((bytes[6] ?? 0) << 16) | ((bytes[7] ?? 0) << 24);
  return length >= 0 && length < bytes.length;
}

export function sniff(bytes: Uint8Array): FileKind {
  if (hasPreamble(bytes)) return 'dicom';
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (looksLikeRawDataset(bytes)) return 'dicom-raw';
  return 'unknown';
}
