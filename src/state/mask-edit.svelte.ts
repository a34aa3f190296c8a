/**
 * Correcting an outline by hand: the chosen tool and brush size, the stroke in progress, and
 * the strokes that can be undone. A stroke paints straight into the segmentation state's mask
 * (plain data, kept for reports and fine-tuning); when it ends the measurements are redone.
 */
import { growBox, paintStroke, restorePatch, takePatch, unionBox, type Box, type MaskGrid, type Patch, type Point } from '../render/brush.ts';
import { segmentation } from './segmentation.svelte.ts';
import { segTeach } from './seg-teach.svelte.ts';

export type EditTool = 'navigate' | 'brush' | 'eraser';

interface Stroke {
  grid: MaskGrid;
  /** The bytes under the stroke before it. */
  patch: Patch;
  /** Whether the mask was already marked edited, so undoing the first stroke clears the mark. */
  wasEdited: boolean;
}

interface Active {
  grid: MaskGrid;
  before: Uint8Array;
  box: Box | undefined;
  last: Point;
  value: 0 | 1;
}

/** Enough to walk back a correction; each stroke keeps only its own box. */
const MAX_STROKES = 50;

export class MaskEditState {
  tool = $state<EditTool>('navigate');
  /** Brush radius in image pixels. */
  radius = $state(8);
  strokes = $state.raw<readonly Stroke[]>([]);
  #active: Active | undefined;

  get painting(): boolean {
    return this.#active !== undefined;
  }

  /** Starts a stroke at `p`; returns the box to redraw (grown by one pixel: outline edges move too). */
  begin(grid: MaskGrid, p: Point): Box | undefined {
    if (this.tool === 'navigate') return undefined;
    // A copy of the whole mask for a moment: at the end only the stroke's box is kept.
    this.#active = { grid, before: grid.mask.slice(), box: undefined, last: p, value: this.tool === 'brush' ? 1 : 0 };
    return this.moveTo(p);
  }

  moveTo(p: Point): Box | undefined {
    const a = this.#active;
    if (!a) return undefined;
    const painted = paintStroke(a.grid, a.last, p, this.radius, a.value);
    a.last = p;
    if (!painted) return undefined;
    a.box = unionBox(a.box, painted.box);
    return growBox(painted.box, 1, a.grid.width, a.grid.height);
  }

  /** Ends the stroke: it becomes undoable and the areas and volume are measured again. */
  end(): void {
    const a = this.#active;
    this.#active = undefined;
    if (!a?.box) return;
    const stroke = { grid: a.grid, patch: takePatch(a.before, a.grid.width, a.box), wasEdited: editedNow(a.grid.mask) };
    this.strokes = [...this.strokes.slice(1 - MAX_STROKES), stroke];
    segmentation.markEdited(a.grid.mask, true);
    segTeach.track(a.grid.mask);
  }

  get canUndo(): boolean {
    return this.strokes.some((s) => segmentation.holds(s.grid.mask));
  }

  /** Puts back the bytes under the last stroke on a mask still shown; strokes on replaced results are dropped. */
  undo(): void {
    if (this.#active) return;
    const strokes = [...this.strokes];
    let stroke = strokes.pop();
    while (stroke && !segmentation.holds(stroke.grid.mask)) stroke = strokes.pop();
    this.strokes = strokes;
    if (!stroke) return;
    restorePatch(stroke.grid, stroke.patch);
    segmentation.markEdited(stroke.grid.mask, stroke.wasEdited);
    segTeach.track(stroke.grid.mask);
  }
}

function editedNow(mask: Uint8Array): boolean {
  if (segmentation.result?.mask === mask) return segmentation.result.edited === true;
  return segmentation.series?.slices.find((s) => s.mask === mask)?.edited === true;
}

export const maskEdit = new MaskEditState();
