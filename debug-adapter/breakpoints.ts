// The breakpoints the user asked for and what gdb made of them: source lines (verified at the line
// gdb really chose), labels, addresses, data watchpoints, logpoints and syscall catchpoints.
import type { Engine } from './engine';
import {
  catchSyscalls, deleteBreakpoints, insertBreakpoint, insertLogpoint, insertWatchpoint, listLines,
  toBreakpoint, type BreakOptions, type GdbBreakpoint,
} from './mi/breakpoint';
import { str, tuple } from './mi/parser';
import { LOGPOINT_MARKER, logMessageParts, type LogPart } from './logpoints';
import { pythonHelper } from './keeper';
import { expandDefines, expressionLanguage, isNasmSource, toGdbExpression, type ExpressionLanguage } from './expressions';
import type { MacroInvocations } from './macroInvocations';
import { NO_READ_WATCHPOINTS } from './watchpoints';

export interface BreakpointResult {
  verified: boolean;
  id?: number;
  line?: number;
  address?: bigint;
  message?: string;
}

/**
 * A hit count: `>= 3` and `> 2` are gdb's ignore count (hits to skip before stopping); `3`, `== 3` (that
 * hit only) and `% 3` (every third) count hits in a gdb variable, in the condition `counted` builds.
 */
export type HitRule = { ignoreCount: number } | { counted: (counter: string) => string };

export function hitRuleOf(hitCondition: string | undefined): HitRule | undefined {
  if (!hitCondition?.trim()) return undefined;
  const match = /^\s*(>=|>|==|=|%)?\s*(\d+)\s*$/.exec(hitCondition);
  const n = match ? Number(match[2]) : NaN;
  const operator = match?.[1] ?? '==';
  if (!match || (operator === '%' && n === 0)) {
    throw new Error(`Hit count "${hitCondition}" is not understood; use 3 or == 3 (the third hit only), >= 3, > 3, or % 3 (every third hit).`);
  }
  if (operator === '>=') return { ignoreCount: Math.max(0, n - 1) };
  if (operator === '>') return { ignoreCount: n };
  const hit = (counter: string) => `(${counter} = ${counter} + 1)`;
  return operator === '%' ? { counted: (c) => `${hit(c)} % ${n} == 0` } : { counted: (c) => `${hit(c)} == ${n}` };
}

/** When a breakpoint stops: a condition, a hit count, or a log message instead of stopping. */
export interface StopConditions {
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
}
export type LineBreakpoint = StopConditions & { line: number };
export type NamedBreakpoint = StopConditions & { name: string };
export type AddressBreakpoint = StopConditions & { address: bigint };
export interface DataWatch { expression: string; access: 'read' | 'write' | 'readWrite' }
/** The syscall stops asked for, per phase; a condition names calls, numbers or groups. */
export interface SyscallCatch { entry?: { condition?: string }; return?: { condition?: string } }

function result(bp: GdbBreakpoint): BreakpointResult {
  return {
    verified: !bp.pending, id: Number(bp.number) || undefined, line: bp.line, address: bp.address,
    message: bp.pending ? 'Not found yet: the location is not in the loaded program.' : undefined,
  };
}

/** NASM sources and the files they %include. */
const NASM_SOURCE = /\.(asm|nasm|inc|mac)$/i;

/** What one requested breakpoint became in gdb. */
interface Inserted {
  numbers: string[];
  result: BreakpointResult;
  addresses: bigint[];
}

/** How a condition or a logpoint's expression is read: as the Debug Console reads one (see Inspector). */
export interface StopExpressions {
  /** The NASM sources' %defines, expanded in a NASM line's expressions. */
  defines(): Promise<ReadonlyMap<string, string>>;
  /** A gdb expression as gdb must read it at every hit: `equ`s as values, data labels as addresses. */
  resolve(expression: string): Promise<string>;
  /** NASM local labels (`.loop`) in an expression written for `line` of `file`, in that line's scope. */
  scoped(expression: string, file: string, line: number): Promise<string>;
}

