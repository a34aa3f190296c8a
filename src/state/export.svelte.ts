/**
 * Export of the Outline panel's results, all made on this device: the mask as a DICOM SEG
 * that references its source images, as a PNG, and the measurements as CSV.
 */
import { version as hilumVersion } from '../../package.json';
import type { ModelEntry } from '../ml/api.ts';
import { segmentCodes } from '../dicom/seg-codes.ts';
import type { SegSourceImage } from '../dicom/seg-source.ts';
import { writeSegmentation, type SegFrame } from '../dicom/seg-writer.ts';
import { maskPng } from '../export/mask-png.ts';
import { outlineRows, type OutlinedFrame } from '../export/outline-rows.ts';
import { resultsCsv } from '../export/results-csv.ts';
import { baseName, download } from './download.ts';
import { toUserMessage } from './messages.ts';
import { segmentation } from './segmentation.svelte.ts';
import { studies, type FrameRef } from './studies.svelte.ts';

interface OutlineFrame {
  ref: FrameRef;
  width: number;
  height: number;
  mask: Uint8Array;
}

interface Outline {
  modelId: string;
  frames: OutlineFrame[];
  /** The whole series, not one image. */
  series: boolean;
  edited: boolean;
}

export class ExportState {
  /** What the last export did, or why it could not. */
  message = $state<{ text: string; error: boolean } | undefined>(undefined);
  busy = $state(false);

  /** The complete outline of the shown series if there is one, else the outline of one image. */
  outline = $derived.by((): Outline | undefined => {
    const series = segmentation.series;
    if (series?.volume && series.seriesUID === studies.selectedSeries && series.slices.length > 0) {
      return { modelId: series.modelId, frames: series.slices, series: true, edited: series.edited === true };
    }
    const r = segmentation.result;
    return r ? { modelId: r.modelId, frames: [r], series: false, edited: r.edited === true } : undefined;
  });

  /** Why a SEG cannot be written for the outline, or undefined when it can. */
  segUnavailable = $derived.by((): string | undefined => {
    const outline = this.outline;
    if (!outline) return 'Outline an image first.';
    const notDicom = outline.frames.some((f) => studies.files.find((file) => file.key === f.ref.key)?.kind !== 'dicom');
    if (notDicom) return 'DICOM SEG is only for DICOM images: a SEG names the image it outlines by its DICOM UIDs, and a PNG or JPEG has none. Export the mask as PNG instead.';
    const label = this.model(outline.modelId)?.labels[1] ?? '';
    return segmentCodes(label) ? undefined : `Hilum has no DICOM code for "${label}", so it cannot write a SEG for it.`;
  });

  private model(id: string): ModelEntry | undefined {
    return segmentation.models.find((m) => m.id === id);
  }

  private async run(work: () => Promise<string>): Promise<void> {
    this.busy = true;
    try {
      this.message = { text: await work(), error: false };
    } catch (error) {
      this.message = { text: error instanceof Error ? `Could not export: ${error.message.replace(/\.$/, '')}.` : toUserMessage(error), error: true };
    } finally {
      this.busy = false;
    }
  }

  /** Every frame's source, read once per file by the imaging worker. */
  private async sources(refs: readonly FrameRef[]): Promise<Map<string, SegSourceImage | undefined>> {
    // A local lookup for one export, not state.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const out = new Map<string, SegSourceImage | undefined>();
    for (const ref of refs) if (!out.has(ref.key)) out.set(ref.key, await studies.segSource(ref.key));
    return out;
  }

