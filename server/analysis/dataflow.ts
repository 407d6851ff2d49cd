// Dataflow inside one basic block: what each general-purpose register holds at every syscall.
// Unknown stays unknown, with the reason, rather than a guess.
import { CALLING_CONVENTIONS, lookupSyscall, type Abi } from '../../syscalls';
import { evaluateExpression, num, type Value } from '../../nasm/parser/expression';
import type { Operand, Statement } from '../../nasm/parser/statement';
import type { Token } from '../../nasm/parser/tokens';
import { CONDITION_CODES, endsBlock, REGISTERS, type RegisterInfo } from '../../nasm/parser/vocabulary';
import { IMPLICIT_READS, IMPLICIT_WRITES, NO_DESTINATION, PURE_WRITE } from './registerEffects';
import { GPR_FAMILIES, mask, toSigned, type GprFamily, type KernelEntryMnemonic } from '../../x86';

export type RegisterValue = Value | { kind: 'unknown'; reason: string };

/** The instruction that last wrote a register, and where its source operand is. */
export interface Setter {
  line: number;
  /** The register as written there (`edi`), for fixes that rewrite it. */
  register: string;
  registerStart: number;
  registerEnd: number;
  /** The source operand, when the setter has one (`mov rdi, 1` → `1`). */
  source?: { start: number; end: number; text: string };
  /** The constant named in the source (`SYS_write`), if any. */
  constant?: string;
  /** The source was a plain number literal. */
  literal: boolean;
}

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
  /** Registers (GPR_FAMILIES bits) the block writes in any way. */
  touched: number;
  exit: BlockExit;
}

/** What the analysis needs to know about names. */
export interface SymbolEnvironment {
  /** Value of a constant (equ/%define/%assign), or a label as a symbolic address. */
  resolve(name: string, line: number): { value: Value; constant?: string } | undefined;
  isMacro(name: string): boolean;
}

