/**
 * Each shipped model card is what the pipeline writes from that model's saved figures, so a card
 * edited by hand, or card code changed without rewriting the card (`train --task <id> --card-only`),
 * fails here rather than ship stale text.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS_DIR } from '../../src/cli/model-files.ts';
import { savedFigures, type SegmentationPublish } from '../../src/cli/publish-segmentation.ts';
import { segmentationCard } from '../../src/cli/segmentation-card.ts';
import { pneumoniaCard } from '../../src/cli/pneumonia-card.ts';
import { readFigures } from '../../src/cli/publish-pneumonia.ts';
import { BRAIN_ID, brainPublish } from '../../src/cli/train-brain.ts';
import { LUNGS_ID, lungsPublish } from '../../src/cli/train-lungs.ts';
import { DATA_ROOT, skipWithoutData } from '../helpers/data.ts';

const shippedCard = (id: string): string => readFileSync(join(MODELS_DIR, id, 'card.md'), 'utf8');

describe('model cards', () => {
  it.skipIf(skipWithoutData).each([
    [LUNGS_ID, lungsPublish],
    [BRAIN_ID, brainPublish],
  ] as [string, (root: string) => SegmentationPublish][])('%s: the card is the one its figures.json makes', (id, publish) => {
    expect(shippedCard(id)).toBe(segmentationCard(publish(DATA_ROOT), savedFigures(id).figures));
  }, 60_000);

  it('pneumonia-cxr: the card is the one its figures.json makes', () => {
    expect(shippedCard('pneumonia-cxr')).toBe(pneumoniaCard(readFigures()));
  });
});
