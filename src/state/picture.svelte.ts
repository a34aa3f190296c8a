import type { ImageFrame } from '../dicom/image-frame.ts';
import type { Window } from '../render/window.ts';
import { studies, type FrameRef } from './studies.svelte.ts';

/** A bitmap of one frame through one window, `width` pixels wide (the frame's width or the size it is shown at), ready to draw. */
export interface Picture {
  frame: ImageFrame;
  window: Window;
  width: number;
  bitmap: ImageBitmap;
}

interface Wanted {
  frame: ImageFrame;
  ref: FrameRef;
  window: Window;
  width: number;
}

/**
 * The viewer's picture, windowed in the imaging worker so the main thread only draws it.
 * One request is in flight at a time and only the newest waiting one follows it: a
 * window/level drag skips the steps the worker had no time for instead of queueing them.
 */
export class PictureState {
  current = $state.raw<Picture | undefined>(undefined);
  private wanted: Wanted | undefined;
  private busy = false;

  constructor(private readonly make: (ref: FrameRef, window: Window, width: number) => Promise<ImageBitmap>) {}

  /** Show `frame` through `window` at `scale` screen pixels per image pixel (zoomed in, the full frame is sent). */
  request(frame: ImageFrame, ref: FrameRef, window: Window, scale: number): void {
    const width = Math.min(frame.width, Math.max(1, Math.round(frame.width * scale)));
    const now = this.current;
    if (now && now.frame === frame && sameWindow(now.window, window) && now.width === width) return;
    // A plain copy: a reactive proxy cannot cross to the worker.
    this.wanted = { frame, ref, window: { center: window.center, width: window.width }, width };
    if (!this.busy) void this.pump();
  }

  private async pump(): Promise<void> {
    this.busy = true;
    try {
      for (let job = this.take(); job; job = this.take()) {
        let bitmap: ImageBitmap;
        try {
          bitmap = await this.make(job.ref, job.window, job.width);
        } catch {
          // The frame was let go or the reader restarted; studies shows that error itself.
          continue;
        }
        // A picture of a frame no longer wanted is dropped; an older window of the wanted frame is still shown (a drag in progress).
        if (this.wanted && this.wanted.frame !== job.frame) {
          bitmap.close();
          continue;
        }
        this.current?.bitmap.close();
        this.current = { frame: job.frame, window: job.window, width: job.width, bitmap };
      }
    } finally {
      this.busy = false;
    }
  }

  private take(): Wanted | undefined {
    const job = this.wanted;
    this.wanted = undefined;
    return job;
  }

  clear(): void {
    this.wanted = undefined;
    this.current?.bitmap.close();
    this.current = undefined;
  }
}

function sameWindow(a: Window, b: Window): boolean {
  return a.center === b.center && a.width === b.width;
}

export const picture = new PictureState((ref, window, width) => studies.picture(ref, window, width));