  seg(): Promise<void> {
    return this.run(async () => {
      const outline = this.outline;
      const model = outline && this.model(outline.modelId);
      const codes = segmentCodes(model?.labels[1] ?? '');
      if (!outline || !model || !codes || this.segUnavailable) throw new Error(this.segUnavailable ?? 'Nothing to export.');
      const sources = await this.sources(outline.frames.map((f) => f.ref));
      const frames: SegFrame[] = outline.frames.map((f) => {
        const source = sources.get(f.ref.key);
        if (!source) throw new Error(`${f.ref.key} is not a DICOM image.`);
        return { source, frame: f.ref.frame, mask: f.mask };
      });
      const seg = writeSegmentation({
        frames, segment: codes, algorithm: { name: model.id, version: model.version, type: outline.edited ? 'SEMIAUTOMATIC' : 'AUTOMATIC' },
        seriesDescription: `${codes.label} outline (Hilum)`, contentLabel: model.id, contentDescription: `Outlined by ${model.id} ${model.version}; research only, not for diagnosis`,
        creatorName: `Hilum^${model.id}`, softwareVersions: `Hilum ${hilumVersion}`,
      });
      const first = outline.frames[0]?.ref;
      download([seg.bytes as Uint8Array<ArrayBuffer>], 'application/dicom', `${baseName(first?.key ?? 'image')}-${model.id}-seg.dcm`);
      const what = outline.series ? `all ${frames.length} slices of the series` : 'this image';
      const frameOfReference = seg.newFrameOfReference ? ' The source gives no Frame of Reference, so the SEG has a new one.' : '';
      return `Saved a DICOM SEG of ${what}, referencing series ${frames[0]?.source.seriesInstanceUID ?? ''}.${frameOfReference}`;
    });
  }

  /** The mask over the shown frame (or the single outline) as a 0/255 grey PNG at the image's size. */
  png(): Promise<void> {
    return this.run(async () => {
      const shown = studies.frames[studies.position];
      const over = segmentation.maskFor(shown);
      const result = segmentation.result;
      const target = over && shown ? { mask: over, ref: shown } : result ? { mask: result, ref: result.ref } : undefined;
      if (!target) throw new Error('Outline an image first.');
      const { mask, ref } = target;
      const bytes = await maskPng(mask.mask, mask.width, mask.height);
      download([bytes as Uint8Array<ArrayBuffer>], 'image/png', `${baseName(ref.key)}-frame${ref.frame + 1}-mask.png`);
      return `Saved the ${mask.width}x${mask.height} mask of frame ${ref.frame + 1} as PNG.`;
    });
  }

  /** The series outline (with its volume) and the single outline, unless it is one of the series' slices. */
  private groups(): { modelId: string; frames: OutlineFrame[]; volume?: number }[] {
    const { series, result } = segmentation;
    const groups: { modelId: string; frames: OutlineFrame[]; volume?: number }[] = [];
    if (series) groups.push({ modelId: series.modelId, frames: series.slices, ...(series.volume?.millilitres !== undefined ? { volume: series.volume.millilitres } : {}) });
    const inSeries = (ref: FrameRef): boolean => !!series?.slices.some((s) => s.ref.key === ref.key && s.ref.frame === ref.frame);
    if (result && !inSeries(result.ref)) groups.push({ modelId: result.modelId, frames: [result] });
    return groups;
  }

  /** One row per outlined frame or slice, measured from the masks as they are now. */
  csv(): Promise<void> {
    return this.run(async () => {
      const groups = this.groups();
      const sources = await this.sources(groups.flatMap((g) => g.frames.map((f) => f.ref)));
      const outlined = (f: OutlineFrame): OutlinedFrame => {
        const spacing = sources.get(f.ref.key)?.pixelSpacing;
        return { key: f.ref.key, frame: f.ref.frame, width: f.width, height: f.height, mask: f.mask, ...(spacing ? { spacing } : {}) };
      };
      const rows = groups.flatMap((g) => {
        const model = this.model(g.modelId);
        return model ? outlineRows(g.frames.map(outlined), model, g.volume) : [];
      });
      if (rows.length === 0) throw new Error('Outline an image first.');
      download([resultsCsv(rows)], 'text/csv', 'hilum-outline-results.csv');
      return `Saved ${rows.length} ${rows.length === 1 ? 'row' : 'rows'} of results as CSV.`;
    });
  }
}

export const exporter = new ExportState();
