/**
 * What a model is for, read from the DICOM tags before any pixel is judged: modality, body
 * part, view, and for MR the sequence named in the series description. Missing tags say
 * nothing (PNG files have none): the applicability gate on the pixels then decides alone.
 */

/** A model's intended images, from its manifest entry. Every listed field must match when the file has it. */
export interface ModelScope {
  modalities?: string[];
  bodyParts?: string[];
  viewPositions?: string[];
  /** Words one of which the Series Description must contain, e.g. FLAIR. */
  seriesDescriptions?: string[];
}

export interface ImageTags {
  modality?: string;
  bodyPart?: string;
  viewPosition?: string;
  seriesDescription?: string;
  /** The frame carries colour (RGB, YBR or palette): Hilum's models read one grey channel. */
  colour?: boolean;
}

const VIEW_NAMES: Record<string, string> = { LL: 'left lateral', RL: 'right lateral', LAT: 'lateral', PA: 'PA', AP: 'AP' };

const list = (values: string[]): string => (values.length > 1 ? `${values.slice(0, -1).join(', ')} or ${values.at(-1) ?? ''}` : (values[0] ?? ''));

/** One plain sentence per mismatch; empty when the tags are consistent with the model's scope. */
export function scopeReasons(scope: ModelScope | undefined, tags: ImageTags): string[] {
  if (!scope) return [];
  const reasons: string[] = [];
  if (tags.colour) reasons.push('The image is in colour; this model reads greyscale images, and the colour would be lost.');
  const norm = (v: string | undefined): string | undefined => v?.trim().toUpperCase() || undefined;
  const modality = norm(tags.modality);
  if (modality && scope.modalities && !scope.modalities.includes(modality)) {
    reasons.push(`The file's modality is ${modality}; this model reads ${list(scope.modalities)} images.`);
  }
  const bodyPart = norm(tags.bodyPart);
  if (bodyPart && scope.bodyParts && !scope.bodyParts.some((b) => bodyPart.includes(b))) {
    reasons.push(`The body part examined is ${bodyPart}; this model reads ${list(scope.bodyParts)}.`);
  }
  const view = norm(tags.viewPosition);
  if (view && scope.viewPositions && !scope.viewPositions.includes(view)) {
    reasons.push(`The view is ${VIEW_NAMES[view] ?? view}; this model reads ${list(scope.viewPositions)} views.`);
  }
  const description = norm(tags.seriesDescription);
  if (scope.seriesDescriptions && modality && !scope.seriesDescriptions.some((word) => description?.includes(word))) {
    reasons.push(description ? `The series is "${tags.seriesDescription?.trim() ?? ''}", not a ${list(scope.seriesDescriptions)} series.` : `The series does not say it is ${list(scope.seriesDescriptions)}.`);
  }
  return reasons;
}

export function parseScope(value: unknown, where: string): ModelScope | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: bad scope`);
  const out: ModelScope = {};
  for (const key of ['modalities', 'bodyParts', 'viewPositions', 'seriesDescriptions'] as const) {
    const field = (value as Record<string, unknown>)[key];
    if (field === undefined) continue;
    if (!Array.isArray(field) || !field.every((v) => typeof v === 'string' && v.length > 0 && v.length < 64)) throw new Error(`${where}: bad scope.${key}`);
    out[key] = field.map((v: string) => v.toUpperCase());
  }
  return out;
}
