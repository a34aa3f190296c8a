/**
 * The maintained WASM codecs (Cornerstone's builds of libjpeg-turbo, CharLS, OpenJPEG and
 * OpenJPH), loaded lazily on the first frame that needs one. Where the .wasm lives depends on
 * the host: the page and worker use URLs from our own origin, Node uses file paths; each host
 * registers a locator once, so this module stays free of DOM and Node imports.
 */
import { DicomError } from '../errors.ts';

export type CodecName = 'libjpeg-turbo' | 'charls' | 'openjpeg' | 'openjph';

interface DecodedFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
}

interface NativeDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): DecodedFrameInfo;
  delete(): void;
}

type DecoderClass = new () => NativeDecoder;
type Factory = (options: { locateFile: (file: string) => string; print: (text: string) => void; printErr: (text: string) => void }) => Promise<Record<string, unknown>>;

const FACTORIES: Record<CodecName, { load: () => Promise<{ default: unknown }>; className: string }> = {
  'libjpeg-turbo': { load: () => import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs'), className: 'JPEGDecoder' },
  charls: { load: () => import('@cornerstonejs/codec-charls/decodewasmjs'), className: 'JpegLSDecoder' },
  openjpeg: { load: () => import('@cornerstonejs/codec-openjpeg/decodewasmjs'), className: 'J2KDecoder' },
  openjph: { load: () => import('@cornerstonejs/codec-openjph/wasmjs'), className: 'HTJ2KDecoder' },
};

let locate: ((codec: CodecName) => string) | undefined;
const loaded = new Map<CodecName, Promise<DecoderClass>>();

/** Tell the codecs where their .wasm binaries are (a URL in browsers, a path in Node). */
export function setCodecLocator(locator: (codec: CodecName) => string): void {
  locate = locator;
}

async function decoderClass(codec: CodecName): Promise<DecoderClass> {
  const existing = loaded.get(codec);
  if (existing) return existing;
  const locator = locate;
  if (!locator) throw new DicomError('unsupported-format', `the ${codec} codec has no location for its WASM binary`);
  const entry = FACTORIES[codec];
  const promise = entry.load().then(async (module) => {
    const factory = module.default as Factory;
    // The codecs log progress ("[INFO] Start to read j2k main header") on every frame: keep it quiet.
    const quiet = (): void => undefined;
    const instance = await factory({ locateFile: (file) => (file.endsWith('.wasm') ? locator(codec) : file), print: quiet, printErr: quiet });
    return instance[entry.className] as DecoderClass;
  });
  loaded.set(codec, promise);
  promise.catch(() => loaded.delete(codec));
  return promise;
}

export interface CodecOutput {
  bytes: Uint8Array;
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
}

/** Decode one compressed frame; the output is copied out of the WASM heap. */
export async function decodeWithCodec(codec: CodecName, encoded: Uint8Array): Promise<CodecOutput> {
  const Decoder = await decoderClass(codec);
  const decoder = new Decoder();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    try {
      decoder.decode();
    } catch (error) {
      throw new DicomError('invalid', `the ${codec} codec could not decode this frame (${String(error)})`);
    }
    const info = decoder.getFrameInfo();
    return { bytes: decoder.getDecodedBuffer().slice(), width: info.width, height: info.height, bitsPerSample: info.bitsPerSample, componentCount: info.componentCount };
  } finally {
    decoder.delete();
  }
}
