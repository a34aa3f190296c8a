/**
 * Bytes to a dicom-parser DataSet: Part 10 files, deflated datasets, and files without
 * preamble or File Meta. dicom-parser's thrown strings become typed DicomErrors.
 */
// dicom-parser is a CommonJS bundle: only its default export works in both Node and Vite.
import dicomParser from 'dicom-parser';
import { DicomError, toDicomError } from './errors.ts';
import { hasPreamble, looksExplicit, sniff } from './sniff.ts';
import { DEFLATED_LE, EXPLICIT_LE, IMPLICIT_LE } from './transfer-syntax.ts';
import { decoderFor } from './decoders/index.ts';

export interface ParsedDicom {
  dataSet: dicomParser.DataSet;
  transferSyntaxUID: string;
  /** The bytes the DataSet points into (the inflated copy for deflated files). */
  bytes: Uint8Array;
}

async function inflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Header and inflated body in one array, as dicom-parser's inflater hook expects. */
async function inflateBody(bytes: Uint8Array): Promise<Uint8Array> {
  const meta = dicomParser.readPart10Header(bytes);
  const groupLength = meta.uint32('x00020000');
  if (groupLength === undefined) throw new DicomError('invalid', 'deflated file without a File Meta group length');
  const start = 144 + groupLength;
  let body: Uint8Array;
  try {
    body = await inflateRaw(bytes.subarray(start));
  } catch {
    throw new DicomError('truncated', 'the deflated dataset is damaged or cut short');
  }
  const full = new Uint8Array(start + body.length);
  full.set(bytes.subarray(0, start));
  full.set(body, start);
  return full;
}

export function transferSyntaxOf(bytes: Uint8Array): string {
  if (!hasPreamble(bytes)) return looksExplicit(bytes) ? EXPLICIT_LE : IMPLICIT_LE;
  const meta = dicomParser.readPart10Header(bytes);
  return (meta.string('x00020010') ?? '').replace(/\0/g, '').trim();
}


type DataSetConstructor = new (parser: dicomParser.ByteArrayParser, bytes: Uint8Array, elements: Record<string, dicomParser.Element>) => dicomParser.DataSet;

/**
 * Some writers declare an explicit-VR transfer syntax (here JPEG) but write the dataset in
 * implicit VR. pydicom notices and reads it; dicom-parser trusts the File Meta and overruns.
 * True when the first element after the File Meta does not carry a VR.
 */
function bodyIsImplicit(bytes: Uint8Array, transferSyntaxUID: string): boolean {
  if (!hasPreamble(bytes) || transferSyntaxUID === IMPLICIT_LE || transferSyntaxUID === DEFLATED_LE) return false;
  const groupLength = dicomParser.readPart10Header(bytes).uint32('x00020000');
  return groupLength !== undefined && bytes.length > 144 + groupLength + 8 && !looksExplicit(bytes, 144 + groupLength);
}

/** The File Meta as written, then the body read as implicit VR little endian. */
function parseImplicitBody(bytes: Uint8Array): dicomParser.DataSet {
  const meta = dicomParser.readPart10Header(bytes);
  const start = 144 + (meta.uint32('x00020000') ?? 0);
  const parser = dicomParser.littleEndianByteArrayParser;
  const DataSet = (dicomParser as unknown as { DataSet: DataSetConstructor }).DataSet;
  const dataSet = new DataSet(parser, bytes, { ...meta.elements });
  dicomParser.parseDicomDataSetImplicit(dataSet, new dicomParser.ByteStream(parser, bytes, start), bytes.length);
  return dataSet;
}

/**
 * Some writers leave junk or a short element after the pixel data; pydicom reads such files,
 * and so do we when everything up to and including the pixel data parsed.
 */
function parseLeniently(bytes: Uint8Array, options: dicomParser.ParseDicomOptions): dicomParser.DataSet {
  try {
    return dicomParser.parseDicom(bytes, options);
  } catch (error) {
    const partial = typeof error === 'object' && error !== null && 'dataSet' in error ? (error as { dataSet?: dicomParser.DataSet }).dataSet : undefined;
    const pixels = partial?.elements.x7fe00010;
    if (partial && pixels && pixels.dataOffset + pixels.length <= bytes.length) return partial;
    throw error;
  }
}

export async function parseDicom(input: Uint8Array): Promise<ParsedDicom> {
  const kind = sniff(input);
  if (kind !== 'dicom' && kind !== 'dicom-raw') {
    throw new DicomError('not-dicom', kind === 'png' || kind === 'jpeg' ? `a ${kind.toUpperCase()} image, not DICOM` : 'not a DICOM file');
  }
  try {
    const transferSyntaxUID = transferSyntaxOf(input);
    // Say "unsupported" before a codec-specific layout can confuse the parser.
    decoderFor(transferSyntaxUID);
    let bytes = input;
    const options: dicomParser.ParseDicomOptions = {};
    if (transferSyntaxUID === DEFLATED_LE) {
      bytes = await inflateBody(input);
      const full = bytes;
      // dicom-parser's types say void, but its code uses the array the hook returns.
      options.inflater = (() => full) as unknown as dicomParser.ParseDicomOptions['inflater'];
    }
    if (kind === 'dicom-raw') options.TransferSyntaxUID = transferSyntaxUID;
    if (bodyIsImplicit(bytes, transferSyntaxUID)) return { dataSet: parseImplicitBody(bytes), bytes, transferSyntaxUID };
    return { dataSet: parseLeniently(bytes, options), transferSyntaxUID, bytes };
  } catch (error) {
    throw toDicomError(error);
  }
}
