// Splits a document into basic blocks and keeps each block's dataflow until one of its lines changes.
import type { AsmDocument } from '../document/document';
import { LINE_INACTIVE } from '../document/structure';
import type { Statement } from '../parser/statement';
import { endsBlock } from '../parser/vocabulary';
import { analyzeBlock, type BlockAnalysis, type SymbolEnvironment } from './dataflow';

/** A label is a jump target; %macro/%if lines change what runs next. Either starts a new block. */
export function startsBlock(statement: Statement): boolean {
  if (statement.label && statement.kind !== 'equ') return true;
  if (statement.kind !== 'preprocessor') return false;
  const name = statement.keyword!.name;
  return name.startsWith('%if') || name.startsWith('%el') || name === '%endif' || name === '%macro' || name === '%imacro'
    || name === '%endmacro' || name === '%rep' || name === '%endrep';
}

/** Jumps, calls and returns end the block they are in. */
export function endsBlockAfter(statement: Statement): boolean {
  return statement.kind === 'instruction' && endsBlock(statement.keyword!.name);
}

interface CacheEntry {
  statements: Statement[];
  generation: number;
  analysis: BlockAnalysis;
}

function shiftBlock(analysis: BlockAnalysis, delta: number): BlockAnalysis {
  const shift = <T extends { line: number }>(item: T): T => ({ ...item, line: item.line + delta });
  return {
    start: analysis.start + delta,
    end: analysis.end + delta,
    sites: analysis.sites.map((site) => ({
      ...shift(site),
      registers: new Map([...site.registers].map(([k, v]) => [k, v.setter ? { ...v, setter: shift(v.setter) } : v])),
    })),
    clobberedReads: analysis.clobberedReads.map((r) => ({ ...shift(r), syscallLine: r.syscallLine + delta })),
    writes: analysis.writes.map(shift),
  };
}

export interface AnalysisContext {
  environment: SymbolEnvironment;
  /** Changes whenever any name's meaning may have changed (this document's or an include's structure). */
  generation: number;
  /** 64 or 32 when the file does not say. */
  defaultBits: number;
}

export class DocumentAnalysis {
  // Keyed by the block's first non-empty statement object: it survives lines being inserted above.
  private cache = new WeakMap<Statement, CacheEntry>();

  constructor(private readonly document: AsmDocument, private readonly context: () => AnalysisContext) {}

  private blockEnd(start: number): number {
    const last = this.document.lineCount - 1;
    let line = start;
    while (line < last) {
      if (endsBlockAfter(this.document.statement(line))) return line;
      if (startsBlock(this.document.statement(line + 1))) return line;
      line++;
    }
    return last;
  }

  private blockStart(line: number): number {
    let start = Math.max(0, Math.min(line, this.document.lineCount - 1));
    while (start > 0 && !startsBlock(this.document.statement(start)) && !endsBlockAfter(this.document.statement(start - 1))) start--;
    return start;
  }

  private analyze(start: number, end: number): BlockAnalysis {
    const context = this.context();
    const statements: Statement[] = [];
    let key: Statement | undefined;
    for (let line = start; line <= end; line++) {
      const statement = this.document.statement(line);
      statements.push(statement);
      if (!key && statement.kind !== 'empty') key = statement;
    }
    if (!key) return { start, end, sites: [], clobberedReads: [], writes: [] };
    const cached = this.cache.get(key);
    if (cached && cached.generation === context.generation && cached.statements.length === statements.length
      && cached.statements.every((s, i) => s === statements[i])) {
      if (cached.analysis.start !== start) cached.analysis = shiftBlock(cached.analysis, start - cached.analysis.start);
      return cached.analysis;
    }
    const structure = this.document.structure;
    const analysis = analyzeBlock(
      (line) => this.document.statement(line), start, end, context.environment,
      (line) => !(structure.lineFlags[line]! & LINE_INACTIVE),
      (line) => structure.bitsAt(line, context.defaultBits) === 64,
    );
    this.cache.set(key, { statements, generation: context.generation, analysis });
    return analysis;
  }

  /** The basic block containing `line`. */
  blockAt(line: number): BlockAnalysis {
    const start = this.blockStart(line);
    return this.analyze(start, this.blockEnd(start));
  }

  /** Every block of the document, in order; unchanged blocks come from the cache. */
  allBlocks(): BlockAnalysis[] {
    const blocks: BlockAnalysis[] = [];
    let start = 0;
    const count = this.document.lineCount;
    while (start < count) {
      const end = this.blockEnd(start);
      blocks.push(this.analyze(start, end));
      start = end + 1;
    }
    return blocks;
  }
}
