/**
 * A small worker that turns a decoded frame into the grey image the models take (MONOCHROME1
 * flipped, colour to luma). On a 2,000 x 2,000 film that is a few passes over four million
 * pixels, hundreds of milliseconds the page's main thread must not spend while a worklist runs.
 */
import * as Comlink from 'comlink';
import type { ImageFrame } from '../dicom/image-frame.ts';
import type { GreyImage } from '../ml/api.ts';
import { frameToGrey } from './to-grey.ts';

export interface GreyWorkerApi {
  /** The frame's buffer arrives transferred; the grey image goes back transferred. */
  toGrey(frame: ImageFrame): GreyImage;
}

const api: GreyWorkerApi = {
  toGrey(frame) {
    const grey = frameToGrey(frame);
    return Comlink.transfer(grey, [grey.pixels.buffer]);
  },
};

Comlink.expose(api);