const UNKNOWN_AT_ENTRY: RegisterValue = { kind: 'unknown', reason: 'not set in this block' };
/** Registers a called function may change (System V): after a call they hold whatever it left. */
const CALLER_SAVED = ['rax', 'rcx', 'rdx', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11'];

/** The bit of a 64-bit register family in a `touched`/entry mask. */
export function familyBit(family: string): number {
  const index = GPR_FAMILIES.indexOf(family as GprFamily);
  return index < 0 ? 0 : 1 << index;
}

function family(register: RegisterInfo): string | undefined { return register.family; }

/** The instruction that enters the kernel, if this statement is one. */
export function syscallInstructionOf(statement: Statement): SyscallInstruction | undefined {
  const name = statement.keyword?.name;
  if (statement.kind !== 'instruction' || !name) return undefined;
  if (name === 'syscall') return 'syscall';
  if (name === 'sysenter') return 'sysenter';
  if (name === 'int' && statement.operands[0]?.tokens[0]?.value === 0x80n) return 'int 0x80';
  return undefined;
}

class BlockInterpreter {
  private readonly state = new Map<string, RegisterState>();
  private readonly stack: RegisterState[] = [];
  private readonly clobbered = new Map<string, number>();
  readonly sites: SyscallSite[] = [];
  readonly clobberedReads: ClobberedRead[] = [];
  readonly writes: Setter[] = [];

  constructor(private readonly env: SymbolEnvironment) {}

  touchedMask(): number {
    let mask = 0;
    for (const name of this.state.keys()) mask |= familyBit(name);
    return mask;
  }

  get(familyName: string): RegisterState {
    return this.state.get(familyName) ?? { value: UNKNOWN_AT_ENTRY };
  }

  private evaluate(tokens: readonly Token[], line: number): { value: Value; constant?: string } | undefined {
    let constant: string | undefined;
    const value = evaluateExpression(tokens, {
      resolve: (name) => {
        const register = REGISTERS.get(name.toLowerCase());
        if (register?.family) {
          const held = this.get(register.family).value;
          return held.kind === 'number' ? num(held.value & mask(register.bits)) : held.kind === 'address' ? held : undefined;
        }
        const resolved = this.env.resolve(name, line);
        if (resolved?.constant) constant = resolved.constant;
        return resolved?.value;
      },
    });
    return value ? { value, ...(constant ? { constant } : {}) } : undefined;
  }

  /** The value of a source operand. */
  private operandValue(operand: Operand, line: number): { value: RegisterValue; constant?: string } {
    if (operand.register?.family) {
      const held = this.get(operand.register.family).value;
      if (held.kind !== 'number') return { value: held };
      const v = operand.register.high ? (held.value >> 8n) & 0xffn : held.value & mask(operand.register.bits);
      return { value: num(v) };
    }
    if (operand.memory) return { value: { kind: 'unknown', reason: 'loaded from memory' } };
    const evaluated = this.evaluate(operand.tokens, line);
    return evaluated ?? { value: { kind: 'unknown', reason: `\`${operand.text}\` is not a known constant` } };
  }

  private write(operand: Operand, value: RegisterValue, line: number, source?: Operand, constant?: string): void {
    const register = operand.register!;
    const name = family(register);
    if (!name) return;
    let result: RegisterValue = value;
    if (register.bits === 32) {
      // A 32-bit write zero-extends into the whole 64-bit register.
      result = value.kind === 'number' ? num(value.value & mask(32)) : value;
    } else if (register.bits === 64) {
      result = value.kind === 'number' ? num(value.value & mask(64)) : value;
    } else {
      // 8/16-bit writes keep the other bits: known only if the rest was known.
      const previous = this.get(name).value;
      if (previous.kind === 'number' && value.kind === 'number') {
        const shift = register.high ? 8n : 0n;
        const m = mask(register.bits) << shift;
        result = num((previous.value & ~m) | ((value.value << shift) & m));
      } else {
        result = { kind: 'unknown', reason: `only the low ${register.bits} bits were set (\`${register.name}\`)` };
      }
    }
    const setter: Setter = {
      line, register: operand.text, registerStart: operand.start, registerEnd: operand.end,
      literal: !!source && source.tokens.length === 1 && source.tokens[0]!.kind === 'number',
    };
    if (source) setter.source = { start: source.start, end: source.end, text: source.text };
    if (constant) setter.constant = constant;
    this.state.set(name, { value: result, setter });
    this.writes.push(setter);
    if (register.bits >= 32) this.clobbered.delete(name);
  }

  private forget(name: string, reason: string): void {
    this.state.set(name, { value: { kind: 'unknown', reason } });
  }

  private noteReads(statement: Statement, line: number, firstIsPureWrite: boolean, selfClear: boolean): void {
    if (this.clobbered.size === 0) return;
    const report = (name: string, start: number, end: number) => {
      const syscallLine = this.clobbered.get(name);
      if (syscallLine === undefined) return;
      this.clobberedReads.push({ line, start, end, register: name, syscallLine });
      this.clobbered.delete(name); // once per syscall is enough
    };
    statement.operands.forEach((operand, index) => {
      if (selfClear) return;
      if (index === 0 && firstIsPureWrite && operand.register) return;
      for (const token of operand.tokens) {
        const register = token.kind === 'identifier' ? REGISTERS.get(token.text.toLowerCase()) : undefined;
        if (register?.family) report(register.family, token.start, token.end);
      }
    });
    for (const name of IMPLICIT_READS[statement.keyword!.name] ?? []) report(name, statement.keyword!.start, statement.keyword!.end);
  }

  private arithmetic(mnemonic: string, a: RegisterValue, b: RegisterValue | undefined, bits: number): RegisterValue {
    const why = (): RegisterValue => ({ kind: 'unknown', reason: `computed by \`${mnemonic}\` from an unknown value` });
    if (a.kind === 'unknown' || (b && b.kind === 'unknown')) return why();
    if (a.kind === 'address' || (b && b.kind === 'address')) {
      if ((mnemonic === 'add' || mnemonic === 'sub') && a.kind === 'address' && b?.kind === 'number') {
        return { ...a, offset: mnemonic === 'add' ? a.offset + b.value : a.offset - b.value };
      }
      return why();
    }
    const x = a.value;
    const y = b?.kind === 'number' ? b.value : 0n;
    const m = mask(bits);
    switch (mnemonic) {
      case 'inc': return num((x + 1n) & m);
      case 'dec': return num((x - 1n) & m);
      case 'neg': return num(-x & m);
      case 'not': return num(~x & m);
      case 'add': return num((x + y) & m);
      case 'sub': return num((x - y) & m);
      case 'or': return num((x | y) & m);
      case 'and': return num(x & y & m);
      case 'xor': return num((x ^ y) & m);
      case 'shl': case 'sal': return num((x << (y & 63n)) & m);
      case 'shr': return num((x & m) >> (y & 63n));
      case 'sar': return num(toSigned(x, bits) >> (y & 63n) & m);
      case 'imul': return num((x * y) & m);
      default: return why();
    }
  }

  step(statement: Statement, line: number): void {
    if (statement.kind === 'macroCall' || (statement.kind === 'label' && this.env.isMacro(statement.label!.text))) {
      const name = statement.keyword?.text ?? statement.label?.text ?? 'macro';
      for (const f of GPR_FAMILIES) this.forget(f, `the macro \`${name}\` may change it`);
      this.stack.length = 0;
      return;
    }
    if (statement.kind !== 'instruction' || !statement.keyword) return;
    const mnemonic = statement.keyword.name;
    if (mnemonic === 'call') {
      for (const f of CALLER_SAVED) this.forget(f, `may be changed by the function \`${statement.operands[0]?.text ?? ''}\``);
      return;
    }
    const [dst, src] = statement.operands;
    const dstFamily = dst?.register?.family;
    const selfClear = (mnemonic === 'xor' || mnemonic === 'sub') && !!dstFamily && dst!.register!.name === src?.register?.name;
    const pureWrite = PURE_WRITE.has(mnemonic) || mnemonic.startsWith('set');
    this.noteReads(statement, line, pureWrite, selfClear);

    const entry = syscallInstructionOf(statement);
    if (entry) {
      this.recordSite(statement, line, entry);
      const result = entry === 'syscall' ? 'the syscall\'s result' : 'the result of int 0x80';
      this.forget('rax', result);
      if (entry === 'syscall') {
        this.forget('rcx', 'the syscall instruction stores the return address in rcx');
        this.forget('r11', 'the syscall instruction stores rflags in r11');
        this.clobbered.set('rcx', line);
        this.clobbered.set('r11', line);
      }
      return;
    }

    if (selfClear) { this.write(dst!, num(0n), line); return; }
    switch (mnemonic) {
      case 'mov': case 'movabs':
        if (dst?.register && src) { const v = this.operandValue(src, line); this.write(dst, v.value, line, src, v.constant); return; }
        break;
      case 'movzx': case 'movsx': case 'movsxd':
        if (dst?.register && src) {
          const v = this.operandValue(src, line);
          const bits = src.register?.bits ?? (src.size === 'byte' ? 8 : src.size === 'word' ? 16 : 32);
          const value = v.value.kind === 'number' && mnemonic !== 'movzx' ? num(toSigned(v.value.value, bits)) : v.value;
          this.write(dst, value, line, src);
          return;
        }
        break;
      case 'lea':
        if (dst?.register && src) {
          const inner = src.tokens.filter((t) => t.text !== '[' && t.text !== ']' && !/^(rel|abs)$/i.test(t.text));
          const v = this.evaluate(inner, line);
          this.write(dst, v?.value ?? { kind: 'unknown', reason: `address \`${src.text}\` is not known` }, line, src, v?.constant);
          return;
        }
        break;
      case 'push': {
        const v = src === undefined && dst ? this.operandValue(dst, line) : { value: { kind: 'unknown', reason: 'pushed' } as RegisterValue };
        this.stack.push({ value: v.value });
        return;
      }
      case 'pop': {
        const popped = this.stack.pop();
        if (dst?.register) this.write(dst, popped?.value ?? { kind: 'unknown', reason: 'popped a value pushed before this block' }, line);
        return;
      }
      case 'xchg':
        if (dstFamily && src?.register?.family && dst!.register!.bits === 64 && src.register.bits === 64) {
          const a = this.get(dstFamily);
          const b = this.get(src.register.family);
          this.write(dst!, b.value, line, src);
          this.write(src, a.value, line, dst);
          return;
        }
        break;
      case 'inc': case 'dec': case 'neg': case 'not':
        if (dstFamily) { this.write(dst!, this.arithmetic(mnemonic, this.operandValue(dst!, line).value, undefined, dst!.register!.bits), line); return; }
        break;
      case 'add': case 'sub': case 'or': case 'and': case 'xor': case 'shl': case 'sal': case 'shr': case 'sar':
        if (dstFamily && src) {
          const value = this.arithmetic(mnemonic, this.operandValue(dst!, line).value, this.operandValue(src, line).value, dst!.register!.bits);
          this.write(dst!, value, line);
          return;
        }
        break;
      case 'imul':
        if (dstFamily && src && statement.operands.length === 2) {
          this.write(dst!, this.arithmetic(mnemonic, this.operandValue(dst!, line).value, this.operandValue(src, line).value, dst!.register!.bits), line);
          return;
        }
        break;
      case 'cdq': case 'cqo': {
        const rax = this.get('rax').value;
        this.forget('rdx', 'sign of rax');
        if (rax.kind === 'number') {
          const negative = toSigned(rax.value, mnemonic === 'cdq' ? 32 : 64) < 0n;
          this.state.set('rdx', { value: num(negative ? mask(mnemonic === 'cdq' ? 32 : 64) : 0n) });
        }
        return;
      }
      default:
        break;
    }
    for (const f of IMPLICIT_WRITES[mnemonic] ?? []) this.forget(f, `changed by \`${mnemonic}\``);
    // xchg/xadd/cmpxchg also write their second operand.
    if ((mnemonic === 'xchg' || mnemonic === 'xadd' || mnemonic === 'cmpxchg') && src?.register?.family) {
      this.write(src, { kind: 'unknown', reason: `changed by \`${mnemonic}\`` }, line);
    }
    if (statement.prefix && /^rep/.test(statement.prefix.name)) this.forget('rcx', `counted down by \`${statement.prefix.name}\``);
    if (dstFamily && !NO_DESTINATION.has(mnemonic) && !mnemonic.startsWith('j')) {
      const conditional = mnemonic.startsWith('cmov') && CONDITION_CODES.includes(mnemonic.slice(4));
      this.write(dst!, { kind: 'unknown', reason: conditional ? `conditionally set by \`${mnemonic}\`` : `changed by \`${mnemonic}\`` }, line);
    }
  }

  private recordSite(statement: Statement, line: number, instruction: SyscallInstruction): void {
    const abi: Abi = instruction === 'syscall' ? 'x86_64' : 'i386';
    const convention = CALLING_CONVENTIONS[abi];
    const registers = new Map<string, RegisterState>();
    for (const name of [convention.numberRegister, ...convention.argumentRegisters]) {
      const f = REGISTERS.get(name)?.family;
      if (!f) continue;
      const held = this.get(f);
      // int 0x80 sees only the low 32 bits of each register.
      registers.set(f, abi === 'i386' && held.value.kind === 'number' ? { ...held, value: num(held.value.value & mask(32)) } : held);
    }
    this.sites.push({ line, start: statement.keyword!.start, end: statement.operands.at(-1)?.end ?? statement.keyword!.end, instruction, abi, registers });
  }
}

/** Analyses lines [start, end] as one basic block. */
export function analyzeBlock(
  statements: (line: number) => Statement, start: number, end: number, env: SymbolEnvironment, isActive: (line: number) => boolean,
): BlockAnalysis {
  const interpreter = new BlockInterpreter(env);
  let last: { statement: Statement; line: number } | undefined;
  for (let line = start; line <= end; line++) {
    if (!isActive(line)) continue;
    const statement = statements(line);
    interpreter.step(statement, line);
    if (statement.kind === 'instruction' || statement.kind === 'macroCall') last = { statement, line };
  }
  const exit = blockExit(last, interpreter.sites.at(-1));
  return {
    start, end, sites: interpreter.sites, clobberedReads: interpreter.clobberedReads, writes: interpreter.writes,
    touched: interpreter.touchedMask(), exit,
  };
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
