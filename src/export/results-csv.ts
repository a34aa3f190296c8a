/**
 * Outline results as CSV, one row per outlined frame or slice, quoted as RFC 4180 says so a
 * file name with a comma or a quote stays in its column in any spreadsheet.
 */

export interface ResultRow {
  file: string;
  /** 1-based, as a viewer counts frames. */
  frame: number;
  modelId: string;
  modelVersion: string;
  structure: string;
  areaPx: number;
  /** Only when the file gives Pixel Spacing. */
  areaCm2?: number;
  rightLungCm2?: number;
  leftLungCm2?: number;
  /** The whole series' volume, repeated on each of its slices. */
  seriesVolumeMl?: number;
}

export const CSV_HEADER = ['file', 'frame', 'model_id', 'model_version', 'structure', 'area_px', 'area_cm2', 'right_lung_cm2', 'left_lung_cm2', 'series_volume_ml'] as const;

/** A field quoted only when it must be: it holds a comma, a quote, or a line break. */
export function csvField(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const fixed = (value: number | undefined, digits: number): string | undefined => (value === undefined ? undefined : value.toFixed(digits));

export function resultsCsv(rows: readonly ResultRow[]): string {
  const lines = [CSV_HEADER.join(',')];
  for (const r of rows) {
    const fields = [r.file, r.frame, r.modelId, r.modelVersion, r.structure, r.areaPx, fixed(r.areaCm2, 2), fixed(r.rightLungCm2, 2), fixed(r.leftLungCm2, 2), fixed(r.seriesVolumeMl, 2)];
    lines.push(fields.map(csvField).join(','));
  }
  // CRLF line ends and a final one, as RFC 4180 writes records.
  return `${lines.join('\r\n')}\r\n`;
}
