/** Measurements after a hand correction: what is drawn is what is counted, lungs keep their sides, volumes follow. */
import { describe, expect, it } from 'vitest';
import { measureEditedLungs } from '../../src/ml/edited-lungs.ts';
import { measureLungs } from '../../src/ml/mask-measure.ts';
import { maskOverlay, maskOverlayBox } from '../../src/render/mask-overlay.ts';
import { paintDisc, paintStroke } from '../../src/render/brush.ts';
import { remeasureSeries, remeasureShown } from '../../src/state/mask-remeasure.ts';
import type { ShownMask, SeriesOutline } from '../../src/state/segmentation.svelte.ts';

/** Two "lungs": image-left block 30x50 px, image-right 20x40, on a 100x80 image. */
function lungs(): Uint8Array {
  const mask = new Uint8Array(100 * 80);
  for (let y = 10; y < 60; y++) mask.fill(1, y * 100 + 10, y * 100 + 40);
  for (let y = 10; y < 50; y++) mask.fill(1, y * 100 + 60, y * 100 + 80);
  return mask;
}

describe('measurements of a corrected mask', () => {
  it('agrees with the model measurement before any edit', () => {
    const m = lungs();
    const model = measureLungs(m, 100, 80, [0.5, 0.5]);
    const edited = measureEditedLungs(m, 100, 80, [0.5, 0.5]);
    expect([edited.right, edited.left, edited.total]).toEqual([model.right, model.left, model.total]);
    expect(edited.mask).toEqual(model.mask);
  });

  it('counts a region painted apart from the lungs on its side, and a lung cut in two stays one side', () => {
    const m = lungs();
    const grid = { width: 100, height: 80, mask: m };
    // A radius-2 disc (13 px) right of the image-right lung: the patient's left.
    expect(paintDisc(grid, [90.5, 30.5], 2, 1)?.changed).toBe(13);
    let r = measureEditedLungs(m, 100, 80);
    expect(r.total).toEqual({ value: 1500 + 800 + 13, unit: 'px' });
    expect(r.left).toEqual({ value: 813, unit: 'px' });
    // Erase a 2-row band across the image-left lung (rows 29 and 30 centres within 1 px of y = 30).
    expect(paintStroke(grid, [0, 30], [50, 30], 1, 0)?.changed).toBe(60);
    r = measureEditedLungs(m, 100, 80);
    expect(r.right).toEqual({ value: 1440, unit: 'px' });
    expect(r.total.value).toBe(1440 + 813);
  });

  it('gives no sides for one region', () => {
    const m = new Uint8Array(100);
    m.fill(1, 0, 30);
    expect(measureEditedLungs(m, 10, 10)).toEqual({ mask: m, total: { value: 30, unit: 'px' } });
  });

  it('rebuilds the shown result and the series volume with the edited mark', () => {
    const mask = lungs();
    const shown: ShownMask = { modelId: 'lungs-cxr', backend: 'wasm', ms: 1, width: 100, height: 80, mask, ref: { key: 'a', frame: 0 }, lungs: measureLungs(mask, 100, 80), noSpacing: true, scopeReasons: [] };
    paintDisc({ width: 100, height: 80, mask }, [20.5, 20.5], 50, 0);
    const after = remeasureShown(shown, true);
    expect(after.edited).toBe(true);
    expect(after.lungs?.total.value).toBeLessThan(2300);
    const tumour = new Uint8Array(100).fill(1, 0, 40);
    const other = new Uint8Array(100).fill(1, 0, 10);
    const series: SeriesOutline = { modelId: 'brain-flair', seriesUID: 's', total: 2, scopeReasons: [], spacing: [1, 1], thicknessMm: 5, volume: { millilitres: 0.25 },
      slices: [{ ref: { key: 'a', frame: 0 }, width: 10, height: 10, mask: tumour, pixels: 40 }, { ref: { key: 'b', frame: 0 }, width: 10, height: 10, mask: other, pixels: 10 }] };
    tumour.fill(0, 20, 40);
    const edited = remeasureSeries(series, tumour, true);
    // (20 + 10) px x 1 mm² x 5 mm = 150 mm³.
    expect(edited.volume?.millilitres).toBeCloseTo(0.15, 10);
    expect(edited.edited).toBe(true);
    expect(edited.slices.map((s) => s.edited === true)).toEqual([true, false]);
    expect(remeasureSeries(edited, tumour, false).edited).toBe(false);
  });

  it('redraws one box of the overlay exactly as the whole overlay has it', () => {
    const mask = lungs();
    const full = maskOverlay(mask, 100, 80, 0.35);
    const box = { left: 35, top: 5, right: 65, bottom: 20 };
    const part = maskOverlayBox(mask, 100, 80, 0.35, box);
    for (let y = box.top; y < box.bottom; y++) {
      expect(Array.from(part.subarray((y - box.top) * 30 * 4, (y - box.top + 1) * 30 * 4))).toEqual(Array.from(full.subarray((y * 100 + 35) * 4, (y * 100 + 65) * 4)));
    }
  });
});
