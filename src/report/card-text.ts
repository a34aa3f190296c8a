/**
 * The parts of a model card a report must carry: its intended use and its known limits, as
 * plain text. Cards are our own markdown (public/models/<id>/card.md), so this reads the two
 * shapes they use, a "## Known limits" list or a "Known limits:" paragraph, and nothing more.
 */

export interface CardText {
  /** The intended-use statement, without its "Intended use:" lead-in. */
  intendedUse?: string;
  /** One entry per limit, in the card's order. */
  limits: string[];
}

/** Markdown emphasis and code marks out, runs of white space (line breaks too) as one space. */
function plain(markdown: string): string {
  return markdown.replace(/\*\*|__|`/g, '').replace(/\s+/g, ' ').trim();
}

/** The paragraphs of a card: blocks of lines between blank lines, headings kept as their own block. */
function blocks(markdown: string): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  for (const raw of markdown.split(/\r?\n/)) {
    const line = raw.trimEnd();
    const heading = /^#{1,6}\s/.test(line);
    if (line.trim() === '' || heading) {
      if (current.length > 0) out.push(current);
      current = [];
      if (heading) out.push([line]);
    } else {
      current.push(line);
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}

const LIMITS_HEADING = /^#{1,6}\s+(known\s+)?limit(s|ations)\s*$/i;
const LIMITS_LEAD = /^(\*\*)?known limits(\*\*)?\s*:\s*/i;
const INTENDED_LEAD = /^intended use\s*:\s*/i;

/** List items of a block; a line not starting with "- " or "* " continues the item before it. */
function listItems(lines: readonly string[]): string[] {
  const items: string[] = [];
  for (const line of lines) {
    const bullet = /^\s*[-*]\s+(.*)$/.exec(line);
    if (bullet) items.push(bullet[1] ?? '');
    else if (items.length > 0) items[items.length - 1] += ` ${line.trim()}`;
    else items.push(line.trim());
  }
  return items.map(plain).filter((item) => item !== '');
}

/** The limits under a limits heading, up to the next heading. */
function limitsSection(all: readonly string[][]): string[] {
  const start = all.findIndex((b) => b.length === 1 && LIMITS_HEADING.test(b[0] ?? ''));
  if (start < 0) return [];
  const items: string[] = [];
  for (const block of all.slice(start + 1)) {
    if (/^#{1,6}\s/.test(block[0] ?? '')) break;
    items.push(...listItems(block));
  }
  return items;
}

/** Intended use and known limits of a model card's markdown. */
export function cardText(markdown: string): CardText {
  const all = blocks(markdown);
  const intended = all.map((b) => plain(b.join(' '))).find((text) => INTENDED_LEAD.test(text));
  let limits = limitsSection(all);
  if (limits.length === 0) {
    // The short form: a paragraph that starts "Known limits:".
    const lead = all.find((b) => LIMITS_LEAD.test(b[0] ?? ''));
    if (lead) limits = [plain(lead.join(' ').replace(LIMITS_LEAD, ''))];
  }
  return { ...(intended ? { intendedUse: intended.replace(INTENDED_LEAD, '') } : {}), limits };
}
