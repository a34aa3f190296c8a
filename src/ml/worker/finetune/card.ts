/** The card of a model the user made, in plain words, from its meta only (nothing claimed that was not measured). */
import type { UserModelMeta } from '../../api-finetune.ts';

function figure(value: number | [number, number]): string {
  return Array.isArray(value) ? `${value[0].toFixed(3)} to ${value[1].toFixed(3)}` : Number.isInteger(value) ? String(value) : value.toFixed(3);
}

function counts(classNames: readonly string[], n: readonly number[]): string {
  return classNames.map((c, i) => `${n[i] ?? 0} ${c}`).join(', ');
}

function gateText(meta: UserModelMeta, refitted: boolean): string {
  if (meta.mode === 'head') {
    return 'The applicability gate is the base model\'s own: the layers it measures were not retrained, so it calls images unlike the base model\'s training films out of scope exactly as before.';
  }
  if (refitted) {
    return 'The applicability gate was refitted: a Gaussian (shrinkage 0.1) on the activation statistics of this model\'s training images, with its threshold at the 99.5th percentile of the validation images\' distances, as Hilum\'s own gate is set. It was not tested on out-of-scope images, and with few validation images the threshold is their largest distance.';
  }
  return 'This model has no applicability gate: it cannot say when an image is unlike its training images.';
}

export function userModelCard(meta: UserModelMeta, options: { gateRefitted: boolean; imported?: string }): string {
  const train = meta.data.train.reduce((s, v) => s + v, 0);
  const validation = meta.data.validation.reduce((s, v) => s + v, 0);
  const metrics = Object.entries(meta.metrics);
  const lines = [
    `# ${meta.name}`,
    '',
    '**Education and research only; not for diagnosis.** This model was made by a user of Hilum on their own images; Hilum has not checked its labels or its data.',
    '',
    `- Made: ${meta.createdAt}${options.imported ? ` (imported ${options.imported})` : ''}`,
    `- Base model: ${meta.baseModelId} version ${meta.baseModelVersion}`,
    `- Classes: ${meta.classNames.join(', ')}`,
    `- Fine-tuning: ${meta.mode === 'head' ? 'a new classifier on the frozen base model\'s features (the backbone is unchanged)' : 'a new classifier and the last convolution block retrained; the earlier blocks frozen'}`,
    `- Training images: ${train} (${counts(meta.classNames, meta.data.train)})`,
    `- Validation images: ${validation} (${counts(meta.classNames, meta.data.validation)})${meta.data.patients === undefined ? '' : `, ${meta.data.patients} patients in all`}`,
    '',
    '## Held-out figures',
    '',
    metrics.length === 0 ? 'None were recorded.' : 'As the app measured them on held-out images (split by patient) that neither trained the model nor chose when training stopped:',
    '',
    ...metrics.map(([name, value]) => `- ${name}: ${figure(value)}`),
    '',
    '## Applicability',
    '',
    gateText(meta, options.gateRefitted),
    '',
    '## Limits',
    '',
    `- ${validation} validation images give a wide uncertainty; a figure from fewer than about 100 images is a rough guide, not a measurement to rely on.`,
    '- The validation images come from the same collection as the training images; a model usually does worse on another hospital\'s images. Check it on your own held-out data (evaluation mode) before using it.',
    `- It reads 128 px grey images letterboxed as the base model does; it knows only the classes above and gives one of them for any image.`,
    '- The operating point is 0.5 (the larger probability wins for two classes); it was not tuned.',
  ];
  return `${lines.join('\n')}\n`;
}
