// The data labels of a NASM source, typed from their definitions. NASM's DWARF has no types, so gdb
// cannot show `msg: db "hi", 10` as text; the document model can: `times` counts and `res*` sizes
// are evaluated, inactive %if branches, macro bodies and struc layouts are left out.
import type { Value } from '../parser/expression';
import { DATA_SIZES, RESERVE_SIZES } from '../parser/vocabulary';
import type { Statement } from '../parser/statement';
import type { AsmDocument } from './document';
import { LINE_INACTIVE, LINE_IN_MACRO, type Structure } from './structure';

export interface DataLabel {
  name: string;
  section: string;
  /** `string` for db data holding text, `numbers` for integers, `reserved` for res* space. */
  kind: 'string' | 'numbers' | 'reserved';
  /** Bytes per element: 1 db/resb, 2 dw, 4 dd, 8 dq, 10 dt, 16 do, 32 dy, 64 dz. */
  elementSize: number;
  /** Number of elements (for strings: bytes). */
  count: number;
  /** 1-based line of the definition. */
  line: number;
  /** An `istruc` instance: the struc's fields, in order (when the struc is defined in the same document). */
  struc?: { name: string; fields: StrucField[] };
}

/** One field of a struc: `.words: resq 1` at offset 0 is `{ name: '.words', offset: 0, elementSize: 8, count: 1 }`. */
export interface StrucField {
  name: string;
  offset: number;
  elementSize: number;
  count: number;
}

/** Sections whose labels hold data (ELF names, with or without the dot, and their sub-sections). */
const DATA_SECTION = /^\.(data|rodata|bss|tbss|tdata)\b|^\.?(data|bss|rodata)$/i;
/** What nasm assembles into before any section directive. */
const DEFAULT_SECTION = '.text';

type Resolve = (name: string) => Value | undefined;

function evaluateCount(structure: Structure, tokens: Statement['times'], line: number, external?: Resolve): number | undefined {
  if (!tokens) return 1;
  const value = structure.evaluate(tokens, line, external);
  return value?.kind === 'number' && value.value >= 0n && value.value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value.value) : undefined;
}

interface Definition { kind: DataLabel['kind']; elementSize: number; count: number; struc?: DataLabel['struc'] }

/** What one db…/res… statement defines; a count nasm could not know here is taken as 1, for gdb to show something. */
function definition(statement: Statement, document: AsmDocument, line: number, external?: Resolve): Definition | undefined {
  const structure = document.structure;
  const keyword = statement.keyword?.name ?? '';
  const repeat = evaluateCount(structure, statement.times, line, external) ?? 1;
  const reserveSize = RESERVE_SIZES[keyword];
  if (reserveSize !== undefined) {
    const operand = statement.operands[0];
    const elements = operand ? evaluateCount(structure, operand.tokens, line, external) ?? 1 : 1;
    return { kind: 'reserved', elementSize: reserveSize, count: elements * repeat };
  }
  if (keyword === 'istruc') {
    // An instance of a struc: as many bytes as the struc's `name_size`.
    const struc = statement.operands[0]?.tokens[0]?.text;
    const size = struc ? structure.constantValue(`${struc}_size`, external) : undefined;
    if (size?.kind !== 'number') return undefined;
    const fields = repeat === 1 ? strucFields(struc!, document, external) : [];
    return { kind: 'numbers', elementSize: 1, count: Number(size.value) * repeat, ...(fields.length ? { struc: { name: struc!, fields } } : {}) };
  }
  const elementSize = DATA_SIZES[keyword];
  if (elementSize === undefined) return undefined;
  let elements = 0;
  let text = false;
  for (const operand of statement.operands) {
    const only = operand.tokens.length === 1 ? operand.tokens[0]! : undefined;
    if (only?.kind === 'string' && only.string !== undefined) {
      text = true;
      elements += Math.max(1, Math.ceil(Buffer.byteLength(only.string, 'utf8') / elementSize));
    } else {
      elements += 1;
    }
  }
  return { kind: text && elementSize === 1 ? 'string' : 'numbers', elementSize, count: elements * repeat };
}

/** The fields of struc `name` as its definition reserves them; none when it is defined elsewhere or a size is unknown. */
function strucFields(name: string, document: AsmDocument, external?: Resolve): StrucField[] {
  const structure = document.structure;
  const fields: StrucField[] = [];
  for (const symbol of structure.symbols) {
    if (symbol.kind !== 'field' || symbol.parent !== name) continue;
    const offset = structure.fieldOffsets.get(symbol.name);
    const reserved = document.statement(symbol.line);
    const size = reserved.kind === 'reserve' ? definition(reserved, document, symbol.line, external) : undefined;
    if (offset === undefined || !size) return [];
    fields.push({ name: symbol.name.slice(name.length), offset: Number(offset), elementSize: size.elementSize, count: size.count });
  }
  return fields;
}

/** Lines inside `struc … endstruc`: field layouts, not data. */
function strucLines(structure: Structure): (line: number) => boolean {
  const ranges = structure.symbols.filter((s) => s.kind === 'struc').map((s) => [s.line, s.endLine] as const);
  return (line) => ranges.some(([from, to]) => line >= from && line <= to);
}

/**
 * The labels of a document's data sections, in line order. A label alone on its line names the data
 * that follows; a data line without a label continues the previous label's data.
 * `external` resolves names the document does not define (constants from its includes).
 */
export function dataLabels(document: AsmDocument, external?: Resolve): DataLabel[] {
  const structure = document.structure;
  const inStruc = strucLines(structure);
  const sections = structure.sections;
  let nextSection = 0;
  let section = DEFAULT_SECTION;
  let pending: { name: string; line: number } | undefined;
  let previous: DataLabel | undefined;
  const labels: DataLabel[] = [];
  for (let line = 0; line < document.lineCount; line++) {
    while (nextSection < sections.length && sections[nextSection]!.line <= line) {
      section = sections[nextSection++]!.name.toLowerCase();
      pending = undefined;
      previous = undefined;
    }
    const statement = document.statement(line);
    if (statement.kind === 'empty' || (structure.lineFlags[line]! & (LINE_INACTIVE | LINE_IN_MACRO)) || inStruc(line)) continue;
    if (statement.kind === 'preprocessor') continue;
    const label = statement.label && statement.label.kind !== 'macroLocal' ? structure.qualify(statement.label.text, line) : undefined;
    // A word alone on its line may be a parameterless macro call rather than a label.
    if (statement.kind === 'label' && label && !structure.macros.has(statement.label!.text)) { pending = { name: label, line: line + 1 }; previous = undefined; continue; }
    const defines = statement.kind === 'data' || statement.kind === 'reserve' || statement.keyword?.name === 'istruc';
    const defined = defines ? definition(statement, document, line, external) : undefined;
    if (!defined) { pending = undefined; previous = undefined; continue; }
    const owner = label ? { name: label, line: line + 1 } : pending;
    pending = undefined;
    if (!DATA_SECTION.test(section)) continue;
    if (!owner) {
      // A continuation line (`db "more"` after `msg: db "text"`) extends the previous label.
      if (previous && previous.elementSize === defined.elementSize) previous.count += defined.count;
      continue;
    }
    previous = { name: owner.name, section, ...defined, line: owner.line };
    labels.push(previous);
  }
  return labels;
}
