/** A model's scope read from DICOM tags: each mismatch is one plain sentence; missing tags say nothing. */
import { describe, expect, it } from 'vitest';
import { parseScope, scopeReasons } from '../../src/ml/scope.ts';

const CHEST = { modalities: ['CR', 'DX'], bodyParts: ['CHEST'], viewPositions: ['PA', 'AP'] };
const FLAIR = { modalities: ['MR'], seriesDescriptions: ['FLAIR'] };

describe('model scope from tags', () => {
  it('accepts a PA chest radiograph, and an image with no tags at all', () => {
    expect(scopeReasons(CHEST, { modality: 'CR', bodyPart: 'CHEST', viewPosition: 'PA' })).toEqual([]);
    expect(scopeReasons(CHEST, { modality: 'DX', bodyPart: 'CHEST_LUNGS' })).toEqual([]);
    expect(scopeReasons(CHEST, {})).toEqual([]);
  });

  it('says why a CT, a knee or a lateral film is out of scope', () => {
    expect(scopeReasons(CHEST, { modality: 'CT' })).toEqual(['The file\'s modality is CT; this model reads CR or DX images.']);
    expect(scopeReasons(CHEST, { modality: 'CR', bodyPart: 'KNEE' })).toEqual(['The body part examined is KNEE; this model reads CHEST.']);
    expect(scopeReasons(CHEST, { modality: 'DX', viewPosition: 'LL' })).toEqual(['The view is left lateral; this model reads PA or AP views.']);
  });

  it('wants a FLAIR series for the brain model', () => {
    expect(scopeReasons(FLAIR, { modality: 'MR', seriesDescription: 'AX T2 FLAIR' })).toEqual([]);
    expect(scopeReasons(FLAIR, { modality: 'MR', seriesDescription: 'T1 SAG' })).toEqual(['The series is "T1 SAG", not a FLAIR series.']);
    expect(scopeReasons(FLAIR, { modality: 'MR' })).toEqual(['The series does not say it is FLAIR.']);
  });

  it('says a colour frame is not for a greyscale model, whatever its tags', () => {
    expect(scopeReasons(CHEST, { modality: 'CR', colour: true })).toEqual(['The image is in colour; this model reads greyscale images, and the colour would be lost.']);
    expect(scopeReasons(CHEST, { modality: 'CR', colour: false })).toEqual([]);
  });

  it('validates a manifest scope', () => {
    expect(parseScope({ modalities: ['cr'] }, 'm')).toEqual({ modalities: ['CR'] });
    expect(() => parseScope({ modalities: 'CR' }, 'm')).toThrow(/bad scope.modalities/);
    expect(parseScope(undefined, 'm')).toBeUndefined();
  });
});
