import type { DataSet } from 'dicom-parser';
import type { ImageInfo, Photometric } from '../image-info.ts';
import type { StoredPixels } from './native.ts';

export interface DecodedFrame {
  /** Stored values (before the Modality LUT), native byte order. */
  values: StoredPixels;
  /** Samples of a pixel are adjacent, whatever Planar Configuration says. */
  interleaved: boolean;
  /** Set when the codec already changed the colour model (JPEG YCbCr to RGB). */
  photometric?: Photometric;
}

export type FrameDecoder = (dataSet: DataSet, info: ImageInfo, index: number) => Promise<DecodedFrame>;
