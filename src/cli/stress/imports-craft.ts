/**
 * Malicious imports, made in Node from a real export of the app (a model bundle and a deck zip
 * it downloaded): each changes one thing an attacker controls and names the refusal the app
 * must give. Two are not refusals: HTML in a name must be imported and shown as text.
 */
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Zip, ZipDeflate, unzipSync, zipSync } from 'fflate';
import { HOSTILE_NAME } from './hostile.ts';

export interface Crafted {
  what: string;
  file: string;
  kind: 'model' | 'deck';
  /** The refusal the UI must show; undefined: it must be imported, its name shown as text. */
  refusal?: RegExp;
}

interface Bundle { meta: Record<string, unknown>; modelJson: string; card: string; weightsBase64: string }
interface Spec { name: string; shape: number[] }
interface Layer { name: string; class_name: string; inbound_nodes: unknown[] }
interface ModelJson { modelTopology: { config: { layers: Layer[] } }; weightsManifest: { weights: Spec[] }[] }

const elements = (shape: number[]): number => shape.reduce((p, d) => p * d, 1);

/** A head fed by the raw image (statistics of input1), the backbone left in but unused; weights re-made to fit, so only the graph is wrong. */
function bypassed(bundle: Bundle): Bundle {
  const json = JSON.parse(bundle.modelJson) as ModelJson;
  const layers = json.modelTopology.config.layers;
  const input = layers[0]?.name ?? 'input1';
  const stats = layers.filter((l) => l.name.startsWith('stats_'));
  for (const l of stats) l.inbound_nodes = [[[input, 0, 0, {}]]];
  const weights = Buffer.from(bundle.weightsBase64, 'base64');
  const specs = json.weightsManifest[0]?.weights ?? [];
  const parts: Buffer[] = [];
  let at = 0;
  for (const spec of specs) {
    const bytes = elements(spec.shape) * 4;
    if (spec.name === 'classifier/kernel') {
      spec.shape = [2 * stats.length, spec.shape[1] ?? 2];
      parts.push(Buffer.from(new Float32Array(elements(spec.shape)).fill(0.01).buffer));
    } else parts.push(weights.subarray(at, at + bytes));
    at += bytes;
  }
  return { ...bundle, modelJson: JSON.stringify(json), weightsBase64: Buffer.concat(parts).toString('base64') };
}

function editJson(bundle: Bundle, edit: (json: ModelJson) => void): Bundle {
  const json = JSON.parse(bundle.modelJson) as ModelJson;
  edit(json);
  return { ...bundle, modelJson: JSON.stringify(json) };
}

/** A deck zip whose extra entry inflates past the 512 MiB an entry may hold; streamed, so its header declares no size. */
async function zipBomb(entries: Record<string, Uint8Array>, caseDir: string, file: string): Promise<void> {
  const out = createWriteStream(file);
  const zip = new Zip((error, chunk) => {
    if (error) throw error;
    out.write(chunk);
  });
  for (const [name, data] of Object.entries(entries)) {
    const entry = new ZipDeflate(name, { level: 6 });
    zip.add(entry);
    entry.push(data, true);
  }
  const bomb = new ZipDeflate(`${caseDir}bomb.dcm`, { level: 9 });
  zip.add(bomb);
  const zeros = new Uint8Array(16 * 1024 ** 2);
  for (let i = 0; i < 40; i++) bomb.push(zeros, false);
  bomb.push(new Uint8Array(0), true);
  zip.end();
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

export async function craft(dir: string, bundleFile: string, deckFile: string): Promise<Crafted[]> {
  const bundle = JSON.parse(readFileSync(bundleFile, 'utf8')) as Bundle;
  const out: Crafted[] = [];
  const model = (what: string, value: Bundle | string, refusal?: RegExp): void => {
    const file = join(dir, `model-${out.length}.hilum-model.json`);
    writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
    out.push({ what, file, kind: 'model', ...(refusal ? { refusal } : {}) });
  };
  const truncated: Bundle = { ...bundle, weightsBase64: Buffer.from(bundle.weightsBase64, 'base64').subarray(0, 1024).toString('base64') };
  model('weightsManifest claims far more bytes than the 1 kB weights', truncated, /describes \d+ bytes but the weights file has 1024/);
  model('a weight of shape [1e6, 1e6]', editJson(bundle, (j) => { const s = j.weightsManifest[0]?.weights.find((w) => w.name === 'classifier/kernel'); if (s) s.shape = [1e6, 1e6]; }), /must be a whole number from 0 to 8192/);
  model('a Lambda layer (not an allowed class)', editJson(bundle, (j) => { const l = j.modelTopology.config.layers[1]; if (l) l.class_name = 'Lambda'; }), /unknown layer class "Lambda"/);
  model('a head fed by the raw image, bypassing the backbone', bypassed(bundle), /bypass the backbone/);
  model('a 64 MB JSON file', { ...bundle, card: 'A'.repeat(64 * 1024 ** 2) }, /at most 40 MB, so it was not read/);
  model('HTML in the model name', { ...bundle, meta: { ...bundle.meta, name: HOSTILE_NAME } });

  const entries = unzipSync(new Uint8Array(readFileSync(deckFile)));
  const deckJson = JSON.parse(new TextDecoder().decode(entries['deck.json'])) as { title: string; cases: { frame: number; files: string[] }[]; model?: unknown };
  const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
  const deck = (what: string, files: Record<string, Uint8Array>, refusal?: RegExp): void => {
    const file = join(dir, `deck-${out.length}.hilum-deck.zip`);
    writeFileSync(file, zipSync(files));
    out.push({ what, file, kind: 'deck', ...(refusal ? { refusal } : {}) });
  };
  const caseDir = (deckJson.cases[0]?.files[0] ?? 'files/x/a').replace(/[^/]+$/, '');
  const bombFile = join(dir, `deck-${out.length}.hilum-deck.zip`);
  await zipBomb(entries, caseDir, bombFile);
  out.push({ what: 'a zip bomb (an entry inflating to 640 MiB, no size declared)', file: bombFile, kind: 'deck', refusal: /inflates to more than 512 MiB/ });
  deck('deck.json failing the schema (frame -1)', { ...entries, 'deck.json': encode({ ...deckJson, cases: deckJson.cases.map((c) => ({ ...c, frame: -1 })) }) }, /"frame" is not a whole number/);
  deck('an entry named ../evil.sh', { ...entries, '../evil.sh': new TextEncoder().encode('rm -rf ~') }, /"\.\.\/evil\.sh" points outside its folder/);
  const withModel = { ...deckJson, model: { id: String(bundle.meta.id), name: 'Carried' } };
  const t = Buffer.from(truncated.weightsBase64, 'base64');
  deck('a deck carrying the truncated model', {
    ...entries, 'deck.json': encode(withModel), 'model/model.json': new TextEncoder().encode(bundle.modelJson), 'model/weights.bin': new Uint8Array(t), 'model/card.md': new TextEncoder().encode(bundle.card), 'model/meta.json': encode(bundle.meta),
  }, /its model was refused .*describes \d+ bytes but the weights file has 1024/);
  deck('HTML in the deck title', { ...entries, 'deck.json': encode({ ...deckJson, title: HOSTILE_NAME }) });
  return out;
}
