/**
 * A deck zip built from real DICOM files round-trips byte for byte, and a hostile or broken
 * zip is refused with a sentence that says why, before anything is used.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { strToU8, zipSync, Zip, ZipDeflate } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { ModelFiles } from '../../src/ml/api-finetune.ts';
import { DECK_FORMAT, DECK_VERSION, type Deck, type DeckCase } from '../../src/teach/deck.ts';
import { checkDeck, entryNameProblem, safeFileName } from '../../src/teach/deck-validate.ts';
import { readDeckZip, writeDeckZip } from '../../src/teach/deck-zip.ts';
import { dataPath, skipWithoutData } from '../helpers/data.ts';

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function realCase(id: string, folder: string, names: string[], diagnosis: string): { item: DeckCase; files: Map<string, Blob> } {
  const files = new Map(names.map((n) => [`files/${id}/${n}`, new Blob([readFileSync(dataPath('dicom', folder, n))])]));
  const item: DeckCase = { id, title: `${folder} case`, notes: 'Look at the hila first.', diagnosis, choices: ['Normal', 'Pneumonia'], files: [...files.keys()], frame: 0, models: { classifier: 'pneumonia-cxr' }, reveal: ['diagnosis', 'probability', 'heatmap'] };
  return { item, files };
}

function realDeck(): { deck: Deck; files: Map<string, Blob> } {
  const chest = realCase('chest', 'chest_radiograph', ['CR-MONO1-10-chest.dcm'], 'Normal');
  const mrNames = readdirSync(dataPath('dicom', 'mr_series_bbmri_6slice')).filter((n) => n.endsWith('.dcm')).sort();
  const mr = realCase('mr', 'mr_series_bbmri_6slice', mrNames, 'Normal brain');
  mr.item.frame = 3;
  mr.item.preset = 'brain';
  const deck: Deck = { format: DECK_FORMAT, version: DECK_VERSION, id: 'lecture1', title: 'Chest and brain', createdAt: '2026-12-01T10:00:00.000Z', cases: [chest.item, mr.item] };
  return { deck, files: new Map([...chest.files, ...mr.files]) };
}

const model: ModelFiles = {
  modelJson: '{"format":"layers-model"}',
  weights: Uint8Array.from({ length: 50_000 }, (_, i) => (i * 13) % 256).buffer,
  card: '# My TB model\n',
  meta: { id: 'user:abc', name: 'My TB model', createdAt: '2026-01-01T00:00:00.000Z', baseModelId: 'pneumonia-cxr', baseModelVersion: '1.0.0', classNames: ['normal', 'tb'], mode: 'head', data: { train: [1, 2], validation: [3, 4] }, metrics: {} },
};

const tinyDeck = (files: string[], extra: Partial<DeckCase> = {}): Deck => ({
  format: DECK_FORMAT, version: DECK_VERSION, id: 'd1', title: 'Tiny', createdAt: '2026-12-01T10:00:00.000Z',
  cases: [{ id: 'c1', title: 'One', notes: '', diagnosis: 'Normal', choices: ['Normal'], files, frame: 0, models: {}, reveal: ['diagnosis'], ...extra }],
});

const zipOf = (entries: Record<string, Uint8Array>): Blob => new Blob([zipSync(entries)]);
const reasonOf = async (blob: Blob): Promise<string> => {
  const read = await readDeckZip(blob);
  return read.ok ? 'accepted' : read.reason;
};

describe.skipIf(skipWithoutData)('deck zip round trip with real DICOM files', () => {
  it('gives back the deck and every file byte for byte, and the carried model', async () => {
    const { deck, files } = realDeck();
    const withModel: Deck = { ...deck, model: { id: model.meta.id, name: model.meta.name } };
    const zip = await writeDeckZip(withModel, files, model);
    const read = await readDeckZip(zip);
    expect(read.ok ? 'accepted' : read.reason).toBe('accepted');
    if (!read.ok) return;
    expect(read.deck).toEqual(withModel);
    expect([...read.files.keys()].sort()).toEqual([...files.keys()].sort());
    for (const [path, blob] of files) {
      const back = read.files.get(path);
      expect(back && sha(new Uint8Array(await back.arrayBuffer())), path).toBe(sha(new Uint8Array(await blob.arrayBuffer())));
    }
    expect(read.model?.meta.name).toBe('My TB model');
    expect(new Uint8Array(read.model?.weights ?? new ArrayBuffer(0))).toEqual(new Uint8Array(model.weights));
    // Seven real files (one CR, six MR slices) in one zip, compressed.
    expect(read.files.size).toBe(7);
    const raw = [...files.values()].reduce((s, b) => s + b.size, 0);
    expect(zip.size).toBeLessThan(raw);
  });

  it('refuses a deck that says it carries a model the zip lacks', async () => {
    const { deck, files } = realDeck();
    const zip = await writeDeckZip({ ...deck, model: { id: 'user:x', name: 'Gone' } }, files);
    expect(await reasonOf(zip)).toMatch(/carries a model, but the zip lacks model\/model\.json/);
  });

  it('refuses to export a deck whose case file is missing', async () => {
    const { deck, files } = realDeck();
    files.delete('files/chest/CR-MONO1-10-chest.dcm');
    await expect(writeDeckZip(deck, files)).rejects.toThrow(/needs "files\/chest\/CR-MONO1-10-chest\.dcm", which is not in the deck/);
  });
});

describe('a hostile or broken deck zip is refused with its reason', () => {
  const dicom = strToU8('not really DICOM, but bytes');
  const good = tinyDeck(['files/c1/a.dcm']);

  it('accepts the well-formed tiny deck (so the refusals below are about what was changed)', async () => {
    expect(await reasonOf(zipOf({ 'deck.json': strToU8(JSON.stringify(good)), 'files/c1/a.dcm': dicom }))).toBe('accepted');
  });

  it('refuses an entry that climbs out of its folder, or an absolute one', async () => {
    const evil = zipOf({ 'deck.json': strToU8(JSON.stringify(good)), 'files/c1/a.dcm': dicom, 'files/c1/../../evil': dicom });
    expect(await reasonOf(evil)).toMatch(/^This deck was not imported: the entry "files\/c1\/..\/..\/evil" points outside its folder/);
    expect(await reasonOf(zipOf({ '../evil': dicom, 'deck.json': strToU8(JSON.stringify(good)) }))).toMatch(/"\.\.\/evil" points outside its folder/);
    expect(await reasonOf(zipOf({ '/etc/passwd': dicom }))).toMatch(/"\/etc\/passwd" has an absolute path/);
    expect(await reasonOf(zipOf({ 'deck.json': strToU8(JSON.stringify(good)), 'run.sh': dicom }))).toMatch(/"run\.sh" is not part of a Hilum deck/);
  });

  it('refuses a deck whose case needs a file the zip does not hold', async () => {
    const missing = tinyDeck(['files/c1/a.dcm', 'files/c1/b.dcm']);
    expect(await reasonOf(zipOf({ 'deck.json': strToU8(JSON.stringify(missing)), 'files/c1/a.dcm': dicom }))).toBe('This deck was not imported: case 1 needs "files/c1/b.dcm", which is not in the deck.');
  });

  it('refuses an entry that declares a huge size, before inflating it', async () => {
    const bytes = zipSync({ 'deck.json': strToU8(JSON.stringify(good)), 'files/c1/a.dcm': dicom });
    // The second local header's uncompressed size (offset 22) set to 4 GB - 1.
    const second = bytes.findIndex((b, i) => i > 0 && b === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 3 && bytes[i + 3] === 4);
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(second + 22, 0xffffffff, true);
    expect(await reasonOf(new Blob([bytes]))).toMatch(/"files\/c1\/a\.dcm" declares 4096 MiB uncompressed, more than a deck may hold/);
  });

  it('stops an entry that inflates past its cap although its header declares nothing', async () => {
    const out: BlobPart[] = [];
    const zip = new Zip((error, chunk) => {
      // fflate's chunks are over plain ArrayBuffers; the DOM types want that said.
      if (!error) out.push(chunk as Uint8Array<ArrayBuffer>);
    });
    // Streamed entries carry no size up front: only counting what really inflates catches this.
    const bomb = new ZipDeflate('deck.json', { level: 9 });
    zip.add(bomb);
    for (let i = 0; i < 5; i++) bomb.push(new Uint8Array(1024 ** 2).fill(32), i === 4);
    zip.end();
    const blob = new Blob(out);
    expect(blob.size).toBeLessThan(64 * 1024);
    expect(await reasonOf(blob)).toMatch(/"deck\.json" inflates to more than 4 MiB/);
  });

  it('refuses a bad deck.json: not JSON, not a deck, a bad field', async () => {
    const withJson = (json: string): Blob => zipOf({ 'deck.json': strToU8(json), 'files/c1/a.dcm': dicom });
    expect(await reasonOf(withJson('{"format":'))).toMatch(/deck\.json is not valid JSON/);
    expect(await reasonOf(withJson('{"format":"something-else"}'))).toMatch(/not a Hilum deck/);
    expect(await reasonOf(withJson(JSON.stringify({ ...good, version: 9 })))).toMatch(/version 9 of the deck format/);
    expect(await reasonOf(withJson(JSON.stringify(tinyDeck(['files/c1/a.dcm'], { title: 'x'.repeat(201) }))))).toMatch(/case 1: the title is longer than 200 characters/);
    expect(await reasonOf(withJson(JSON.stringify(tinyDeck(['files/c1/a.dcm'], { frame: -1 }))))).toMatch(/case 1: "frame" is not a whole number/);
    expect(await reasonOf(withJson(JSON.stringify(tinyDeck(['files/c1/a.dcm'], { preset: 'disco' }))))).toMatch(/window preset is not one of lung/);
    expect(await reasonOf(withJson(JSON.stringify(tinyDeck(['files/other/a.dcm']))))).toMatch(/lists a file outside files\/c1\//);
    expect(await reasonOf(zipOf({ 'files/c1/a.dcm': dicom }))).toMatch(/there is no deck\.json/);
  });

  it('refuses a file that is not a zip at all', async () => {
    expect(await reasonOf(new Blob(['hello, I am a text file']))).toBe('This deck was not imported: the file is not a zip.');
  });
});

describe('deck checks', () => {
  it('names unsafe entry names and accepts ordinary ones', () => {
    expect(entryNameProblem('files/c1/IM0001.dcm')).toBeUndefined();
    expect(entryNameProblem('files\\c1\\a.dcm')).toMatch(/backslash/);
    expect(entryNameProblem('C:/Windows/a')).toMatch(/absolute/);
    expect(entryNameProblem('files//a')).toMatch(/outside its folder/);
  });

  it('refuses two cases with one id and too many choices', () => {
    const deck = tinyDeck(['files/c1/a.dcm']);
    const first = deck.cases[0];
    if (!first) throw new Error('no case');
    expect(checkDeck({ ...deck, cases: [first, first] }, new Set(['files/c1/a.dcm']))).toEqual({ ok: false, reason: 'two cases share an id' });
    const many = tinyDeck(['files/c1/a.dcm'], { choices: Array.from({ length: 21 }, (_, i) => `c${i}`) });
    expect(checkDeck(many, new Set(['files/c1/a.dcm']))).toEqual({ ok: false, reason: 'case 1: "choices" is not a list of at most 20' });
  });

  it('makes safe, unique file names from dropped paths', () => {
    expect(safeFileName('study/series 1/IM 0001.dcm', new Set())).toBe('IM_0001.dcm');
    expect(safeFileName('a/../..', new Set())).toBe('file');
    expect(safeFileName('x/IM1.dcm', new Set(['IM1.dcm']))).toBe('2-IM1.dcm');
  });
});
