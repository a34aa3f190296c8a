/**
 * A DICOM file opened for reading frames: parse once, then decode any frame on demand, so a
 * 500-frame file or a 1,000-file folder only holds in memory the frames someone looks at.
 */
import type { DataSet } from 'dicom-parser';
import { decoderFor } from './decoders/index.ts';
import { paletteToRgb, toRgb } from './colour.ts';
import type { ImageFrame } from './image-frame.ts';
import { readImageInfo, type ImageInfo } from './image-info.ts';
import { parseDicom } from './parse.ts';
import { DicomError, toDicomError } from './errors.ts';

export interface DicomImage {
  dataSet: DataSet;
  transferSyntaxUID: string;
  info: ImageInfo;
  decodeFrame(index: number): Promise<ImageFrame>;
}

function modality(values: ArrayLike<number>, info: ImageInfo): Float32Array {
  const out = new Float32Array(values.length);
  // A typed-array copy converts natively; indexing a mix of array types from one loop is
  // megamorphic and ten times slower. The rescale then runs on one array type only.
  if (ArrayBuffer.isView(values)) out.set(values as unknown as ArrayLike<number>);
  else for (let i = 0; i < values.length; i++) out[i] = values[i] ?? 0;
  const { rescaleSlope: slope, rescaleIntercept: intercept } = info;
  if (slope !== 1 || intercept !== 0) for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) * slope + intercept;
  return out;
}

function frameOf(pixels: Float32Array, info: ImageInfo, index: number): ImageFrame {
  const grey = info.samplesPerPixel === 1 && info.photometric !== 'PALETTE COLOR';
  const frame: ImageFrame = {
    width: info.columns, height: info.rows, samples: grey ? 1 : 3, photometric: info.photometric, pixels,
    invert: info.photometric === 'MONOCHROME1', bitsStored: info.bitsStored, frameIndex: index, frameCount: info.frames,
  };
  if (info.pixelSpacing) frame.spacing = info.pixelSpacing;
  if (info.windowCenter !== undefined && info.windowWidth !== undefined) frame.window = { center: info.windowCenter, width: info.windowWidth };
  if (info.pixelPaddingValue !== undefined) frame.paddingValue = info.pixelPaddingValue * info.rescaleSlope + info.rescaleIntercept;
  return frame;
}

export async function openDicom(bytes: Uint8Array): Promise<DicomImage> {
  const { dataSet, transferSyntaxUID } = await parseDicom(bytes);
  const decoder = decoderFor(transferSyntaxUID);
  let info: ImageInfo;
  try {
    info = readImageInfo(dataSet);
  } catch (error) {
    throw toDicomError(error);
  }
  return {
    dataSet, transferSyntaxUID, info,
    async decodeFrame(index: number): Promise<ImageFrame> {
      if (!Number.isInteger(index) || index < 0 || index >= info.frames) throw new DicomError('invalid', `there is no frame ${index + 1}`);
      try {
        const decoded = await decoder(dataSet, info, index);
        let pixels: Float32Array;
        if (info.photometric === 'PALETTE COLOR') pixels = paletteToRgb(decoded.values, dataSet);
        else if (info.samplesPerPixel === 3) pixels = toRgb(decoded.values, info, decoded.interleaved, decoded.photometric);
        else pixels = modality(decoded.values, info);
        return frameOf(pixels, info, index);
      } catch (error) {
        throw toDicomError(error);
      }
    },
  };
}