export class BreakpointBook {
  private readonly bySource = new Map<string, string[]>();
  private functionPoints: string[] = [];
  private instructionPoints: string[] = [];
  private dataPoints: string[] = [];
  private softwareWatchpoints = false;
  private catchpoints: string[] = [];
  private panicBreakpoint: string | undefined;
  private readonly lineCache = new Map<string, number[]>();
  /** gdb variables made for counted hit counts. */
  private counters = 0;

  /** What the user was last told about each breakpoint, to report only real changes. */
  private readonly reported = new Map<number, string>();

  constructor(
    private readonly engine: Engine, onChange: (change: BreakpointResult & { id: number }) => void,
    private readonly expressions: StopExpressions,
  ) {
    // A pending breakpoint resolves, or a PIE program's breakpoints move when it is loaded.
    engine.gdb.on('notify', (record) => {
      if (record.asyncClass !== 'breakpoint-modified') return;
      const bp = tuple(record.results.bkpt);
      if (!bp || str(bp.type) === 'catchpoint') return;
      const change = { ...result(toBreakpoint(bp)), id: Number(str(bp.number)) };
      // gdb knows a macro invocation's breakpoint by the macro body's line; the user set it on the invocation.
      const invocationLine = this.invocationLines.get(change.id);
      if (invocationLine !== undefined && change.verified) change.line = invocationLine;
      const key = `${change.verified}:${change.line}:${change.address}`;
      if (!this.reported.has(change.id) || this.reported.get(change.id) === key) return;
      this.reported.set(change.id, key);
      onChange(change);
    });
  }

  /** Remembers what a request answered, so later notifications compare against it. */
  private remember(results: BreakpointResult[]): BreakpointResult[] {
    for (const r of results) if (r.id !== undefined) this.reported.set(r.id, `${r.verified}:${r.line}:${r.address}`);
    return results;
  }

  private get gdb() { return this.engine.gdb; }

  private async replace(old: string[], insert: () => Promise<Array<{ numbers: string[]; result: BreakpointResult }>>) {
    return this.engine.insert(async () => {
      await deleteBreakpoints(this.gdb, old).catch(() => undefined);
      return insert();
    });
  }

  /** nasm's listing of the program, to place breakpoints on macro invocation lines. */
  useListing(invocations: MacroInvocations): void {
    this.invocations = invocations;
  }
  private invocations: MacroInvocations | undefined;
  /** Breakpoints placed at a macro invocation's code, by id: the invocation's line. */
  private readonly invocationLines = new Map<number, number>();

  /**
   * A breakpoint on a macro invocation line: gdb slid it to the next line that has code of its
   * own, which runs after the expansion, or found no line at all (a _start made only of macro
   * calls). It goes to the expansion's first instruction instead.
   */
  private async atInvocation(file: string, wanted: LineBreakpoint, first: Inserted): Promise<Inserted> {
    if (!NASM_SOURCE.test(file) || (first.result.verified && first.result.line === wanted.line)) return first;
    const address = this.invocations?.firstAddress(file, wanted.line);
    if (address === undefined) return first;
    await deleteBreakpoints(this.gdb, first.numbers).catch(() => undefined);
    const placed = await this.insertOne(`*0x${address.toString(16)}`, wanted);
    if (!placed.result.verified || placed.result.id === undefined) return placed;
    this.invocationLines.set(placed.result.id, wanted.line);
    return { ...placed, result: { ...placed.result, line: wanted.line } };
  }

  /**
   * A NASM line inside a macro body is code at each expansion, but gdb keeps one location per
   * function (so that a C `for` line stops once), so a breakpoint there stopped at the first
   * expansion only. Every other line-table row of that line (NASM writes one per expansion) gets a
   * breakpoint of its own, reported as this one. Not with a hit count: each would count its own hits.
   */
  private async withEveryExpansion(file: string, first: Inserted, wanted: StopConditions): Promise<Inserted> {
    const { line, id, verified } = first.result;
    if (!NASM_SOURCE.test(file) || !verified || line === undefined || id === undefined || wanted.hitCondition) return first;
    const rows = (await listLines(this.gdb, file).catch(() => [])).filter((row) => row.line === line).map((row) => row.address);
    // The rows and gdb's addresses must be in the same address space (a PIE not yet loaded is not).
    if (!first.addresses.some((address) => rows.includes(address))) return first;
    const numbers = [...first.numbers];
    for (const address of new Set(rows)) {
      if (first.addresses.includes(address)) continue;
      const extra = await this.insertOne(`*0x${address.toString(16)}`, wanted);
      for (const number of extra.numbers) {
        numbers.push(number);
        this.expansionOf.set(number, id);
      }
    }
    return { ...first, numbers };
  }

