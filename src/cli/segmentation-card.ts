/** The model card of a U-Net segmenter, written from measured figures only. */
import type { Estimate } from '../ml/bootstrap.ts';
import type { SegmentationFigures, SegmentationPublish } from './publish-segmentation.ts';
import { describePostprocess } from './choose-postprocess.ts';

/** What the measured figures cannot say: data, split, anchors and limits, per model. */
export interface CardText {
  task: string;
  trainingData: string;
  split: string;
  anchors: string;
  limits: string[];
  licence: string;
  citation: string;
  /** Optimiser, loss pooling and sampling, as the training task set them. */
  training: string;
  /** How the thresholded mask is cleaned before it is shown and scored. */
  output?: string;
  /** Anything a reader of the figures must know about how they were obtained. */
  notes?: string[];
}

const fmt = (e: Estimate): string => `${e.value.toFixed(3)} (95% CI ${e.ci95[0].toFixed(3)}-${e.ci95[1].toFixed(3)})`;

export function segmentationCard(p: SegmentationPublish, f: SegmentationFigures): string {
  const { spec, text } = p;
  const epochs = f.history.map((h) => `| ${h.epoch} | ${h.loss.toFixed(4)} | ${h.valDice.toFixed(4)} | ${h.imagesPerSecond.toFixed(1)} |`).join('\n');
  const scaled = spec.inputSize === spec.workSize ? '' : `; averaged down to ${spec.workSize}x${spec.workSize} inside the model, logits upsampled bilinearly back to ${spec.inputSize}x${spec.inputSize}`;
  const unit = p.task === 'brain' ? 'patients (each patient\'s slices stacked into one volume)' : 'images';
  return `# ${p.name}

**Intended use: education and research, not for diagnosis.** ${text.task} A clinician must review every mask.

| | |
|---|---|
| Architecture | U-Net, ${spec.widths.length - 1} pooling levels, two 3x3 conv${spec.batchNorm ? ' + batch norm (folded into the conv weights at publish)' : ''} + ReLU per level (${spec.widths.join('-')} channels), max-pool down, 2x2/2 transposed conv up, skip connections, sigmoid out${scaled} |
| Parameters | ${f.params.toLocaleString('en')} |
| Input | ${spec.inputSize}x${spec.inputSize}x1; the image's own min..max scaled to 0..1 (the app's \`unit-range\`), area-then-bilinear resize, aspect ratio kept by letterboxing (the mask is cropped back to the image) |
| Output | foreground probability per pixel; mask = ${f.postprocess ? describePostprocess(f.postprocess) : 'p >= 0.5'}${text.output ? `; ${text.output}` : ''} |
| Training data | ${text.trainingData} |
| Split | ${text.split} |
| Training | from scratch on WASM in Node with Hilum's gradient kernels, batches of 8; paired rotation, scale and shift, then gamma, contrast and noise on the image; ${text.training}; best epoch by validation Dice; ${f.history.length} epochs, ${f.trainingMinutes.toFixed(0)} minutes on one core |
| Test | ${f.test.n} ${unit}${f.test.slices ? `, ${f.test.slices} slices` : ''}, held out from training and from the choice of epoch and mask steps, scored by \`npm run cli -- evaluate --task ${p.task}\` |
| Test Dice, mean | ${fmt(f.test.diceMean)} |
| Test Dice, median | ${fmt(f.test.diceMedian)} |
| Published anchors | ${text.anchors} |
| Weights | ${f.float16.shipped ? 'float16' : 'float32'}, ${(f.float16.shipped ? f.float16.bytes : f.float32.bytes).toLocaleString('en')} bytes |
| Quantisation | float32: val Dice ${f.float32.valDice.toFixed(4)}, ${f.float32.bytes.toLocaleString('en')} bytes; float16: val Dice ${f.float16.valDice.toFixed(4)}, ${f.float16.bytes.toLocaleString('en')} bytes (shipped when validation Dice moves by less than 0.005) |
| Calibration | not applicable as a single number: the mask threshold is fixed at ${f.postprocess?.chosen.operatingPoint ?? 0.5}, and Dice above is measured at it |
| Reproduce | \`npm run train -- --task ${p.task}\` |

## Training history

| epoch | loss | val Dice | images/s (WASM, 1 thread) |
|---|---|---|---|
${epochs}

${text.notes?.length ? `## Notes on the figures\n\n${text.notes.map((n) => `- ${n}`).join('\n')}\n\n` : ''}## Known limits

${text.limits.map((l) => `- ${l}`).join('\n')}

## Data licence and citation

${text.citation} Licence: ${text.licence}; this model's weights follow it.
`;
}
