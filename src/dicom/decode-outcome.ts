import { DicomError } from './errors.ts';
import { openDicom } from './open.ts';

/**
 * What a hostile or damaged file comes to: 'frame' when its first and last frames decode,
 * else the DicomError's code. Any other exception escapes, and a fuzzer counts it as a bug.
 */
export async function decodeOutcome(bytes: Uint8Array): Promise<string> {
  try {
    const image = await openDicom(bytes);
    await image.decodeFrame(0);
    if (image.info.frames > 1) await image.decodeFrame(image.info.frames - 1);
    return 'frame';
  } catch (error) {
    if (error instanceof DicomError) return error.code;
    throw error;
  }
}
