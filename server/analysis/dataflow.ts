// One basic block on its own: what each register holds at its syscalls from what the block itself
// sets, the registers it writes, where control goes next, and rcx/r11 read after a syscall. The
// instructions' meaning is the interpreter's (interpreter.ts); program.ts joins blocks into a whole.
import { lookupSyscall, type Abi } from '../../syscalls';
import type { Statement } from '../../nasm/parser/statement';
import { endsBlock, REGISTERS } from '../../nasm/parser/vocabulary';
import { freshState, Interpreter, kernelEntryOf, rebasedSetter, siteRegisters, type Setter, type SymbolEnvironment } from './interpreter';
import { IMPLICIT_READS, PURE_WRITE } from './registerEffects';
import { UNSET, type LineAnchor, type RegisterValue } from './values';
import type { KernelEntryMnemonic } from '../../x86';

export type { RegisterValue } from './values';
export type { Setter, SymbolEnvironment } from './interpreter';


export interface RegisterState {
  value: RegisterValue;
  setter?: Setter;
}

export type SyscallInstruction = KernelEntryMnemonic;

export interface SyscallSite {
  line: number;
  start: number;
  end: number;
  instruction: SyscallInstruction;
  abi: Abi;
  /** State of the number register and every argument register, by 64-bit family. */
  registers: Map<string, RegisterState>;
}

/** rcx or r11 read after a syscall overwrote it. */
export interface ClobberedRead { line: number; start: number; end: number; register: string; syscallLine: number }

/** A register set in the block that a later syscall reads — the fact behind setter hovers. */
export interface ConsumedSetter { setter: Setter; site: SyscallSite; family: string }

/** How control leaves a block: on to the next line, to a label, or neither. */
export interface BlockExit {
  falls: boolean;
  /** The label a jump or branch names, as written, and the line it is on. */
  target?: string;
  line?: number;
}

export interface BlockAnalysis {
  start: number;
  end: number;
  sites: SyscallSite[];
  clobberedReads: ClobberedRead[];
  /** Register writes in the block, in order (for the rcx-instead-of-r10 lint). */
  writes: Setter[];
  /** Registers the block writes in any way (bit i = FAMILIES[i] of interpreter.ts). */
  touched: number;
  exit: BlockExit;
}


/** The instruction that enters the kernel, if this statement is one. */
export const syscallInstructionOf = kernelEntryOf;

/**
 * A block's positions are kept against the block (see LineAnchor): the document analysis moves a block
 * by its start and end alone when lines are added or removed above it.
 */
class BlockSite implements SyscallSite {
  constructor(
    private readonly anchor: LineAnchor, private readonly offset: number, readonly start: number, readonly end: number,
    readonly instruction: SyscallInstruction, readonly abi: Abi, readonly registers: Map<string, RegisterState>,
  ) {}
  get line(): number { return this.anchor.start + this.offset; }
}

class BlockClobberedRead implements ClobberedRead {
  constructor(
    private readonly anchor: LineAnchor, private readonly offset: number, readonly start: number, readonly end: number,
    readonly register: string, private readonly syscallOffset: number,
  ) {}
  get line(): number { return this.anchor.start + this.offset; }
  get syscallLine(): number { return this.anchor.start + this.syscallOffset; }
}

class BlockJump implements BlockExit {
  readonly falls: boolean;
  constructor(private readonly anchor: LineAnchor, private readonly offset: number, falls: boolean, readonly target: string) { this.falls = falls; }
  get line(): number { return this.anchor.start + this.offset; }
}

/** rcx and r11 hold the syscall instruction's own values after it: reading them is a mistake. */
class ClobberTracker {
  private readonly clobbered = new Map<string, number>();
  readonly reads: ClobberedRead[] = [];
  constructor(private readonly anchor: LineAnchor) {}

  step(statement: Statement, line: number): void {
    if (statement.kind !== 'instruction' || !statement.keyword) return;
    const mnemonic = statement.keyword.name;
    const [dst, src] = statement.operands;
    const selfClear = (mnemonic === 'xor' || mnemonic === 'sub') && !!dst?.register?.family && dst.register.name === src?.register?.name;
    const pureWrite = PURE_WRITE.has(mnemonic) || mnemonic.startsWith('set');
    if (this.clobbered.size && !selfClear) {
      statement.operands.forEach((operand, index) => {
        if (index === 0 && pureWrite && operand.register) return;
        for (const token of operand.tokens) {
          const register = token.kind === 'identifier' ? REGISTERS.get(token.text.toLowerCase()) : undefined;
          if (register?.family) this.report(register.family, line, token.start, token.end);
        }
      });
      for (const name of IMPLICIT_READS[mnemonic] ?? []) this.report(name, line, statement.keyword.start, statement.keyword.end);
    }
    // A full-width write gives the register a value of the program's own again.
    if (dst?.register?.family && dst.register.bits >= 32 && (pureWrite || selfClear)) this.clobbered.delete(dst.register.family);
    if (kernelEntryOf(statement) === 'syscall') { this.clobbered.set('rcx', line); this.clobbered.set('r11', line); }
  }

