// Where nasm put each label of the main source and how many bytes follow it up to the next label,
// read from nasm's own listing (`nasm -l`), never worked out from the source.
import { listingLines, recordSize } from './listing';
import { parseNasmNumber } from './parser/numbers';
import { parseLine } from './parser/statement';

export interface LabelPlace {
  section: string;
  /** Offset in the section. */
  offset: number;
  /** Bytes (reserved space included) from the label to the next label in its section, or to the section's end. */
  size: number;
}

/**
 * The place of each label defined on a main-source line (1-based line → whether the label is local).
 * A label's offset is its section's location counter where the listing reaches its line; a global
 * label's size runs to the next global label (its local labels are inside it), a local label's to
 * the next label of either kind. Lines inside `struc` / `absolute` blocks are not in a section.
 */
export function labelPlaces(listing: string, labels: ReadonlyMap<number, boolean>): Map<number, LabelPlace> {
  const ends = new Map<string, number>();
  const found: { line: number; local: boolean; section: string; offset: number }[] = [];
  const seen = new Set<number>();
  let outside = false;
  for (const listed of listingLines(listing)) {
    const keyword = listed.record ? undefined : parseLine(listed.source).keyword?.name;
    if (keyword === 'struc' || keyword === 'absolute') outside = true;
    else if (keyword === 'endstruc' || keyword === 'section' || keyword === 'segment') outside = false;
    if (outside) continue;
    const record = listed.record;
    if (listed.depth === 0 && labels.has(listed.line) && !seen.has(listed.line)) {
      seen.add(listed.line);
      found.push({ line: listed.line, local: labels.get(listed.line)!, section: listed.section, offset: record?.offset ?? ends.get(listed.section) ?? 0 });
    }
    if (record) ends.set(record.section, record.offset + recordSize(record) + record.reserved * record.repeat);
  }
  const places = new Map<number, LabelPlace>();
  found.forEach((label, index) => {
    const next = found.slice(index + 1).find((other) => other.section === label.section && (label.local || !other.local));
    const end = next ? next.offset : ends.get(label.section) ?? label.offset;
    places.set(label.line, { section: label.section, offset: label.offset, size: Math.max(0, end - label.offset) });
  });
  return places;
}

/**
 * For a `-f bin` listing whose code is all in one section: the number a depth-0 `org` gives
 * (a plain number only), so a label's address is org + offset. Undefined otherwise.
 */
export function binOrigin(listing: string): number | undefined {
  let origin: number | undefined;
  const sections = new Set<string>();
  for (const listed of listingLines(listing)) {
    if (listed.record) sections.add(listed.record.section);
    const statement = listed.depth === 0 && !listed.record ? parseLine(listed.source) : undefined;
    if (statement?.keyword?.name === 'org' && statement.operands.length === 1) {
      const value = parseNasmNumber(statement.operands[0]!.text.trim());
      origin = value === undefined ? undefined : Number(value);
    }
  }
  return sections.size <= 1 ? origin : undefined;
}

/** Every label the listing places, by name, and the names it declares `extern`. */
export interface ListingLabels {
  /** Local labels under `parent.local`, as nasm names them. */
  places: Map<string, LabelPlace>;
  externs: Set<string>;
}

/**
 * Where nasm put every label of the unit — in the main source, included files and macro expansions
 * alike (nasm lists them all, in order; macro lines with their parameters replaced) — with sizes as
 * labelPlaces gives them. Lines of `struc` / `absolute` blocks are in no section and define nothing.
 */
export function listingLabels(listing: string): ListingLabels {
  const ends = new Map<string, number>();
  const found: { name: string; local: boolean; section: string; offset: number }[] = [];
  const externs = new Set<string>();
  let outside = false;
  let parent = '';
  for (const listed of listingLines(listing)) {
    const statement = parseLine(listed.expanded ?? listed.source);
    const keyword = statement.keyword?.name;
    if (keyword === 'struc' || keyword === 'absolute') outside = true;
    else if (keyword === 'endstruc' || keyword === 'section' || keyword === 'segment') outside = false;
    if (keyword === 'extern') for (const operand of statement.operands) if (operand.tokens[0]) externs.add(operand.tokens[0].text);
    const label = statement.label;
    const record = listed.record;
    if (!outside && label && keyword !== 'equ' && (label.kind === 'global' || label.kind === 'local' || label.text.startsWith('..@'))) {
      const local = label.kind === 'local';
      if (!local) parent = label.text;
      found.push({ name: local ? `${parent}${label.text}` : label.text, local, section: listed.section, offset: record?.offset ?? ends.get(listed.section) ?? 0 });
    }
    if (record && !outside) ends.set(record.section, record.offset + recordSize(record) + record.reserved * record.repeat);
  }
  const places = new Map<string, LabelPlace>();
  found.forEach((label, index) => {
    const next = found.slice(index + 1).find((other) => other.section === label.section && (label.local || !other.local));
    const end = next ? next.offset : ends.get(label.section) ?? label.offset;
    if (!places.has(label.name)) places.set(label.name, { section: label.section, offset: label.offset, size: Math.max(0, end - label.offset) });
  });
  for (const name of places.keys()) externs.delete(name);
  return { places, externs };
}

/** Each label's section by name (listingLabels); `extern` names map to undefined (defined outside the unit). */
export function listingSymbolSections(listing: string): Map<string, string | undefined> {
  const { places, externs } = listingLabels(listing);
  const sections = new Map<string, string | undefined>([...places].map(([name, place]) => [name, place.section]));
  for (const name of externs) sections.set(name, undefined);
  return sections;
}
