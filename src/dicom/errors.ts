/** Why a file could not be read, as data: the UI and the CLI turn the code into one clear line. */
export type DicomErrorCode =
  | 'not-dicom'
  | 'truncated'
  | 'invalid'
  | 'no-pixel-data'
  | 'unsupported-transfer-syntax'
  | 'unsupported-format'
  | 'too-large';

export class DicomError extends Error {
  constructor(readonly code: DicomErrorCode, message: string) {
    super(message);
    this.name = 'DicomError';
  }
}

/** Whatever a parser threw, as one typed error with words a user can read. */
export function toDicomError(error: unknown): DicomError {
  if (error instanceof DicomError) return error;
  // dicom-parser throws strings, Errors, or { exception, dataSet } after a partial parse.
  const inner = typeof error === 'object' && error !== null && 'exception' in error ? (error as { exception: unknown }).exception : error;
  const text = inner instanceof Error ? inner.message : String(inner);
  if (/overread|overrun|beyond|end of|not found|past/i.test(text)) return new DicomError('truncated', `the file is cut short (${text})`);
  return new DicomError('invalid', `the file is not valid DICOM (${text})`);
}
