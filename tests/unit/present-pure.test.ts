import { describe, expect, it } from 'vitest';
import { STOPPED, clock, elapsed, pause, reset, start } from '../../src/teach/present-timer.ts';
import { contrastRatio, parseColour } from '../../src/render/contrast.ts';
import { windowShows } from '../../src/render/present-window.ts';

describe('presenter timer', () => {
  it('counts only while running, across pauses, and resets to zero keeping its state', () => {
    const running = start(STOPPED, 1_000);
    expect(elapsed(running, 4_000)).toBe(3_000);
    const paused = pause(running, 4_000);
    expect(elapsed(paused, 60_000)).toBe(3_000);
    const again = start(paused, 10_000);
    expect(elapsed(again, 12_500)).toBe(5_500);
    expect(start(again, 11_000)).toBe(again);
    expect(elapsed(reset(again, 20_000), 21_000)).toBe(1_000);
    expect(reset(paused, 20_000)).toEqual(STOPPED);
  });

  it('writes minutes and seconds, with hours past the hour', () => {
    expect([clock(0), clock(65_400), clock(3_725_000), clock(-5)]).toEqual(['0:00', '1:05', '1:02:05', '0:00']);
  });
});

describe('contrast', () => {
  it('gives the WCAG figures for known pairs and reads computed colours', () => {
    expect(contrastRatio([0, 0, 0], [255, 255, 255])).toBeCloseTo(21, 5);
    expect(contrastRatio([118, 118, 118], [255, 255, 255])).toBeCloseTo(4.54, 2);
    expect(parseColour('rgb(255, 212, 0)')).toEqual([255, 212, 0]);
    expect(parseColour('rgba(1, 2, 3, 0.5)')).toEqual([1, 2, 3]);
    expect(parseColour('#0a0B0c')).toEqual([10, 11, 12]);
    expect(parseColour('red')).toBeUndefined();
  });
});

describe('presented window', () => {
  const lung = { center: -600, width: 1500 };
  it('keeps a preset that shows the image and drops one that leaves it one flat shade', () => {
    // A chest CT slice: air, lung and soft tissue, most of it on the lung window's ramp.
    const ct = Int16Array.from({ length: 10_000 }, (_, i) => (i % 4 === 0 ? -1000 : i % 4 === 1 ? -800 : i % 4 === 2 ? 40 : 900));
    expect(windowShows(lung, ct)).toBe(true);
    // A radiograph's raw 0..979 values (MONOCHROME1 CR): under 1% between -1350 and 150.
    const cr = Uint16Array.from({ length: 10_000 }, (_, i) => (i < 60 ? 0 : 400 + (i % 580)));
    expect(windowShows(lung, cr)).toBe(false);
    expect(windowShows(lung, new Uint16Array(0))).toBe(false);
  });
});