  /** The breakpoint id the user knows for a gdb breakpoint number (an expansion's is its line's). */
  userBreakpointId(number: string): number {
    return this.expansionOf.get(number) ?? Number(number);
  }

  private readonly expansionOf = new Map<string, number>();

  /** Inserts one breakpoint; a failure (bad hit count, unknown label) stays with that breakpoint. */
  private async insertOne(location: string, wanted: StopConditions): Promise<Inserted> {
    try {
      // Conditions and logpoint expressions are written like Debug Console expressions: bare register
      // names, NASM memory operands; a line's are read in its file's language (a Rust line's has no C casts).
      const [, file, line] = /^(.*):(\d+)$/.exec(location) ?? [];
      const language = expressionLanguage(file ?? location);
      const nasm = isNasmSource(file);
      const defines = nasm ? await this.expressions.defines() : new Map<string, string>();
      // A NASM line's `.loop` is the one of the procedure written there, as nasm reads that line.
      const scoped = async (text: string) => (nasm && file ? this.expressions.scoped(text, file, Number(line)) : text);
      // gdb reads a condition at every hit: its equ constants become their values now.
      const condition = wanted.condition ? await this.expressions.resolve(toGdbExpression(await scoped(expandDefines(wanted.condition, defines)), language)) : undefined;
      const hits = hitRuleOf(wanted.hitCondition);
      const options: BreakOptions = { condition, ignoreCount: hits && 'ignoreCount' in hits ? hits.ignoreCount : undefined };
      if (hits && 'counted' in hits) {
        // Hits are counted where the condition holds (&& reads the counter only then).
        const counter = `$_syscall_lens_hits_${++this.counters}`;
        await this.gdb.cli(`set var ${counter} = 0`);
        options.condition = condition ? `(${condition}) && ${hits.counted(counter)}` : hits.counted(counter);
      }
      const bp = wanted.logMessage
        ? await insertLogpoint(this.gdb, pythonHelper('logpoint.py'), location, LOGPOINT_MARKER, await this.logParts(wanted.logMessage, language, defines, scoped), options)
        : await insertBreakpoint(this.gdb, location, options);
      return { numbers: [bp.number], result: result(bp), addresses: bp.addresses };
    } catch (error) {
      return { numbers: [], result: { verified: false, message: (error as Error).message }, addresses: [] };
    }
  }

  /** A logpoint's message in parts, its expressions read like a condition (equ constants as their values). */
  private async logParts(message: string, language: ExpressionLanguage, defines: ReadonlyMap<string, string>, scoped: (text: string) => Promise<string>): Promise<LogPart[]> {
    const parts: LogPart[] = [];
    for (const [text, expression] of logMessageParts(message, language, defines)) parts.push([text, expression === null ? null : await this.expressions.resolve(await scoped(expression))]);
    return parts;
  }

  async setSourceBreakpoints(file: string, requested: readonly LineBreakpoint[]): Promise<BreakpointResult[]> {
    const old = this.bySource.get(file) ?? [];
    for (const number of old) {
      this.expansionOf.delete(number);
      this.invocationLines.delete(Number(number));
    }
    const inserted = await this.replace(old, async () => {
      const out = [];
      for (const bp of requested) {
        out.push(await this.withEveryExpansion(file, await this.atInvocation(file, bp, await this.insertOne(`${file}:${bp.line}`, bp)), bp));
      }
      return out;
    });
    this.bySource.set(file, inserted.flatMap((i) => i.numbers));
    return this.remember(inserted.map((i) => i.result));
  }

  async setFunctionBreakpoints(requested: readonly NamedBreakpoint[]): Promise<BreakpointResult[]> {
    const inserted = await this.replace(this.functionPoints, async () => {
      const out = [];
      for (const bp of requested) out.push(await this.insertOne(bp.name, bp));
      return out;
    });
    this.functionPoints = inserted.flatMap((i) => i.numbers);
    return this.remember(inserted.map((i) => i.result));
  }

