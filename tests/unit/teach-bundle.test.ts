import { describe, expect, it } from 'vitest';
import type { ModelFiles } from '../../src/ml/api-finetune.ts';
import { fromBundle, fromPicked, toBundle, type NamedFile } from '../../src/teach/model-bundle.ts';

const files: ModelFiles = {
  modelJson: '{"format":"layers-model"}',
  weights: Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256).buffer,
  card: '# TB screen\n',
  meta: { id: 'user:1', name: 'TB screen', createdAt: '2026-01-01T00:00:00.000Z', baseModelId: 'pneumonia-cxr', baseModelVersion: '1.0.0', classNames: ['normal', 'tb'], mode: 'head', data: { train: [1, 2], validation: [3, 4] }, metrics: { auc: 0.8, aucCi95: [0.7, 0.9] } },
};

const named = (name: string, content: string | ArrayBuffer): NamedFile => ({
  name,
  text: () => Promise.resolve(typeof content === 'string' ? content : new TextDecoder().decode(content)),
  arrayBuffer: () => Promise.resolve(typeof content === 'string' ? new TextEncoder().encode(content).buffer : content),
});

describe('model export bundle', () => {
  it('round-trips every byte of the weights, the model, the card and the meta', () => {
    const back = fromBundle(toBundle(files));
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    expect(new Uint8Array(back.files.weights)).toEqual(new Uint8Array(files.weights));
    expect({ ...back.files, weights: undefined }).toEqual({ ...files, weights: undefined });
  });

  it('reads the four separate files picked together, and names what is missing', async () => {
    const four = [named('tb-model.json', files.modelJson), named('tb-weights.bin', files.weights), named('tb-card.md', files.card), named('tb-meta.json', JSON.stringify(files.meta))];
    const back = await fromPicked(four);
    expect(back.ok && back.files.meta.name).toBe('TB screen');
    const missing = await fromPicked(four.slice(0, 2));
    expect(missing).toEqual({ ok: false, reason: 'pick the one exported .json file, or all four files; missing: card.md, meta.json' });
  });

  it('refuses what is not an export, with the reason', () => {
    expect(fromBundle('not json')).toEqual({ ok: false, reason: 'the file is not JSON' });
    expect(fromBundle('{"format":"layers-model"}').ok).toBe(false);
    const newer = JSON.parse(toBundle(files)) as Record<string, unknown>;
    newer.version = 9;
    expect(fromBundle(JSON.stringify(newer))).toEqual({ ok: false, reason: 'it is version 9 of the export format; this Hilum reads version 1' });
  });
});
