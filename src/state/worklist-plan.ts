/**
 * From loaded series to worklist studies, and for each study which models to run on what,
 * decided from the DICOM tags before any pixel is read: the classifier (and the lung outline)
 * on the first chest film in its scope, a series segmenter (brain FLAIR) over a whole series
 * in its scope. A PNG or JPEG has no tags: it is a study of its own, and the classifier's gate
 * decides from the pixels whether it is a chest film. Plain data; no DOM, no worker.
 */
import type { SeriesInfo } from '../dicom/series.ts';
import type { OpenedFile, TagValue } from '../imaging/api.ts';
import type { ModelEntry } from '../ml/api.ts';
import { measuresLungs } from '../ml/mask-measure.ts';
import { scopeReasons, type ImageTags } from '../ml/scope.ts';
import type { FrameRef } from './studies.svelte.ts';

export interface StudyGroup {
  id: string;
  title: string;
  modality: string;
  images: number;
  series: SeriesInfo[];
  /** Tags of each series' first file. */
  tags: ImageTags[];
}

export interface StudyPlan {
  /** The chest film to classify, and the lung model to outline it with once the gate accepts it. */
  chest?: { ref: FrameRef; classifier: string; lungs?: string };
  /** A series to outline slice by slice for a volume. */
  volume?: { modelId: string; seriesUID: string; refs: FrameRef[]; firstKey: string };
  /** Why nothing applies, when nothing does. */
  reasons: string[];
}

const tagValue = (tags: readonly TagValue[] | undefined, tag: string): string | undefined => tags?.find((t) => t.tag === tag)?.value;

export function imageTagsOf(tags: readonly TagValue[] | undefined): ImageTags {
  const out: ImageTags = {};
  const pairs = [['modality', 'x00080060'], ['bodyPart', 'x00180015'], ['viewPosition', 'x00185101'], ['seriesDescription', 'x0008103e']] as const;
  for (const [field, tag] of pairs) {
    const value = tagValue(tags, tag);
    if (value !== undefined) out[field] = value;
  }
  return out;
}

const frameCount = (s: SeriesInfo): number => s.instances.reduce((n, i) => n + i.frames, 0);
const isRaster = (s: SeriesInfo): boolean => s.seriesInstanceUID.startsWith('raster:');

/** One group per StudyInstanceUID, in the order series arrive; each PNG or JPEG is a group of its own. Study titles hold no identifying tag. */
export function groupStudies(series: readonly SeriesInfo[], files: readonly OpenedFile[]): StudyGroup[] {
  const byKey = new Map(files.map((f) => [f.key, f.tags]));
  const groups = new Map<string, StudyGroup>();
  for (const s of series) {
    if (frameCount(s) === 0) continue;
    const id = isRaster(s) ? s.seriesInstanceUID : s.studyInstanceUID;
    const fileTags = byKey.get(s.instances[0]?.key ?? '');
    let group = groups.get(id);
    if (!group) {
      const title = isRaster(s) ? s.description : (tagValue(fileTags, 'x00081030') ?? (s.description || `${s.modality || 'DICOM'} study`));
      group = { id, title, modality: isRaster(s) ? 'image' : s.modality, images: 0, series: [], tags: [] };
      groups.set(id, group);
    }
    group.series.push(s);
    group.tags.push(imageTagsOf(fileTags));
    group.images += frameCount(s);
    if (!isRaster(s) && s.modality && !group.modality.split(', ').includes(s.modality)) group.modality = group.modality ? `${group.modality}, ${s.modality}` : s.modality;
  }
  return [...groups.values()];
}

const tagless = (tags: ImageTags): boolean => !tags.modality && !tags.bodyPart && !tags.viewPosition && !tags.seriesDescription;

/** Which models run on which frames of a study; `models` in manifest order (the first classifier is the panel's default). */
export function planStudy(group: StudyGroup, models: readonly ModelEntry[]): StudyPlan {
  const classifier = models.find((m) => m.task === 'classification');
  const segmenters = models.filter((m) => m.task === 'segmentation');
  const lungModel = segmenters.find((m) => measuresLungs(m));
  const seriesModels = segmenters.filter((m) => !measuresLungs(m));
  const plan: StudyPlan = { reasons: [] };
  group.series.forEach((s, i) => {
    const tags = group.tags[i] ?? {};
    const first = s.instances[0];
    if (!first) return;
    if (!plan.chest && classifier && scopeReasons(classifier.scope, tags).length === 0) {
      const lungs = lungModel && scopeReasons(lungModel.scope, tags).length === 0 ? lungModel.id : undefined;
      plan.chest = { ref: { key: first.key, frame: 0 }, classifier: classifier.id, ...(lungs ? { lungs } : {}) };
    }
    // A series model needs tags that say what the series is: a lone PNG could be anything.
    const volumeModel = tagless(tags) ? undefined : seriesModels.find((m) => scopeReasons(m.scope, tags).length === 0);
    if (!plan.volume && volumeModel) {
      const refs = s.instances.flatMap((inst) => Array.from({ length: inst.frames }, (_, frame) => ({ key: inst.key, frame })));
      plan.volume = { modelId: volumeModel.id, seriesUID: s.seriesInstanceUID, refs, firstKey: first.key };
    }
  });
  if (!plan.chest && !plan.volume) {
    const tags = group.tags[0] ?? {};
    const all = [classifier, ...segmenters].flatMap((m) => (m ? scopeReasons(m.scope, tags).map((r) => `${m.name}: ${r}`) : []));
    plan.reasons = all.length > 0 ? all : ['No bundled model reads this kind of image.'];
  }
  return plan;
}
