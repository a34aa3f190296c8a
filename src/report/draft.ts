/**
 * A preliminary report in plain clinical language, built only from what the models measured
 * and what their cards say. Plain data in, plain text out: no DOM, so it is tested in Node and
 * the text a user copies is the text the tests read.
 */
import type { Area } from '../ml/mask-measure.ts';
import type { CardText } from './card-text.ts';
import { count } from '../render/format.ts';

export const DRAFT_LABEL = 'DRAFT — preliminary, computer-generated; to be reviewed by a clinician';

export interface ReportModel {
  id: string;
  name: string;
  version: string;
  /** Undefined when the card could not be read; the report then says where it is. */
  card?: CardText;
}

export interface ReportStudy {
  modality?: string;
  bodyPart?: string;
  view?: string;
  /** DICOM DA (YYYYMMDD) or any text. */
  studyDate?: string;
  studyDescription?: string;
  seriesDescription?: string;
  fileName?: string;
  /** Identifying tags: only when the caller chose to put them in the report. */
  patient?: { name?: string; id?: string; sex?: string; age?: string; birthDate?: string };
}

export interface ReportClassification {
  model: ReportModel;
  /** The positive label, e.g. pneumonia. */
  label: string;
  probability: number;
  operatingPoint: number;
  applicability?: { applies: boolean; distance: number; threshold: number };
  /** Why the DICOM tags put the image outside the model's scope. */
  scopeReasons: string[];
  /** The user asked to see the result although the image is out of scope. */
  overridden: boolean;
}

export interface ReportSegmentation {
  model: ReportModel;
  structure: string;
  lungs?: { right?: Area; left?: Area; total: Area };
  /** A non-lung structure's area on the shown image. */
  area?: Area;
  /** Every slice of the series outlined. */
  volume?: { slices: number; millilitres?: number; missing?: string; largestSlice?: number };
  /** Pixel Spacing was missing, so areas are in pixels. */
  noSpacing: boolean;
  scopeReasons: string[];
}

export interface ReportInput {
  study: ReportStudy;
  classification?: ReportClassification;
  segmentation?: ReportSegmentation;
  /** Hilum's version, named under Models. */
  hilumVersion?: string;
}

/** The finding is reported at or above the operating point, as the classifier panel does. */
export function isFinding(probability: number, operatingPoint: number): boolean {
  return probability >= operatingPoint;
}

export function classificationOutOfScope(c: ReportClassification): boolean {
  return c.scopeReasons.length > 0 || c.applicability?.applies === false;
}

/** A probability as the app writes it everywhere: one decimal, per cent. */
export const percent = (p: number): string => `${(p * 100).toFixed(1)}%`;
const modelRef = (m: ReportModel): string => `${m.id} v${m.version}`;
const sentence = (text: string): string => (/[.!?]$/.test(text) ? text : `${text}.`);
const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

function formatArea(a: Area): string {
  return a.unit === 'cm²' ? `${a.value.toFixed(1)} cm²` : `${count(a.value)} px`;
}

/** YYYYMMDD as YYYY-MM-DD; anything else as given. */
export function formatDicomDate(value: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(value.trim());
  return m ? `${m[1] ?? ''}-${m[2] ?? ''}-${m[3] ?? ''}` : value.trim();
}

function examination(study: ReportStudy): string[] {
  const kind = [study.modality, study.bodyPart?.toLowerCase(), study.view ? `${study.view} view` : undefined].filter(Boolean).join(', ');
  const lines = [sentence(kind ? capitalised(kind) : 'Image type not stated in the file')];
  if (study.studyDescription) lines.push(sentence(`Study: ${study.studyDescription}`));
  if (study.seriesDescription) lines.push(sentence(`Series: ${study.seriesDescription}`));
  if (study.studyDate) lines.push(sentence(`Study date: ${formatDicomDate(study.studyDate)}`));
  if (study.fileName) lines.push(sentence(`File: ${study.fileName}`));
  const p = study.patient;
  if (p) {
    const parts = [p.name, p.id ? `ID ${p.id}` : undefined, p.sex ? `sex ${p.sex}` : undefined, p.age ? `age ${p.age}` : undefined, p.birthDate ? `born ${formatDicomDate(p.birthDate)}` : undefined];
    const shown = parts.filter(Boolean).join(', ');
    if (shown) lines.push(sentence(`Patient: ${shown}`));
  }
  return [lines.join(' ')];
}

function findings(c: ReportClassification | undefined): string[] {
  if (!c) return ['No classifier was run on this image.'];
  const who = `The ${c.label} classifier (${modelRef(c.model)})`;
  if (classificationOutOfScope(c) && !c.overridden) {
    return [`No finding is stated: the image is outside the scope of ${who.charAt(0).toLowerCase()}${who.slice(1)} (see Applicability).`];
  }
  const verdict = isFinding(c.probability, c.operatingPoint) ? `${c.label} suggested` : `no ${c.label} suggested`;
  const finding = `${who} gives a probability of ${c.label} of ${percent(c.probability)} (operating point ${percent(c.operatingPoint)}): ${verdict}.`;
  if (!classificationOutOfScope(c)) return [finding];
  return [`The image is outside the classifier's scope (see Applicability); the user chose to see the result anyway. It must not be relied on: ${finding}`];
}

