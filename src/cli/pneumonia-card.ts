/** The model card of the pneumonia classifier, written from measured figures only. */
import type { Estimate } from '../ml/bootstrap.ts';
import type { PublishFigures } from './publish-pneumonia.ts';
import { gateSection } from './gate-card.ts';

const fmt = (e: Estimate): string => `${e.value.toFixed(3)} (95% CI ${e.ci95[0].toFixed(3)}-${e.ci95[1].toFixed(3)})`;

export function pneumoniaCard(f: PublishFigures): string {
  const t = f.test;
  const epochs = f.history.map((h) => `| ${h.epoch} | ${h.loss.toFixed(4)} | ${h.valAuc.toFixed(4)} | ${h.imagesPerSecond.toFixed(1)} |`).join('\n');
  return `# Pneumonia (chest X-ray, 128 px)

**Intended use: education and research, not for diagnosis.** It says whether a frontal paediatric
chest X-ray looks like pneumonia. A clinician must review every result.

| | |
|---|---|
| Task | frontal chest X-ray, normal vs pneumonia (softmax over 2 classes) |
| Architecture | 4 blocks of two 3x3 conv + ReLU (16-32-64-128 channels), max-pool between blocks, global average pool (layer \`pooled\`; last conv \`features\`), dropout 0.3, dense 2 |
| Parameters | ${f.params.toLocaleString('en')} |
| Input | 128x128x1; the image's own min..max scaled to 0..1, area-then-bilinear resize with the aspect ratio kept (letterboxed; the training films are square); MONOCHROME1 inverted first |
| Training data | Kermany et al. paediatric chest X-rays (Guangzhou), official train split less the validation patients (\`suggested_split\`): 4,699 images; 517 for validation |
| Training | from scratch on WASM in Node with Hilum's gradient kernels; balanced batches of 32; rotation, scale, shift, gamma, contrast and noise augmentation; Adam 1e-3 with step decay; best epoch by validation AUC |
| Operating point | p(pneumonia) >= ${f.threshold} (Youden's J on validation) |
| Test set | official Kermany test split, ${t.n} images (234 normal, 390 pneumonia), evaluated once |
| Test AUC | ${fmt(t.auc)} |
| Test accuracy | ${fmt(t.accuracy)} |
| Sensitivity | ${fmt(t.sensitivity)} |
| Specificity | ${fmt(t.specificity)} |
| Calibration | expected calibration error ${f.ece.toFixed(3)} (10 bins, test) |
| Published anchors | MedMNIST v2 ResNet-50 at 224 px: AUC 0.962, ACC 0.884; MedMNIST+ ResNet-18 at 128 px: AUC 0.979, ACC 0.899 |
| Weights | ${f.float16.shipped ? 'float16' : 'float32'}, ${(f.float16.shipped ? f.float16.bytes : f.float32.bytes).toLocaleString('en')} bytes |
| Quantisation | float32: val AUC ${f.float32.valAuc.toFixed(4)}, test AUC ${f.float32.testAuc.toFixed(4)}, ${f.float32.bytes.toLocaleString('en')} bytes; float16: val AUC ${f.float16.valAuc.toFixed(4)}, test AUC ${f.float16.testAuc.toFixed(4)}, ${f.float16.bytes.toLocaleString('en')} bytes (shipped when the validation AUC moves by less than 0.005) |
| Reproduce | \`npm run train -- --task pneumonia\` |

${gateSection(f.gate)}
## Training history

| epoch | loss | val AUC | images/s (WASM, 1 thread) |
|---|---|---|---|
${epochs}

## Known limits

- Trained on children aged 1 to 5 from one hospital; adults, other hospitals and other devices are
  outside what it has seen. The source images had been squashed to a square and JPEG-compressed.
- It sees 128x128 pixels: fine detail is lost.
- It answers only normal vs pneumonia. Any other finding (effusion, mass, fracture, lines and tubes)
  is invisible to it, and a film with such a finding may be called normal.
- Probabilities are not a diagnosis, and they are not calibrated (ECE above). At the operating point
  chosen on validation the test specificity is ${t.specificity.value.toFixed(2)}: the test films were collected apart
  from the training films and the model over-calls pneumonia on them. Validation AUC ${f.valAuc.toFixed(3)} against
  test AUC ${t.auc.value.toFixed(3)} measures that shift.

## Data licence and citation

Kermany DS et al. Identifying Medical Diagnoses and Treatable Diseases by Image-Based Deep Learning.
Cell 2018;172(5):1122-1131. doi:10.1016/j.cell.2018.02.010. Data licence CC BY 4.0.
`;
}
