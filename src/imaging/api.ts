/**
 * The contract between the page and the imaging worker, which parses and decodes every file
 * off the main thread. Plain data only; frame pixels travel by transfer.
 */
import type { ImageFrame } from '../dicom/image-frame.ts';
import type { SeriesInfo } from '../dicom/series.ts';
import type { SegSourceImage } from '../dicom/seg-source.ts';
import type { Window } from '../render/window.ts';

export interface InputFile {
  /** Unique within a session: the path inside a dropped folder, or name plus counter. */
  key: string;
  /**
   * The file's bytes, read by the page and transferred, never copied. Not the File itself:
   * posting a picked File makes the page's thread ask the browser, synchronously, for its
   * size and date (24 files held it 11-27 ms, more while the machine is busy), and a
   * folder's first batch went in the same task as the pick; reading is asynchronous.
   */
  bytes: ArrayBuffer;
}

export interface TagValue {
  tag: string;
  name: string;
  value: string;
  /** Identifies the patient; hidden in teaching mode. */
  identifying: boolean;
}

export interface OpenedFile {
  key: string;
  ok: boolean;
  /** One line for the user when not ok: what is wrong with this file. */
  error?: string;
  kind?: 'dicom' | 'raster' | 'dicomdir';
  frames?: number;
  tags?: TagValue[];
}

export interface OpenSummary {
  files: OpenedFile[];
  series: SeriesInfo[];
  /** DICOMDIR records that point at files not among those dropped. */
  missingFromDicomdir: string[];
}

export interface Thumbnail {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

export interface MemoryConfig {
  /** Bytes of parsed files and decoded images the worker may keep before it lets the oldest go. */
  budgetBytes: number;
}

export interface MemoryStats extends MemoryConfig {
  /** Files held in memory now (the others are re-read from disk when shown). */
  files: number;
  heldBytes: number;
}

/** The error message of frame() and thumbnail() for a file the worker let go of; see reopen(). */
export const NOT_OPEN = 'not-open';

/** The frame the viewer shows (pixels transferred) and the window it opens with: the file's, else automatic. */
export interface ShownFrame {
  frame: ImageFrame;
  window: Window;
}

export interface ImagingWorkerApi {
  open(files: InputFile[]): Promise<OpenSummary>;
  frame(key: string, index: number): Promise<ImageFrame>;
  /** frame() for the viewer: the worker keeps a copy to make its pictures. */
  show(key: string, index: number): Promise<ShownFrame>;
  /** A frame windowed to display grey, as a bitmap (transferred) at most `width` pixels wide: the page only draws it. */
  picture(key: string, index: number, window: Window, width: number): Promise<ImageBitmap>;
  /** The 1st..99th percentile window of a frame, computed here rather than on the page. */
  autoWindow(key: string, index: number): Promise<Window>;
  /** The first frame, windowed and shrunk to fit `size` pixels, for the series list. */
  thumbnail(key: string, size: number): Promise<Thumbnail>;
  /** What a DICOM SEG of this file needs (UIDs, geometry, patient and study); undefined for PNG/JPEG. */
  segSource(key: string): Promise<SegSourceImage | undefined>;
  /** Parse again a file that was evicted from the worker's memory. */
  reopen(file: InputFile): Promise<void>;
  configure(config: MemoryConfig): Promise<void>;
  memory(): Promise<MemoryStats>;
  forget(): Promise<void>;
}