function measurements(s: ReportSegmentation | undefined): string[] {
  if (!s) return ['No outline was made.'];
  const lines: string[] = [];
  const who = `${capitalised(s.structure)} outline (${modelRef(s.model)})`;
  if (s.lungs) {
    const { right, left, total } = s.lungs;
    const split = right && left ? `right lung ${formatArea(right)}, left lung ${formatArea(left)}, ` : 'the two lungs could not be told apart; ';
    lines.push(`${who}: ${split}both lungs ${formatArea(total)}. Right and left as on a frontal film in the standard orientation.`);
  } else if (s.area) {
    lines.push(s.area.value > 0 ? `${who}: ${formatArea(s.area)} on the shown image.` : `${who}: no ${s.structure} outlined on the shown image.`);
  }
  if (s.volume) {
    const v = s.volume;
    const where = v.largestSlice === undefined ? `; no ${s.structure} found on any slice` : `; largest on slice ${v.largestSlice + 1}`;
    lines.push(v.millilitres === undefined
      ? `${capitalised(s.structure)} volume over ${v.slices} slices not measurable: ${v.missing ?? 'spacing unknown'}${where}.`
      : `${capitalised(s.structure)} volume over ${v.slices} slices: ${v.millilitres.toFixed(1)} mL${where}.`);
  }
  if (s.noSpacing) lines.push('Pixel spacing missing: the file gives no Pixel Spacing, so areas are in pixels, not cm².');
  if (s.scopeReasons.length > 0) lines.push("The outline was made although the image is outside this model's scope (see Applicability); treat these measurements with caution.");
  return lines;
}

function gateWords(a: ReportClassification['applicability']): string {
  if (!a) return 'The model has no applicability gate.';
  const figures = `distance ${a.distance.toFixed(1)}, threshold ${a.threshold.toFixed(1)}`;
  return a.applies
    ? `The applicability gate accepts the image (${figures}): it resembles the films the model was trained on.`
    : `The applicability gate rejects the image (${figures}): it does not look like the images the model was trained on, so the model cannot judge it.`;
}

const tagWords = (reasons: readonly string[]): string =>
  reasons.length > 0 ? `out of scope by its DICOM tags: ${reasons.join(' ')}` : "the DICOM tags do not put the image outside the model's scope.";

function applicability(input: ReportInput): string[] {
  const lines: string[] = [];
  const c = input.classification;
  if (c) lines.push(`${capitalised(c.label)} classifier: ${tagWords(c.scopeReasons)} ${gateWords(c.applicability)}${c.overridden && classificationOutOfScope(c) ? ' The user overrode this to see the result.' : ''}`);
  const s = input.segmentation;
  if (s) lines.push(`${capitalised(s.structure)} outline: ${tagWords(s.scopeReasons)}`);
  return lines.length > 0 ? lines : ['No model was run.'];
}

function usedModels(input: ReportInput): ReportModel[] {
  return [input.classification?.model, input.segmentation?.model].filter((m): m is ReportModel => m !== undefined);
}

function limits(models: readonly ReportModel[]): string[] {
  const lines: string[] = [];
  for (const m of models) {
    if (!m.card) {
      lines.push(`${m.name}: the model card could not be read; see models/${m.id}/card.md.`);
      continue;
    }
    lines.push(`${m.name}: intended use: ${m.card.intendedUse ?? 'not stated in the card'}`);
    for (const limit of m.card.limits) lines.push(`- ${limit}`);
  }
  return lines;
}

/** The whole draft, section by section, as plain text with blank lines between sections. */
export function draftReport(input: ReportInput): string {
  const models = usedModels(input);
  const modelLines = models.map((m) => `- ${m.name}: ${modelRef(m)}.`);
  modelLines.push(`Computed on this device by Hilum${input.hilumVersion ? ` ${input.hilumVersion}` : ''}; no image left it. Education and research only; not for diagnosis.`);
  const sections: [string, string[]][] = [
    ['EXAMINATION', examination(input.study)],
    ['FINDINGS', findings(input.classification)],
    ['MEASUREMENTS', measurements(input.segmentation)],
    ['APPLICABILITY', applicability(input)],
    ['MODELS', modelLines],
    ['LIMITS', models.length > 0 ? limits(models) : ['No model was run.']],
  ];
  return [DRAFT_LABEL, ...sections.map(([title, lines]) => `${title}\n${lines.join('\n')}`)].join('\n\n') + '\n';
}