  private report(name: string, line: number, start: number, end: number): void {
    const syscallLine = this.clobbered.get(name);
    if (syscallLine === undefined) return;
    this.reads.push(new BlockClobberedRead(this.anchor, line - this.anchor.start, start, end, name, syscallLine - this.anchor.start));
    this.clobbered.delete(name); // once per syscall is enough
  }
}

/** Analyses lines [start, end] as one basic block; its positions move with the returned object's start. */
export function analyzeBlock(
  statements: (line: number) => Statement, start: number, end: number, env: SymbolEnvironment, isActive: (line: number) => boolean,
): BlockAnalysis {
  const sites: SyscallSite[] = [];
  const writes: Setter[] = [];
  const block: BlockAnalysis = { start, end, sites, clobberedReads: [], writes, touched: 0, exit: { falls: true } };
  const interpreter = new Interpreter(freshState('', UNSET), {
    env, frame: '', qualify: (name) => name, storedAnywhere: () => undefined, procedure: () => undefined,
  }, {
    site: (site) => sites.push(new BlockSite(block, site.line - start, site.start, site.end, site.instruction, site.abi, siteRegisters(site))),
    write: (setter) => writes.push(setter),
  }, block);
  const clobbers = new ClobberTracker(block);
  let last: { statement: Statement; line: number } | undefined;
  for (let line = start; line <= end; line++) {
    if (!isActive(line)) continue;
    const statement = statements(line);
    clobbers.step(statement, line);
    interpreter.step(statement, line);
    if (statement.kind === 'instruction' || statement.kind === 'macroCall') last = { statement, line };
  }
  block.exit = blockExit(block, last, sites.at(-1));
  block.clobberedReads = clobbers.reads;
  block.touched = interpreter.touched;
  return block;
}

/**
 * The same analysis for the same lines at `start`: a new object (the old one stays as it is for whoever
 * holds it) whose positions are kept against itself.
 */
export function movedBlock(analysis: BlockAnalysis, start: number): BlockAnalysis {
  const delta = start - analysis.start;
  const block: BlockAnalysis = { start, end: analysis.end + delta, sites: [], clobberedReads: [], writes: [], touched: analysis.touched, exit: analysis.exit };
  const setters = new Map<Setter, Setter>();
  for (const setter of analysis.writes) {
    const moved = rebasedSetter(block, setter.line + delta, setter);
    setters.set(setter, moved);
    block.writes.push(moved);
  }
  // Every setter a site names is one of the block's writes (the block is analysed from a state where nothing is set).
  block.sites = analysis.sites.map((site) => new BlockSite(block, site.line - analysis.start, site.start, site.end, site.instruction, site.abi,
    new Map([...site.registers].map(([k, v]) => [k, v.setter ? { ...v, setter: setters.get(v.setter)! } : v]))));
  block.clobberedReads = analysis.clobberedReads.map((r) => new BlockClobberedRead(block, r.line - analysis.start, r.start, r.end, r.register, r.syscallLine - analysis.start));
  if (analysis.exit.line !== undefined) block.exit = new BlockJump(block, analysis.exit.line - analysis.start, analysis.exit.falls, analysis.exit.target!);
  return block;
}

const NO_RETURN = new Set(['ret', 'retn', 'retf', 'iret', 'iretd', 'iretq', 'sysret', 'hlt', 'ud2']);

/** Where control goes after the block's last instruction. */
function blockExit(anchor: LineAnchor, last: { statement: Statement; line: number } | undefined, lastSite: SyscallSite | undefined): BlockExit {
  if (!last || last.statement.kind !== 'instruction') return { falls: true };
  const mnemonic = last.statement.keyword!.name;
  if (NO_RETURN.has(mnemonic)) return { falls: false };
  // exit and exit_group never come back (the table marks them noReturn).
  if (lastSite?.line === last.line) {
    const number = lastSite.registers.get('rax')?.value;
    if (number?.kind === 'number' && number.value <= 0xffffn) {
      const lookup = lookupSyscall(lastSite.abi, Number(number.value));
      if (lookup.known && lookup.syscall.noReturn) return { falls: false };
    }
  }
  const operand = last.statement.operands[0];
  const target = operand?.tokens.length === 1 && operand.tokens[0]!.kind === 'identifier' && !operand.register ? operand.tokens[0]!.text : undefined;
  if (mnemonic === 'jmp') return target ? new BlockJump(anchor, last.line - anchor.start, false, target) : { falls: false };
  if (mnemonic !== 'call' && endsBlock(mnemonic)) return target ? new BlockJump(anchor, last.line - anchor.start, true, target) : { falls: true };
  return { falls: true };
}
