import type { ModelEntry } from '../ml/api.ts';
import { version as hilumVersion } from '../../package.json';
import { cardText, type CardText } from '../report/card-text.ts';
import { draftReport, type ReportClassification, type ReportInput, type ReportModel, type ReportSegmentation, type ReportStudy } from '../report/draft.ts';
import { demo } from './demo.svelte.ts';
import { ml } from './ml.ts';
import { scopeOverride } from './scope-override.svelte.ts';
import { segmentation } from './segmentation.svelte.ts';
import { studies } from './studies.svelte.ts';

export { hilumVersion };
export { DRAFT_LABEL } from '../report/draft.ts';

/** What a copy did: said on screen, since a silent failure would look like success. */
export interface CopyStatus {
  ok: boolean;
  message: string;
}

/**
 * The draft report of the shown study: assembled from the classifier, outline and studies
 * state when the user asks, then the user's own text. Edits are kept until the user rewrites.
 */
export class ReportState {
  text = $state('');
  /** The text as last written from the results; the draft is edited when `text` differs. */
  written = $state('');
  /** The file the draft was written for, and when (ms since the epoch). */
  writtenFor = $state<string | undefined>(undefined);
  writtenAt = $state<number | undefined>(undefined);
  /** Patient name, ID, sex, age and birth date go into the draft only when the user asks. */
  includePatient = $state(false);
  busy = $state(false);
  copy = $state.raw<CopyStatus | undefined>(undefined);
  edited = $derived(this.text !== this.written);
  /** Read once per model: the cards ship with the app and do not change while it runs. */
  private readonly cards: Record<string, CardText | undefined> = {};

  /** The shown frame's file; results for another file are not this study's. */
  private shownKey(): string | undefined {
    return studies.frames[studies.position]?.key;
  }

  /** Whether there is anything for a draft to say about the shown image. */
  get canWrite(): boolean {
    const key = this.shownKey();
    if (key === undefined) return false;
    const outline = this.shownOutline();
    return (demo.result !== undefined && demo.fileName === key) || outline.result !== undefined || outline.series !== undefined;
  }

  /** Write the draft from the results, replacing the text (the UI asks before discarding edits). */
  async write(): Promise<void> {
    this.busy = true;
    try {
      const text = draftReport(await this.input());
      this.text = text;
      this.written = text;
      this.writtenFor = this.shownKey();
      this.writtenAt = Date.now();
      this.copy = undefined;
    } finally {
      this.busy = false;
    }
  }

  /** Copy the text as it stands, edits included. */
  async copyText(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.text);
      this.copy = { ok: true, message: 'Copied' };
    } catch (error) {
      this.copy = { ok: false, message: `Could not copy: ${error instanceof Error ? error.message : String(error)}. Select the text and copy it by hand.` };
    }
  }

  private async input(): Promise<ReportInput> {
    const [classification, outline] = await Promise.all([this.classification(), this.segmentation()]);
    return { study: this.study(), hilumVersion, classification, segmentation: outline };
  }

  private study(): ReportStudy {
    const tag = (id: string): string | undefined => studies.tags.find((t) => t.tag === id)?.value;
    const { modality, bodyPart, viewPosition, seriesDescription } = studies.imageTags;
    const patient = this.includePatient ? { name: tag('x00100010'), id: tag('x00100020'), sex: tag('x00100040'), age: tag('x00101010'), birthDate: tag('x00100030') } : undefined;
    return { modality, bodyPart, view: viewPosition, seriesDescription, studyDate: tag('x00080020'), studyDescription: tag('x00081030'), fileName: this.shownKey(), patient };
  }

  private async classification(): Promise<ReportClassification | undefined> {
    const result = demo.result;
    const entry = demo.models.find((m) => m.id === result?.modelId);
    if (!result || !entry || demo.fileName !== this.shownKey()) return undefined;
    return {
      model: await this.model(entry),
      label: entry.labels[entry.positiveIndex] ?? 'finding',
      probability: result.scores[entry.positiveIndex]?.probability ?? 0,
      operatingPoint: entry.operatingPoint ?? 0.5,
      applicability: result.applicability,
      scopeReasons: demo.scopeReasons,
      overridden: scopeOverride.shown === result,
    };
  }

  /** The outline of the shown image, and the outlined series it belongs to, when they are this study's. */
  private shownOutline() {
    const result = segmentation.result?.ref.key === this.shownKey() ? segmentation.result : undefined;
    const s = segmentation.series;
    const series = s?.volume && s.seriesUID === studies.selectedSeries && (!result || s.modelId === result.modelId) ? s : undefined;
    return { result, series, volume: series?.volume };
  }

  private async segmentation(): Promise<ReportSegmentation | undefined> {
    const { result, series, volume } = this.shownOutline();
    const entry = segmentation.models.find((m) => m.id === (result?.modelId ?? series?.modelId));
    if (!entry || (!result && !series)) return undefined;
    const lungs = result?.lungs;
    return {
      model: await this.model(entry),
      structure: entry.labels[entry.positiveIndex] ?? 'structure',
      lungs: lungs ? { right: lungs.right, left: lungs.left, total: lungs.total } : undefined,
      area: result?.area,
      volume: volume && series ? { slices: series.total, millilitres: volume.millilitres, missing: volume.missing, largestSlice: volume.largest?.position } : undefined,
      noSpacing: result ? result.noSpacing : !studies.frame?.spacing,
      scopeReasons: result?.scopeReasons ?? series?.scopeReasons ?? [],
    };
  }

  private async model(entry: ModelEntry): Promise<ReportModel> {
    const card = await this.card(entry);
    return { id: entry.id, name: entry.name, version: entry.version, card };
  }

  /** The model card from the app's own origin (precached, so it works offline), or a user model's from the worker; undefined if unreadable. */
  private async card(entry: ModelEntry): Promise<CardText | undefined> {
    if (entry.id in this.cards) return this.cards[entry.id];
    let text: CardText | undefined;
    try {
      // A model the user made has no files under models/: its card lives with it in the worker.
      if (entry.files.length === 0) text = cardText((await ml.exportUserModel(entry.id)).card);
      else {
        const response = await fetch(`models/${entry.id}/${entry.card || 'card.md'}`);
        if (response.ok) text = cardText(await response.text());
      }
    } catch {
      text = undefined;
    }
    // A failed read is not remembered: the next draft tries again.
    if (text) this.cards[entry.id] = text;
    return text;
  }
}

export const report = new ReportState();
