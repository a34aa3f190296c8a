/**
 * Images to the ML worker for fine-tuning, a batch at a time: each frame is decoded by the
 * imaging worker only when its batch is built, turned into a grey image, and transferred, so
 * the page never holds more than one batch of pixels (2,000 images must not fill memory). The
 * worker keeps features, not images.
 */
import { frameToGrey } from '../imaging/to-grey.ts';
import type { PreparedImage } from '../ml/api-finetune.ts';
import { studies, type FrameRef } from './studies.svelte.ts';
import { teachClient } from './teach-client.ts';

const BATCH_IMAGES = 16;
/** A batch is also cut when its pixels reach this many bytes (large DICOM films). */
const BATCH_BYTES = 64 * 1024 * 1024;

/** What the worker holds features for, per base model; checked against the worker's own count. */
const prepared = new Map<string, Set<string>>();

export interface PrepareItem extends FrameRef {
  id: string;
}

/**
 * Send the images not yet prepared under `baseModelId`. If the worker holds fewer than the page
 * thinks (it was restarted, or the backend changed), everything is sent again.
 */
export async function prepareAll(baseModelId: string, items: readonly PrepareItem[], onProgress: (done: number, total: number) => void, signal: AbortSignal): Promise<void> {
  let known = prepared.get(baseModelId) ?? new Set<string>();
  const held = await teachClient.prepareImages(baseModelId, []);
  if (held.prepared < known.size) known = new Set();
  prepared.set(baseModelId, known);
  const todo = items.filter((i) => !known.has(i.id));
  let done = items.length - todo.length;
  onProgress(done, items.length);
  let batch: PreparedImage[] = [];
  let bytes = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const ids = batch.map((b) => b.id);
    // No signal: an aborted call kills the worker, and with it every feature already prepared.
    await teachClient.prepareImages(baseModelId, batch);
    for (const id of ids) known.add(id);
    done += ids.length;
    batch = [];
    bytes = 0;
    onProgress(done, items.length);
  };
  for (const item of todo) {
    if (signal.aborted) throw new DOMException('cancelled', 'AbortError');
    const image = frameToGrey(await studies.decode(item));
    batch.push({ id: item.id, image });
    bytes += image.pixels.byteLength;
    if (batch.length >= BATCH_IMAGES || bytes >= BATCH_BYTES) await flush();
  }
  await flush();
}
