/** The applicability gate's section of the pneumonia model card, from gate-figures.json only. */

interface Rate {
  n: number;
  rate: number;
}

interface Selection {
  histogramBins: number;
  shrink: number;
  threshold: number;
  brainTrainRejected: number;
  brainTrainMargin: number;
}

const ROWS: Record<string, string> = {
  acceptKermanyTest: 'accepted: Kermany test chest X-rays',
  acceptShenzhenTest: 'accepted: Shenzhen test chest X-rays (another hospital, adults)',
  rejectBrainMriValPatients: 'rejected: brain MRI FLAIR slices of validation patients',
  rejectCtMrDicomFrames: 'rejected: CT and MR DICOM frames',
  rejectAngiographyFrames: 'rejected: X-ray angiography DICOM frames',
  rejectColourDicomFrames: 'rejected: colour DICOM frames (ultrasound)',
  acceptChestDicomFrames: 'accepted: chest CR DICOM frames (pydicom test files)',
};

const percent = (r: number): string => `${(r * 100).toFixed(1)}%`;

function resultRows(gate: Record<string, unknown>): string {
  return Object.entries(ROWS).filter(([key]) => key in gate).map(([key, label]) => {
    const value = gate[key] as Rate;
    return `| ${label} | ${value.n} | ${percent(value.rate)} |`;
  }).join('\n');
}

function selectionRows(gate: Record<string, unknown>): string {
  const rows = (gate.selection ?? []) as Selection[];
  return rows.map((s) => `| ${s.histogramBins > 0 ? `statistics + ${s.histogramBins}-bin histogram` : 'statistics alone'} | ${s.shrink} | ${s.threshold.toFixed(2)} | ${percent(s.brainTrainRejected)} | ${s.brainTrainMargin.toFixed(2)} |`).join('\n');
}

/** Real chest films that the gate turns away are a limit a user must know about. */
function chestFilmsLimit(gate: Record<string, unknown>): string {
  const chest = gate.acceptChestDicomFrames as Rate | undefined;
  if (!chest || chest.rate === 1) return '';
  const rejected = Math.round(chest.n * (1 - chest.rate));
  return `- Chest films unlike the training films can be called out of scope: ${rejected} of the ${chest.n} chest CR
  DICOM frames are rejected. Then the user may override the gate and see the result, flagged.
`;
}

export function gateSection(gate: Record<string, unknown> | undefined): string {
  if (!gate) return '';
  const bins = Number(gate.histogramBins ?? 0);
  const measured = bins > 0 ? `the mean and spread of every block's activations and the input's ${bins}-bin grey-level histogram` : "the mean and spread of every block's activations";
  return `## Applicability gate

Before a result is trusted, Hilum measures how far the image is from the chest films this model
was trained on: the Mahalanobis distance of ${measured} (shrinkage ${String(gate.shrink)}). An image
farther than ${Number(gate.threshold).toFixed(2)} (the 99.5th percentile of validation chest films) is out of scope, and the app says so.

Shrinkage and the features were chosen on training data only: of the candidates below that reject
at least 99.5% of 600 brain MRI slices of *training* patients, the one whose nearest slice lies
farthest beyond its threshold (the last column, distance / threshold).

| features | shrinkage | threshold | brain training slices rejected | nearest slice / threshold |
|---|---|---|---|---|
${selectionRows(gate)}

| set | n | rate |
|---|---|---|
${resultRows(gate)}

- Why the histogram: the activation statistics alone accepted one of the 64 CT and MR frames, an
  axial chest CT slice (\`ct_single/tcia_covid19_ny_sbu_chest_ct_axial.dcm\`, distance 21.95
  against a threshold of 24.48). The histogram was proposed after looking at that frame, so the
  CT and MR row is not a blind test of the idea; keeping it and its shrinkage were then decided by
  the rule then in use on brain training slices. That rule took, per feature set, the most
  regularised shrinkage that rejected 99.5% of the brain slices, then the set with the wider
  margin. For the 1.1.0 backbone it chose the statistics alone at 0.001, which let the axial chest
  CT slice through (63 of 64 CT and MR frames rejected). The rule above replaced it after every
  candidate had been measured on the reported sets, so this gate's CT, MR and angiography rows
  are not a blind test either. The old rule stopped at the first shrinkage that cleared the brain
  slices, which are easy negatives; the nearest slice's margin keeps growing past it. Variants tried and dropped
  because they let more CT and MR frames through: per-block distances combined by their maximum,
  adding \`block1_conv1\`, and the statistics of all eight convolutions.
- DICOM frames are the first four of each file in \`dicom/\`; many files hold the same image in
  several transfer syntaxes (13 copies of one CT slice), so the 64 CT and MR frames are 38
  distinct images.
${chestFilmsLimit(gate)}- Natural and colour photographs, measured by hand (the shared data has none, so the pipeline
  cannot): the 186 PNG and JPEG images of two Debian packages, python3-skimage 0.19.3
  (\`skimage/data\`, 34) and opencv-doc 4.6.0 (\`examples\`, 152); one, a deliberately truncated
  JPEG, is unreadable. The gate alone accepted 4 of 185 (2.2%, 95% CI 0.5-4.3%): photographs of a
  baboon, fruit and an orange, and a colour palette chart. The app therefore calls a PNG or JPEG in
  colour out of scope before the gate, as it did colour DICOM (more than 1% of pixels with channels
  over 16 of 255 apart; both thresholds fixed before scoring). With it 0 of 185 are accepted (79
  by colour, 106 by the gate; at most 1.6% by the rule of three, as a bootstrap of no
  acceptances has no width). The rule was judged on the opencv set first (0 of 152); the skimage
  set (0 of 33) is not a blind test, its palette chart having been seen. To repeat: \`apt-get
  download python3-skimage opencv-doc\`, \`dpkg -x\` both, then \`npm run cli -- evaluate --task ood
  --data <folder> --json\`.
- Fine-tuned models that retrain the last block refit the gate the same way (statistics and
  histogram) with shrinkage fixed at 0.1, having no out-of-scope images to choose it on.
`;
}
