/**
 * The Image Pixel, Image Plane, Modality LUT and VOI LUT attributes a decoder and a viewer
 * need, read once, with every header value checked before anything is allocated from it.
 */
import type { DataSet } from 'dicom-parser';
import { DicomError } from './errors.ts';

export type Photometric = 'MONOCHROME1' | 'MONOCHROME2' | 'RGB' | 'YBR_FULL' | 'YBR_FULL_422' | 'YBR_RCT' | 'YBR_ICT' | 'PALETTE COLOR';

const PHOTOMETRICS: readonly Photometric[] = ['MONOCHROME1', 'MONOCHROME2', 'RGB', 'YBR_FULL', 'YBR_FULL_422', 'YBR_RCT', 'YBR_ICT', 'PALETTE COLOR'];

/** No single decoded frame may exceed this: a hostile Rows x Columns cannot exhaust memory. */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024;
export const MAX_FRAMES = 100_000;

export interface ImageInfo {
  rows: number;
  columns: number;
  frames: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  pixelRepresentation: 0 | 1;
  planarConfiguration: 0 | 1;
  photometric: Photometric;
  rescaleSlope: number;
  rescaleIntercept: number;
  windowCenter?: number;
  windowWidth?: number;
  /** Row and column spacing in mm (Pixel Spacing, else Imager Pixel Spacing). */
  pixelSpacing?: [number, number];
  pixelPaddingValue?: number;
}

function number(dataSet: DataSet, tag: string): number | undefined {
  const text = dataSet.string(tag);
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number.parseFloat(text.split('\\')[0] ?? '');
  return Number.isFinite(value) ? value : undefined;
}

function spacing(dataSet: DataSet): [number, number] | undefined {
  const text = dataSet.string('x00280030') ?? dataSet.string('x00181164');
  const parts = text?.split('\\').map(Number.parseFloat);
  if (!parts || parts.length < 2 || !parts.every((v) => Number.isFinite(v) && v > 0)) return undefined;
  return [parts[0] ?? 1, parts[1] ?? 1];
}

function photometricOf(dataSet: DataSet, samples: number): Photometric {
  const text = (dataSet.string('x00280004') ?? '').trim().toUpperCase();
  const found = PHOTOMETRICS.find((p) => p === text);
  if (found) return found;
  // ACR-NEMA files may lack it; one sample is then grey, three are RGB.
  if (text === '') return samples === 3 ? 'RGB' : 'MONOCHROME2';
  throw new DicomError('unsupported-format', `photometric interpretation ${text} is not supported`);
}

export function readImageInfo(dataSet: DataSet): ImageInfo {
  if (!dataSet.elements.x7fe00010) throw new DicomError('no-pixel-data', 'the file has no pixel data');
  const rows = dataSet.uint16('x00280010') ?? 0;
  const columns = dataSet.uint16('x00280011') ?? 0;
  const frames = Math.trunc(number(dataSet, 'x00280008') ?? 1);
  const samplesPerPixel = dataSet.uint16('x00280002') ?? 1;
  const bitsAllocated = dataSet.uint16('x00280100') ?? 0;
  const bitsStored = dataSet.uint16('x00280101') ?? bitsAllocated;
  if (rows < 1 || columns < 1) throw new DicomError('invalid', `image size ${rows}x${columns} is not valid`);
  if (frames < 1 || frames > MAX_FRAMES) throw new DicomError('invalid', `Number of Frames ${frames} is not valid`);
  if (![1, 3].includes(samplesPerPixel)) throw new DicomError('unsupported-format', `${samplesPerPixel} samples per pixel are not supported`);
  if (![1, 8, 16, 32].includes(bitsAllocated)) throw new DicomError('unsupported-format', `Bits Allocated ${bitsAllocated} is not supported`);
  if (bitsStored < 1 || bitsStored > bitsAllocated) throw new DicomError('invalid', `Bits Stored ${bitsStored} does not fit Bits Allocated ${bitsAllocated}`);
  if (rows * columns * samplesPerPixel * 4 > MAX_FRAME_BYTES) throw new DicomError('too-large', `a ${rows}x${columns} frame is too large to open`);
  const info: ImageInfo = {
    rows, columns, frames, samplesPerPixel, bitsAllocated, bitsStored,
    highBit: dataSet.uint16('x00280102') ?? bitsStored - 1,
    pixelRepresentation: dataSet.uint16('x00280103') === 1 ? 1 : 0,
    planarConfiguration: dataSet.uint16('x00280006') === 1 ? 1 : 0,
    photometric: photometricOf(dataSet, samplesPerPixel),
    rescaleSlope: number(dataSet, 'x00281053') ?? 1,
    rescaleIntercept: number(dataSet, 'x00281052') ?? 0,
  };
  const center = number(dataSet, 'x00281050');
  const width = number(dataSet, 'x00281051');
  if (center !== undefined && width !== undefined && width > 0) Object.assign(info, { windowCenter: center, windowWidth: width });
  const pixelSpacing = spacing(dataSet);
  if (pixelSpacing) info.pixelSpacing = pixelSpacing;
  const padding = dataSet.elements.x00280120 ? (info.pixelRepresentation ? dataSet.int16('x00280120') : dataSet.uint16('x00280120')) : undefined;
  if (padding !== undefined) info.pixelPaddingValue = padding;
  return info;
}
