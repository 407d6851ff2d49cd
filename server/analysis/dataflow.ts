// One basic block on its own: what each register holds at its syscalls from what the block itself
// sets, the registers it writes, where control goes next, and rcx/r11 read after a syscall. The
// instructions' meaning is the interpreter's (interpreter.ts); program.ts joins blocks into a whole.
import { lookupSyscall, type Abi } from '../../syscalls';
import type { Statement } from '../../nasm/parser/statement';
import { endsBlock, REGISTERS } from '../../nasm/parser/vocabulary';
import { freshState, Interpreter, kernelEntryOf, siteRegisters, type Setter, type SymbolEnvironment } from './interpreter';
import { IMPLICIT_READS, PURE_WRITE } from './registerEffects';
import { UNSET, type RegisterValue } from './values';
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

/** rcx and r11 hold the syscall instruction's own values after it: reading them is a mistake. */
class ClobberTracker {
  private readonly clobbered = new Map<string, number>();
  readonly reads: ClobberedRead[] = [];

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
    this.reads.push({ line, start, end, register: name, syscallLine });
    this.clobbered.delete(name); // once per syscall is enough
  }
}

/** Analyses lines [start, end] as one basic block. */
export function analyzeBlock(
  statements: (line: number) => Statement, start: number, end: number, env: SymbolEnvironment, isActive: (line: number) => boolean,
): BlockAnalysis {
  const sites: SyscallSite[] = [];
  const writes: Setter[] = [];
  const interpreter = new Interpreter(freshState('', UNSET), {
    env, frame: '', qualify: (name) => name, storedAnywhere: () => undefined, procedure: () => undefined,
  }, {
    site: (site) => sites.push({ line: site.line, start: site.start, end: site.end, instruction: site.instruction, abi: site.abi, registers: siteRegisters(site) }),
    write: (setter) => writes.push(setter),
  });
  const clobbers = new ClobberTracker();
  let last: { statement: Statement; line: number } | undefined;
  for (let line = start; line <= end; line++) {
    if (!isActive(line)) continue;
    const statement = statements(line);
    clobbers.step(statement, line);
    interpreter.step(statement, line);
    if (statement.kind === 'instruction' || statement.kind === 'macroCall') last = { statement, line };
  }
  const exit = blockExit(last, sites.at(-1));
  return { start, end, sites, clobberedReads: clobbers.reads, writes, touched: interpreter.touched, exit };
}

const NO_RETURN = new Set(['ret', 'retn', 'retf', 'iret', 'iretd', 'iretq', 'sysret', 'hlt', 'ud2']);

/** Where control goes after the block's last instruction. */
function blockExit(last: { statement: Statement; line: number } | undefined, lastSite: SyscallSite | undefined): BlockExit {
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
  if (mnemonic === 'jmp') return target ? { falls: false, target, line: last.line } : { falls: false };
  if (mnemonic !== 'call' && endsBlock(mnemonic)) return target ? { falls: true, target, line: last.line } : { falls: true };
  return { falls: true };
}
