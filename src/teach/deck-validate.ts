/**
 * The checks a deck passes before it is saved or imported: deck.json's shape field by field
 * (types, lengths, counts), every referenced file present, and entry names that cannot escape
 * a folder. A refusal is a sentence for the teacher, never a stack trace. Plain data, no DOM.
 */
import { WINDOW_PRESETS } from '../render/window.ts';
import { DECK_FORMAT, DECK_LIMITS, DECK_VERSION, REVEAL_STEPS, type Deck, type DeckCase, type RevealStep } from './deck.ts';

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why a zip entry name is unsafe or unusable, or undefined when it is fine. */
export function entryNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > DECK_LIMITS.path) return `an entry name is empty or longer than ${DECK_LIMITS.path} characters`;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f\\]/.test(name)) return `the entry "${printable(name)}" has a backslash or a control character in its name`;
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return `the entry "${printable(name)}" has an absolute path`;
  const parts = name.replace(/\/$/, '').split('/');
  if (parts.some((p) => p === '..' || p === '.' || p === '')) return `the entry "${printable(name)}" points outside its folder (".." or an empty part in its path)`;
  return undefined;
}

/** A name as it may be shown: short, and without characters that would garble the message. */
function printable(name: string): string {
  // eslint-disable-next-line no-control-regex -- replaced so they cannot garble the message
  const clean = name.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 80 ? `${clean.slice(0, 77)}...` : clean;
}

function text(value: unknown, field: string, max: number, required = true): string {
  if (typeof value !== 'string') throw new Error(`${field} is not text`);
  if (required && value.trim() === '') throw new Error(`${field} is empty`);
  if (value.length > max) throw new Error(`${field} is longer than ${max} characters`);
  return value;
}

function checkModels(value: unknown, where: string): DeckCase['models'] {
  if (!isRecord(value)) throw new Error(`${where}: "models" is not an object`);
  const models: DeckCase['models'] = {};
  if (value.classifier !== undefined) models.classifier = text(value.classifier, `${where}: the classifier id`, 200);
  if (value.segmenter !== undefined) models.segmenter = text(value.segmenter, `${where}: the segmenter id`, 200);
  return models;
}

function checkCase(value: unknown, index: number, names: ReadonlySet<string>): DeckCase {
  const where = `case ${index + 1}`;
  if (!isRecord(value)) throw new Error(`${where} is not an object`);
  if (typeof value.id !== 'string' || !ID.test(value.id)) throw new Error(`${where} has no valid id (letters, digits, - and _, at most 64)`);
  const files = value.files;
  if (!Array.isArray(files) || files.length === 0) throw new Error(`${where} lists no files`);
  if (files.length > DECK_LIMITS.filesPerCase) throw new Error(`${where} lists ${files.length} files; a case may hold at most ${DECK_LIMITS.filesPerCase}`);
  for (const file of files) {
    if (typeof file !== 'string' || !file.startsWith(`files/${value.id}/`)) throw new Error(`${where} lists a file outside files/${value.id}/`);
    const bad = entryNameProblem(file);
    if (bad) throw new Error(`${where}: ${bad}`);
    if (!names.has(file)) throw new Error(`${where} needs "${printable(file)}", which is not in the deck`);
  }
  const choices = value.choices;
  if (!Array.isArray(choices) || choices.length > DECK_LIMITS.choices) throw new Error(`${where}: "choices" is not a list of at most ${DECK_LIMITS.choices}`);
  const frame = value.frame;
  if (typeof frame !== 'number' || !Number.isInteger(frame) || frame < 0 || frame >= 100_000) throw new Error(`${where}: "frame" is not a whole number from 0`);
  if (value.preset !== undefined && (typeof value.preset !== 'string' || !(value.preset in WINDOW_PRESETS))) throw new Error(`${where}: the window preset is not one of ${Object.keys(WINDOW_PRESETS).join(', ')}`);
  const reveal = value.reveal;
  if (!Array.isArray(reveal) || reveal.length > REVEAL_STEPS.length || !reveal.every((s): s is RevealStep => REVEAL_STEPS.includes(s as RevealStep))) throw new Error(`${where}: "reveal" has a step other than ${REVEAL_STEPS.join(', ')}`);
  const checked: DeckCase = {
    id: value.id, title: text(value.title, `${where}: the title`, DECK_LIMITS.title), notes: text(value.notes, `${where}: the notes`, DECK_LIMITS.notes, false),
    diagnosis: text(value.diagnosis, `${where}: the diagnosis`, DECK_LIMITS.diagnosis, false),
    choices: choices.map((c, i) => text(c, `${where}: choice ${i + 1}`, DECK_LIMITS.choice)), files: files as string[], frame,
    models: checkModels(value.models, where), reveal: [...new Set(reveal)],
  };
  if (typeof value.preset === 'string') checked.preset = value.preset;
  return checked;
}

function checkDeckFields(value: unknown, names: ReadonlySet<string>): Deck {
  if (!isRecord(value)) throw new Error('deck.json is not an object');
  if (value.format !== DECK_FORMAT) throw new Error(`deck.json is not a Hilum deck (no "format": "${DECK_FORMAT}")`);
  if (value.version !== DECK_VERSION) throw new Error(`it is version ${String(value.version)} of the deck format; this Hilum reads version ${DECK_VERSION}`);
  if (typeof value.id !== 'string' || !ID.test(value.id)) throw new Error('the deck has no valid id');
  const cases = value.cases;
  if (!Array.isArray(cases)) throw new Error('deck.json has no list of cases');
  if (cases.length > DECK_LIMITS.cases) throw new Error(`the deck has ${cases.length} cases; at most ${DECK_LIMITS.cases} are allowed`);
  const checked = cases.map((c, i) => checkCase(c, i, names));
  if (new Set(checked.map((c) => c.id)).size !== checked.length) throw new Error('two cases share an id');
  const deck: Deck = { format: DECK_FORMAT, version: DECK_VERSION, id: value.id, title: text(value.title, 'the deck title', DECK_LIMITS.title), createdAt: text(value.createdAt, 'createdAt', 40), cases: checked };
  if (value.updatedAt !== undefined) deck.updatedAt = text(value.updatedAt, 'updatedAt', 40);
  if (value.model !== undefined) {
    if (!isRecord(value.model)) throw new Error('"model" is not an object');
    deck.model = { id: text(value.model.id, 'the model id', 200), name: text(value.model.name, 'the model name', DECK_LIMITS.title) };
  }
  return deck;
}

/** A deck as parsed JSON, checked against the files that came with it (`files/...` names). */
export function checkDeck(value: unknown, names: ReadonlySet<string>): Checked<Deck> {
  try {
    return { ok: true, value: checkDeckFields(value, names) };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** A file name that is safe as the last part of `files/<case>/<name>`, unique among `taken`. */
export function safeFileName(original: string, taken: ReadonlySet<string>): string {
  const last = original.split(/[/\\]/).pop() ?? '';
  const clean = last.replace(/[^\w.-]+/g, '_').replace(/^\.+/, '').slice(0, 100) || 'file';
  let name = clean;
  for (let n = 2; taken.has(name); n++) name = `${n}-${clean}`;
  return name;
}
