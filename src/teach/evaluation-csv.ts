/**
 * The evaluation as CSV (RFC 4180, like the outline export): one row per image with its true
 * and predicted class and every class probability, then a blank line and the summary figures,
 * so a clinic can check each case and the totals in a spreadsheet.
 */
import { csvField } from '../export/results-csv.ts';
import { argmax, type Evaluation } from './evaluation.ts';

export interface CsvImage {
  file: string;
  label: number;
  probabilities: readonly number[];
}

export function evaluationCsv(modelName: string, evaluation: Evaluation, images: readonly CsvImage[]): string {
  const names = evaluation.classNames;
  const lines = [['file', 'true_class', 'predicted_class', ...names.map((n) => `p_${n}`)].map(csvField).join(',')];
  for (const image of images) {
    const fields = [image.file, names[image.label] ?? '', names[argmax(image.probabilities)] ?? '', ...names.map((_, c) => (image.probabilities[c] ?? Number.NaN).toFixed(6))];
    lines.push(fields.map(csvField).join(','));
  }
  lines.push('', ['metric', 'value', 'ci95_low', 'ci95_high'].join(','));
  const row = (metric: string, e: { value: number; ci95: [number, number] } | undefined): void => {
    if (e) lines.push([metric, e.value.toFixed(4), e.ci95[0].toFixed(4), e.ci95[1].toFixed(4)].map(csvField).join(','));
  };
  lines.push(['model', modelName, '', ''].map(csvField).join(','));
  lines.push(['images', String(evaluation.count), '', ''].join(','));
  row('accuracy', evaluation.accuracy);
  const positive = evaluation.positive === undefined ? undefined : names[evaluation.positive];
  row(positive ? `sensitivity (${positive})` : 'sensitivity', evaluation.sensitivity);
  row('specificity', evaluation.specificity);
  for (const c of evaluation.curves) row(`auc (${names[c.classIndex] ?? c.classIndex}${evaluation.curves.length > 1 ? ' vs rest' : ''})`, c.auc);
  return `${lines.join('\r\n')}\r\n`;
}
