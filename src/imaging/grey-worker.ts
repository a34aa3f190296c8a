/**
 * A small worker for the pixel arithmetic of a worklist: a decoded frame turned into the grey
 * image the models take (MONOCHROME1 flipped, colour to luma), and the pixels of a mask counted.
 * On a 2,000 x 2,000 film each is a pass or more over four million pixels, tens to hundreds of
 * milliseconds the page's main thread must not spend while a worklist runs.
 */
import * as Comlink from 'comlink';
import type { ImageFrame } from '../dicom/image-frame.ts';
import type { GreyImage } from '../ml/api.ts';
import { frameToGrey } from './to-grey.ts';
import { keepVolumeRegions } from '../ml/volume-regions.ts';

export interface GreyWorkerApi {
  /** `copies` separate grey images of one frame, each to be transferred to a model call; all go back transferred. */
  toGrey(frame: ImageFrame, copies: number): GreyImage[];
  /** Non-zero pixels of a mask (transferred here, not sent back). */
  countMask(mask: Uint8Array): number;
  /**
   * A series' masks with its small 3-D regions dropped (see volume-regions.ts) and their pixel
   * counts; the masks come back (transferred) only when asked for.
   */
  keepVolumeRegions(masks: Uint8Array[], width: number, height: number, fraction: number, withMasks: boolean): FilteredVolume;
}

export interface FilteredVolume {
  masks: Uint8Array[];
  pixels: number[];
}

const api: GreyWorkerApi = {
  toGrey(frame, copies) {
    const grey = frameToGrey(frame);
    const all = [grey, ...Array.from({ length: Math.max(0, copies - 1) }, () => ({ ...grey, pixels: grey.pixels.slice() }))];
    return Comlink.transfer(all, all.map((g) => g.pixels.buffer));
  },
  countMask(mask) {
    let n = 0;
    for (let i = 0; i < mask.length; i++) if (mask[i]) n++;
    return n;
  },
  keepVolumeRegions(masks, width, height, fraction, withMasks) {
    const kept = keepVolumeRegions(masks, width, height, fraction);
    if (!withMasks) return { masks: [], pixels: kept.pixels };
    return Comlink.transfer(kept, kept.masks.map((m) => m.buffer));
  },
};

Comlink.expose(api);
