/**
 * Platt scaling for the pneumonia classifier, fitted on validation scores of the weights that
 * ship, and its expected calibration error before and after, on validation and on test.
 */
import { calibrated, fitPlatt, type Calibration } from '../ml/calibration.ts';
import { expectedCalibrationError } from '../ml/metrics.ts';

export interface CalibrationFigures {
  fit: Calibration;
  /** The operating point (chosen on raw scores) on the calibrated scale the app shows. */
  operatingPoint: number;
  valEce: { raw: number; calibrated: number };
  testEce: { raw: number; calibrated: number };
}

interface Scored {
  scores: Float32Array;
  labels: ArrayLike<number>;
}

export function calibrationFigures(val: Scored, test: Scored, threshold: number): CalibrationFigures {
  const fit = fitPlatt(val.scores, val.labels);
  const ece = (s: Scored): { raw: number; calibrated: number } => ({
    raw: expectedCalibrationError(s.scores, s.labels),
    calibrated: expectedCalibrationError(s.scores.map((p) => calibrated(p, fit)), s.labels),
  });
  return { fit, operatingPoint: calibrated(threshold, fit), valEce: ece(val), testEce: ece(test) };
}
