/**
 * The applicability gate's file, `gate.bin`: a short JSON header, then the fitted mean and the
 * upper triangle of the (symmetric) precision matrix as little-endian float32. As JSON text
 * the same numbers took 4.6 MB, the largest file of the app: fetched, hashed and parsed
 * before the first verdict. Written by the CLI, read by the worker; no DOM and no tfjs.
 *
 * Layout: "HGT1", uint32 header length, header (UTF-8 JSON), zero padding to a multiple of 4,
 * float32 mean[dim], float32 precision[i][j] for i <= j, row by row.
 */

export interface GateHeader {
  modelId?: string;
  layers: string[];
  threshold: number;
  /** Bins of the input histogram appended to the statistics (0: statistics only). */
  histogramBins: number;
  shrink?: number;
  dim: number;
}

export interface GateFileData {
  header: GateHeader;
  mean: Float64Array;
  /** The full dim x dim matrix, row-major. */
  precision: Float64Array;
}

const MAGIC = 'HGT1';
/** A gate over more features than this is not one Hilum writes; refuse it before allocating. */
const MAX_DIM = 4096;

const triangle = (dim: number): number => (dim * (dim + 1)) / 2;
const padded = (n: number): number => Math.ceil(n / 4) * 4;

export function encodeGateFile(header: Omit<GateHeader, 'dim'>, mean: ArrayLike<number>, precision: ArrayLike<number>): Uint8Array {
  const dim = mean.length;
  if (precision.length !== dim * dim) throw new Error(`the precision matrix has ${precision.length} values, not ${dim * dim}`);
  const json = new TextEncoder().encode(JSON.stringify({ ...header, dim }));
  const start = padded(8 + json.length);
  const bytes = new Uint8Array(start + 4 * (dim + triangle(dim)));
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(bytes.buffer);
  view.setUint32(4, json.length, true);
  bytes.set(json, 8);
  let at = start;
  const put = (v: number): void => {
    view.setFloat32(at, v, true);
    at += 4;
  };
  for (let i = 0; i < dim; i++) put(mean[i] ?? 0);
  for (let i = 0; i < dim; i++) for (let j = i; j < dim; j++) put(precision[i * dim + j] ?? 0);
  return bytes;
}

function parseHeader(value: unknown): GateHeader {
  const h = value as Partial<GateHeader> | null;
  const fine = typeof h === 'object' && h !== null && Array.isArray(h.layers) && h.layers.every((l) => typeof l === 'string')
    && typeof h.threshold === 'number' && h.threshold > 0 && typeof h.histogramBins === 'number'
    && typeof h.dim === 'number' && Number.isInteger(h.dim) && h.dim > 0 && h.dim <= MAX_DIM;
  if (!fine) throw new Error('its header is not a gate header');
  return h as GateHeader;
}

/** The gate in a file; throws a plain sentence for anything malformed. */
export function decodeGateFile(buffer: ArrayBuffer): GateFileData {
  const bytes = new Uint8Array(buffer);
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) throw new Error('it is not a Hilum gate file');
  const view = new DataView(buffer);
  const length = view.getUint32(4, true);
  if (8 + length > bytes.length) throw new Error('its header runs past the end of the file');
  let header: GateHeader;
  try {
    header = parseHeader(JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))));
  } catch (error) {
    throw new Error(`its header is unreadable: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const { dim } = header;
  const start = padded(8 + length);
  if (bytes.length !== start + 4 * (dim + triangle(dim))) throw new Error(`it holds ${bytes.length} bytes, not the ${start + 4 * (dim + triangle(dim))} of a ${dim}-feature gate`);
  let at = start;
  const next = (): number => {
    const v = view.getFloat32(at, true);
    at += 4;
    if (!Number.isFinite(v)) throw new Error('it holds a value that is not a finite number');
    return v;
  };
  const mean = Float64Array.from({ length: dim }, next);
  const precision = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      const v = next();
      precision[i * dim + j] = v;
      precision[j * dim + i] = v;
    }
  }
  return { header, mean, precision };
}
