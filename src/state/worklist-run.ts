/**
 * One worklist study through the ML worker: decode the planned frames in the imaging worker,
 * classify the chest film (its gate may call it out of scope), outline its lungs, or outline a
 * series slice by slice for a volume. The pixels are touched only in workers (imaging, grey
 * conversion and mask counting, ML): the page only passes transferred buffers between them.
 */
import type { ImageFrame } from '../dicom/image-frame.ts';
import type { GreyImage, ModelEntry } from '../ml/api.ts';
import type { MlClient } from '../ml/client.ts';
import { area } from '../ml/mask-measure.ts';
import { scopeReasons } from '../ml/scope.ts';
import { seriesVolume, uniformSize, type SliceMask } from './series-outline.ts';
import type { FrameRef } from './studies.svelte.ts';
import type { Finding, Measurement } from './worklist-order.ts';
import type { StudyPlan } from './worklist-plan.ts';

export interface StudyOutcome {
  status: 'done' | 'out-of-scope';
  reasons: string[];
  finding?: Finding;
  measurement?: Measurement;
}

export interface RunDeps {
  models: readonly ModelEntry[];
  ml: Pick<MlClient, 'classify' | 'segment'>;
  decode(ref: FrameRef): Promise<ImageFrame>;
  /** frameToGrey off the main thread, as `copies` separate images; takes the frame's buffer. */
  toGrey(frame: ImageFrame, copies: number): Promise<GreyImage[]>;
  /** Mask pixels counted off the main thread; takes the mask's buffer. */
  countMask(mask: Uint8Array): Promise<number>;
  /** Pixels per slice of a series' masks without their small 3-D regions, counted off the main thread; takes the masks' buffers. */
  countVolumeRegions(masks: Uint8Array[], width: number, height: number, fraction: number): Promise<number[]>;
  /** Slice Thickness of a file in mm, for a volume. */
  thickness(key: string): number | undefined;
}

async function runChest(chest: NonNullable<StudyPlan['chest']>, deps: RunDeps, signal: AbortSignal): Promise<StudyOutcome> {
  const model = deps.models.find((m) => m.id === chest.classifier);
  if (!model) throw new Error(`model ${chest.classifier} is not bundled`);
  const frame = await deps.decode(chest.ref);
  // The plan read only tags, and a PNG or JPEG has none: colour shows in the decoded frame, as in the viewer.
  const colour = scopeReasons(model.scope, { colour: frame.samples === 3 });
  if (colour.length > 0) return { status: 'out-of-scope', reasons: colour.map((reason) => `${model.name}: ${reason}`) };
  const spacing = frame.spacing;
  // Two images: each model call takes its input's buffer by transfer.
  const [forClassifier, forLungs] = await deps.toGrey(frame, chest.lungs ? 2 : 1);
  if (!forClassifier) throw new Error('no grey image came back');
  const result = await deps.ml.classify(model.id, forClassifier, signal);
  if (result.applicability?.applies === false) {
    return { status: 'out-of-scope', reasons: [`${model.name}: this image does not look like the frontal chest X-rays the model was trained on, so it was not judged.`] };
  }
  const probability = result.scores[model.positiveIndex]?.probability ?? 0;
  const operatingPoint = model.operatingPoint ?? 0.5;
  const finding: Finding = { label: model.labels[model.positiveIndex] ?? 'finding', probability, operatingPoint, abnormal: probability >= operatingPoint };
  if (!chest.lungs || !forLungs) return { status: 'done', reasons: [], finding };
  const mask = await deps.ml.segment(chest.lungs, forLungs, signal);
  return { status: 'done', reasons: [], finding, measurement: { kind: 'lungs', modelId: chest.lungs, total: area(await deps.countMask(mask.mask), spacing) } };
}

async function runVolume(volume: NonNullable<StudyPlan['volume']>, deps: RunDeps, signal: AbortSignal): Promise<Measurement> {
  const fraction = deps.models.find((m) => m.id === volume.modelId)?.postprocess?.volumeRegionFraction;
  const slices: SliceMask[] = [];
  const masks: Uint8Array[] = [];
  let spacing: readonly [number, number] | undefined;
  for (const ref of volume.refs) {
    const frame = await deps.decode(ref);
    spacing ??= frame.spacing;
    const [grey] = await deps.toGrey(frame, 1);
    if (!grey) throw new Error('no grey image came back');
    const result = await deps.ml.segment(volume.modelId, grey, signal);
    // Only the count is kept, unless the model's region filter needs the whole series at once
    // (then the masks are held until it has run, and dropped).
    if (fraction !== undefined) masks.push(result.mask);
    slices.push({ ref, width: result.width, height: result.height, mask: new Uint8Array(0), pixels: fraction === undefined ? await deps.countMask(result.mask) : 0 });
  }
  const size = uniformSize(slices);
  if (fraction !== undefined) {
    // Slices of different sizes cannot be stacked: each is counted as it is, unfiltered.
    const pixels = size ? await deps.countVolumeRegions(masks, size.width, size.height, fraction) : await Promise.all(masks.map((m) => deps.countMask(m)));
    slices.forEach((s, i) => { s.pixels = pixels[i] ?? 0; });
  }
  return { kind: 'volume', modelId: volume.modelId, slices: slices.length, volume: seriesVolume(slices, spacing, deps.thickness(volume.firstKey)) };
}

/** Run every planned model of one study; errors (a crashed worker, an abort) propagate. */
export async function runStudy(plan: StudyPlan, deps: RunDeps, signal: AbortSignal): Promise<StudyOutcome> {
  if (!plan.chest && !plan.volume) return { status: 'out-of-scope', reasons: plan.reasons };
  const chest = plan.chest ? await runChest(plan.chest, deps, signal) : undefined;
  const measurement = plan.volume ? await runVolume(plan.volume, deps, signal) : chest?.measurement;
  if (!measurement && chest) return chest;
  return { status: 'done', reasons: chest?.status === 'out-of-scope' ? chest.reasons : [], ...(chest?.finding ? { finding: chest.finding } : {}), ...(measurement ? { measurement } : {}) };
}