  async setInstructionBreakpoints(requested: readonly AddressBreakpoint[]): Promise<BreakpointResult[]> {
    const inserted = await this.replace(this.instructionPoints, async () => {
      const out = [];
      for (const bp of requested) out.push(await this.insertOne(`*0x${bp.address.toString(16)}`, bp));
      return out;
    });
    this.instructionPoints = inserted.flatMap((i) => i.numbers);
    return this.remember(inserted.map((i) => i.result));
  }

  /**
   * `hardware`: whether this machine's hardware watchpoints fire (watchpoints.ts). Where they do not,
   * gdb watches writes in software and a read or access watchpoint is refused with the reason.
   */
  async setDataBreakpoints(requested: readonly DataWatch[], hardware = true): Promise<BreakpointResult[]> {
    const inserted = await this.replace(this.dataPoints, async () => {
      if (!hardware && !this.softwareWatchpoints) {
        await this.gdb.send('-gdb-set can-use-hw-watchpoints 0');
        this.softwareWatchpoints = true;
      }
      const out = [];
      for (const watch of requested) {
        if (!hardware && watch.access !== 'write') {
          out.push({ numbers: [], result: { verified: false, message: NO_READ_WATCHPOINTS } });
          continue;
        }
        try {
          const number = await insertWatchpoint(this.gdb, watch.expression, watch.access);
          out.push({ numbers: [number], result: { verified: true, id: Number(number) } });
        } catch (error) {
          out.push({ numbers: [], result: { verified: false, message: (error as Error).message } });
        }
      }
      return out;
    });
    this.dataPoints = inserted.flatMap((i) => i.numbers);
    return inserted.map((i) => i.result);
  }

  /**
   * Syscall entry/return filters. gdb's one `catch syscall` stops at both; the engine drops the
   * phase nobody asked for. Conditions name calls, numbers or groups (`%file` is gdb's `group:file`).
   */
  async setSyscallCatch(wanted: SyscallCatch): Promise<void> {
    await this.engine.insert(async () => {
      await deleteBreakpoints(this.gdb, this.catchpoints).catch(() => undefined);
      this.catchpoints = [];
      const phases: Array<['entry' | 'return', { condition?: string } | undefined]> = [['entry', wanted.entry], ['return', wanted.return]];
      const filters: Record<'entry' | 'return', Set<number> | 'all' | undefined> = { entry: undefined, return: undefined };
      for (const [phase, option] of phases) {
        if (!option) continue;
        const words = (option.condition ?? '').split(/[\s,]+/).filter(Boolean).map((w) => (w.startsWith('%') ? `group:${w.slice(1)}` : w));
        const { number, syscalls } = await catchSyscalls(this.gdb, words);
        this.catchpoints.push(number);
        filters[phase] = syscalls;
      }
      this.engine.setSyscallFilter(filters);
    });
  }

  /**
   * The Rust panic filter: a breakpoint on std's `rust_panic`, which every panic calls after its hook
   * printed the message and before it unwinds (with panic=abort too). A program without it (NASM, C)
   * gets none: gdb refuses the name, and nothing is left pending.
   */
  async setPanicBreak(on: boolean): Promise<void> {
    await this.engine.insert(async () => {
      if (this.panicBreakpoint) await deleteBreakpoints(this.gdb, [this.panicBreakpoint]).catch(() => undefined);
      this.panicBreakpoint = on ? (await insertBreakpoint(this.gdb, 'rust_panic').catch(() => undefined))?.number : undefined;
      this.engine.setPanicBreakpoint(this.panicBreakpoint);
    });
  }

  /** Lines of `file` that hold code (for breakpointLocations). */
  async codeLines(file: string): Promise<number[]> {
    if (!this.lineCache.has(file)) {
      const rows = await listLines(this.gdb, file).catch(() => []);
      this.lineCache.set(file, [...new Set(rows.map((r) => r.line))].sort((a, b) => a - b));
    }
    return this.lineCache.get(file)!;
  }
}
