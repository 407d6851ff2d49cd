// The meaning of one instruction for the values in registers, on the stack and in named memory
// slots. The program analysis (program.ts) runs it over blocks, from each block's entry state.
import { CALLING_CONVENTIONS, lookupSyscall, resultKind, type Abi, type SyscallInfo } from '../../syscalls';
import { evaluateExpression, num, type NumberValue, type Value } from '../../nasm/parser/expression';
import type { Operand, Statement } from '../../nasm/parser/statement';
import type { Token } from '../../nasm/parser/tokens';
import { CONDITION_CODES, REGISTERS, type RegisterInfo } from '../../nasm/parser/vocabulary';
import type { Expansion } from './macroExpansion';
import { IMPLICIT_WRITES, NO_DESTINATION } from './registerEffects';
import { GPR_FAMILIES, mask as maskOfWidth, toSigned, type KernelEntryMnemonic } from '../../x86';
import {
  join, mapOptions, optionsOf, resultOrigin, sameValue, unknown, UNSET, withSign, type LineAnchor, type RegisterValue,
  type ResultOrigin, type Single, type SymbolValue,
} from './values';

/** The instruction that last wrote a register, and where its source operand is. */
export interface Setter {
  readonly line: number;
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

/** What the analysis needs to know about names. */
export interface SymbolEnvironment {
  /** Value of a constant (equ/%define/%assign), or a label as a symbolic address. */
  resolve(name: string, line: number): { value: Value; constant?: string } | undefined;
  isMacro(name: string): boolean;
}

/** The register families in a state's order (x86/'s table). */
export const FAMILIES: readonly string[] = GPR_FAMILIES;
const INDEX = new Map(FAMILIES.map((f, i) => [f, i]));
export const familyIndex = (family: string): number => INDEX.get(family) ?? -1;
const RSP = familyIndex('rsp');
/** Registers a called function may change (System V), when we cannot see the function. */
const CALLER_SAVED = ['rax', 'rcx', 'rdx', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11'];
/** More named slots than this in one state are not tracked (a loop storing to ever new addresses). */
const MAX_SLOTS = 64;

export interface MachineState {
  registers: RegisterValue[];
  /** The instruction that last wrote each register, when every path agrees on it. */
  setters: (Setter | undefined)[];
  /** Stack slots of the current frame, by offset from the frame's entry rsp. */
  stack: Map<bigint, RegisterValue>;
  /** Named memory slots (`fd`, `buf+8`) written on this path. */
  memory: Map<string, RegisterValue>;
  /** The register the flags were last set from by `test r, r` / `cmp r, 0`, for sign branches. */
  flags?: string;
}

export function copyState(state: MachineState): MachineState {
  return {
    registers: [...state.registers], setters: [...state.setters], stack: new Map(state.stack), memory: new Map(state.memory),
    ...(state.flags ? { flags: state.flags } : {}),
  };
}

/** The state where registers hold `fill` and rsp points at the entry of `frame`. */
export function freshState(frame: string, fill: RegisterValue): MachineState {
  const registers = FAMILIES.map(() => fill);
  registers[RSP] = { kind: 'stack', frame, offset: 0n };
  return { registers, setters: FAMILIES.map(() => undefined), stack: new Map(), memory: new Map() };
}

function joinMaps(a: Map<string | bigint, RegisterValue>, b: Map<string | bigint, RegisterValue>): Map<any, RegisterValue> {
  const out = new Map<string | bigint, RegisterValue>();
  // A slot written on only one path falls back to what the whole program stores there.
  for (const [key, value] of a) { const other = b.get(key); if (other) out.set(key, join(value, other)); }
  return out;
}

export function joinStates(a: MachineState, b: MachineState): MachineState {
  return {
    registers: a.registers.map((v, i) => join(v, b.registers[i]!)),
    setters: a.setters.map((s, i) => (s && b.setters[i] && s.line === b.setters[i]!.line && s.registerStart === b.setters[i]!.registerStart ? s : undefined)),
    stack: joinMaps(a.stack, b.stack) as Map<bigint, RegisterValue>,
    memory: joinMaps(a.memory, b.memory) as Map<string, RegisterValue>,
    ...(a.flags && a.flags === b.flags ? { flags: a.flags } : {}),
  };
}

function sameMap(a: Map<unknown, RegisterValue>, b: Map<unknown, RegisterValue>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) { const other = b.get(key); if (!other || !sameValue(value, other)) return false; }
  return true;
}

export function sameState(a: MachineState, b: MachineState): boolean {
  return a.flags === b.flags && a.registers.every((v, i) => sameValue(v, b.registers[i]!)) && a.setters.every((s, i) => s === b.setters[i])
    && sameMap(a.stack, b.stack) && sameMap(a.memory, b.memory);
}

/** What a syscall site sees: every register, and where each was set. */
export interface SiteState {
  readonly line: number; start: number; end: number; instruction: KernelEntryMnemonic; abi: Abi; state: MachineState; syscall?: SyscallInfo;
  /** The macro whose expansion holds the syscall, when it is not written on the line itself. */
  via?: string;
}

/** A setter whose line moves with its block (see LineAnchor). */
class AnchoredSetter implements Setter {
  source?: { start: number; end: number; text: string };
  constant?: string;
  constructor(
    private readonly anchor: LineAnchor, private readonly offset: number,
    readonly register: string, readonly registerStart: number, readonly registerEnd: number, readonly literal: boolean,
  ) {}
  get line(): number { return this.anchor.start + this.offset; }
}

/** `setter` on `line`, kept against `anchor` (a block moved to a new object: see dataflow.ts movedBlock). */
export function rebasedSetter(anchor: LineAnchor, line: number, setter: Setter): Setter {
  const moved = new AnchoredSetter(anchor, line - anchor.start, setter.register, setter.registerStart, setter.registerEnd, setter.literal);
  if (setter.source) moved.source = setter.source;
  if (setter.constant !== undefined) moved.constant = setter.constant;
  return moved;
}

/** A syscall site whose line moves with its block. */
class AnchoredSite implements SiteState {
  syscall?: SyscallInfo;
  via?: string;
  constructor(
    private readonly anchor: LineAnchor, private readonly offset: number,
    readonly start: number, readonly end: number, readonly instruction: KernelEntryMnemonic, readonly abi: Abi, readonly state: MachineState,
  ) {}
  get line(): number { return this.anchor.start + this.offset; }
}

/** The number and argument registers a syscall site reads, with their setters. */
export function siteRegisters(site: SiteState): Map<string, { value: RegisterValue; setter?: Setter }> {
  const registers = new Map<string, { value: RegisterValue; setter?: Setter }>();
  const convention = CALLING_CONVENTIONS[site.abi];
  for (const name of [convention.numberRegister, ...convention.argumentRegisters]) {
    const index = familyIndex(REGISTERS.get(name)!.family!);
    let value = site.state.registers[index]!;
    // int 0x80 sees only the low 32 bits of each register.
    if (site.abi === 'i386' && value.kind === 'number') value = narrow(value, 32);
    const setter = site.state.setters[index];
    registers.set(FAMILIES[index]!, setter ? { value, setter } : { value });
  }
  return registers;
}

/** What the interpreter needs from the program around the block. */
export interface ProgramContext {
  env: SymbolEnvironment;
  /**
   * Where names inside a macro's expansion are looked up, when not in `env`: the program records
   * them (a block's own record of its lookups does not see inside the macros it invokes).
   */
  macroEnv?: SymbolEnvironment;
  /** The frame (procedure) the code runs in. */
  frame: string;
  /** The value the program stores into a named slot anywhere, or undefined when nothing does. */
  storedAnywhere(slot: string): RegisterValue | undefined;
  /**
   * Effect of calling a procedure of this program: the registers it changes and their values on return.
   * `returns` is undefined while the procedure has not been seen to return yet: the code after the call
   * waits (the program visits it again once the procedure returns).
   */
  procedure(name: string): { writes: Set<string>; returns: RegisterValue[] | undefined } | undefined;
  /** The initial value of a named data slot (`count dq 5`), when known. */
  initialData?(slot: string): RegisterValue | undefined;
  /** `.loop` on a line → `_start.loop`. */
  qualify(name: string, line: number): string;
  /** The statements a macro invocation stands for (`text` is the invocation as written). */
  expand?(statement: Statement, line: number, text?: string): Expansion | undefined;
}

export interface Events {
  site?(site: SiteState): void;
  call?(target: string, state: MachineState, line: number): void;
  store?(slot: string, value: RegisterValue): void;
  ret?(state: MachineState): void;
  /** A register written by the instruction `setter` names. */
  write?(setter: Setter): void;
}


/** The instruction that enters the kernel, if this statement is one. */
export function kernelEntryOf(statement: Statement): KernelEntryMnemonic | undefined {
  const name = statement.keyword?.name;
  if (statement.kind !== 'instruction' || !name) return undefined;
  if (name === 'syscall') return 'syscall';
  if (name === 'sysenter') return 'sysenter';
  if (name === 'int' && statement.operands[0]?.tokens[0]?.value === 0x80n) return 'int 0x80';
  return undefined;
}

const nouns = new Map<string, string>();
/** How the man pages name what a call returns. */
function resultNoun(syscall: SyscallInfo): string {
  let noun = nouns.get(syscall.name);
  if (noun === undefined) nouns.set(syscall.name, noun = computeResultNoun(syscall));
  return noun;
}

function computeResultNoun(syscall: SyscallInfo): string {
  if (/^(read|write|pread64|pwrite64|readv|writev|preadv2?|pwritev2?|sendfile|splice|tee|copy_file_range|recvfrom|sendto|recvmsg|sendmsg|getrandom|readlink|readlinkat|getdents64?)$/.test(syscall.name)) return 'bytes';
  const kind = resultKind(syscall);
  if (kind === 'fd') return 'fd';
  if (kind === 'pointer') return 'address';
  if (/^(fork|vfork|clone3?|getpid|getppid|gettid|wait4|waitid)$/.test(syscall.name)) return 'pid';
  return 'result';
}

const EMPTY_SLOTS: Map<any, RegisterValue> = new Map();

// The masks of the usual widths, made once: the interpreter narrows values on almost every instruction.
const MASKS = new Map([8, 16, 32, 64].map((bits) => [bits, maskOfWidth(bits)]));
const mask = (bits: number): bigint => MASKS.get(bits) ?? maskOfWidth(bits);
/** A number cut to `bits`: the same object when it already fits (most do; a BigInt operation allocates). */
function narrow(value: NumberValue, bits: number): NumberValue {
  const m = mask(bits);
  return value.value >= 0n && value.value <= m ? value : num(value.value & m);
}

// Values are immutable: the unknowns every syscall makes are made once.
const RCX_AFTER_SYSCALL = unknown('the syscall instruction stores the return address in rcx');
const R11_AFTER_SYSCALL = unknown('the syscall instruction stores rflags in r11');
const UNKNOWN_NUMBER_RESULT = unknown('the result of a syscall whose number is not known');
const INT80_RESULT = unknown('the result of int 0x80');

/** Instructions that leave the flags as they were. */
const KEEPS_FLAGS = new Set(['mov', 'movabs', 'movzx', 'movsx', 'movsxd', 'lea', 'push', 'pop', 'nop']);

// Stack addresses travel through the expression evaluator as addresses with a reserved anchor.
const STACK_ANCHOR = '\u0000stack:';

/** Runs instructions on a state, reporting syscall sites, calls, stores and returns. */
export class Interpreter {  /** Inside a macro expansion: the invocation, which every site and setter is attributed to. */
  private via: { name: string; start: number; end: number } | undefined;
  private depth = 0;
  /** Registers written (bit i = FAMILIES[i]). */
  touched = 0;
  /** Stopped at a call to a procedure that has not returned yet: the rest of the block waits for it. */
  halted = false;

  /** `anchor`: the block being run, when positions are to move with it (the whole-program analysis). */
  constructor(
    readonly state: MachineState, private readonly context: ProgramContext, private readonly events: Events = {}, private readonly anchor?: LineAnchor,
  ) {}

  private setterAt(line: number, register: string, registerStart: number, registerEnd: number, literal: boolean): Setter {
    const anchor = this.anchor;
    return anchor ? new AnchoredSetter(anchor, line - anchor.start, register, registerStart, registerEnd, literal) : { line, register, registerStart, registerEnd, literal };
  }

  /** The names in scope: inside a macro's expansion, the context's macroEnv when it has one. */
  private get env(): SymbolEnvironment { return this.depth > 0 ? this.context.macroEnv ?? this.context.env : this.context.env; }

  get(family: string): RegisterValue { return this.state.registers[familyIndex(family)] ?? UNSET; }

  private set(family: string, value: RegisterValue, setter?: Setter): void {
    const index = familyIndex(family);
    if (index < 0) return;
    this.state.registers[index] = value;
    this.state.setters[index] = setter;
    this.touched |= 1 << index;
    if (setter) this.events.write?.(setter);
    if (this.state.flags === family) delete this.state.flags;
  }

  private toValue(value: RegisterValue): Value | undefined {
    if (value.kind === 'number' || value.kind === 'address') return value;
    if (value.kind === 'stack') return { kind: 'address', anchor: STACK_ANCHOR + value.frame, offset: value.offset };
    return undefined;
  }

  private fromValue(value: Value): RegisterValue {
    if (value.kind === 'address' && value.anchor.startsWith(STACK_ANCHOR)) return { kind: 'stack', frame: value.anchor.slice(STACK_ANCHOR.length), offset: value.offset };
    return value;
  }

  /** An expression over constants, labels and registers. */
  private evaluate(tokens: readonly Token[], line: number): { value: RegisterValue; constant?: string } | undefined {
    const only = tokens.length === 1 ? tokens[0]! : undefined;
    if (only?.kind === 'number' && only.value !== undefined) return { value: num(only.value) };
    let constant: string | undefined;
    let blocked: RegisterValue | undefined;
    const value = evaluateExpression(tokens, {
      resolve: (name) => {
        const register = REGISTERS.get(name.toLowerCase());
        if (register) {
          const held = register.family ? this.get(register.family) : undefined;
          if (held?.kind === 'number') return narrow(held, register.bits);
          const asValue = held && register.bits === 64 ? this.toValue(held) : undefined;
          if (!asValue) blocked ??= held ?? unknown(`\`${name}\` is not a general-purpose register`);
          return asValue;
        }
        const resolved = this.env.resolve(name, line);
        if (resolved?.constant) constant = resolved.constant;
        return resolved?.value;
      },
    });
    if (value) return { value: this.fromValue(value), ...(constant ? { constant } : {}) };
    // A lone register holding a symbol (`[rsi]` with rsi = argv) is still that symbol.
    return blocked && tokens.length === 1 ? { value: blocked } : undefined;
  }

  /** The slot a memory operand names: a stack offset of this frame or a label plus offset. */
  private slotOf(operand: Operand, line: number): { stack?: bigint; named?: string } | undefined {
    const inner = operand.tokens.filter((t) => t.text !== '[' && t.text !== ']' && !/^(rel|abs)$/i.test(t.text));
    if (inner.some((t) => t.text === ':')) return undefined; // segment overrides: fs:[…]
    const address = this.evaluate(inner, line)?.value;
    if (address?.kind === 'stack') return address.frame === this.context.frame ? { stack: address.offset } : undefined;
    if (address?.kind === 'address') return { named: address.offset === 0n ? address.anchor : `${address.anchor}+${address.offset}` };
    return undefined;
  }

  private load(operand: Operand, line: number): RegisterValue {
    const slot = this.slotOf(operand, line);
    if (slot?.stack !== undefined) return this.loadStack(slot.stack, `loaded from the stack (\`${operand.text}\`)`);
    if (slot?.named !== undefined) {
      const held = this.state.memory.get(slot.named) ?? this.context.storedAnywhere(slot.named) ?? this.context.initialData?.(slot.named);
      if (held) return held;
    }
    return unknown(`loaded from memory (\`${operand.text}\`)`);
  }

  private loadStack(offset: bigint, what: string): RegisterValue {
    const held = this.state.stack.get(offset);
    if (held) return held;
    if (this.context.frame === '_start' && offset >= 0n && offset % 8n === 0n) {
      // The kernel's initial stack: argc, then the argv pointers (then a NULL and envp).
      const index = Number(offset / 8n);
      return { kind: 'symbol', origin: index === 0 ? { kind: 'initial', what: 'argc', index: 0 } : { kind: 'initial', what: 'argv', index: index - 1 } };
    }
    return unknown(`${what} before this procedure stored there`);
  }

  private store(operand: Operand, value: RegisterValue, line: number): void {
    const slot = this.slotOf(operand, line);
    if (slot?.stack !== undefined && this.state.stack.size < MAX_SLOTS) this.state.stack.set(slot.stack, value);
    else if (slot?.named !== undefined) {
      if (this.state.memory.size < MAX_SLOTS) this.state.memory.set(slot.named, value);
      this.events.store?.(slot.named, value);
    }
  }

  /** The value of a source operand, narrowed to its width. */
  private read(operand: Operand, line: number): { value: RegisterValue; constant?: string } {
    if (operand.register?.family) {
      const held = this.get(operand.register.family);
      if (held.kind === 'number') {
        return { value: operand.register.high ? num((held.value >> 8n) & 0xffn) : narrow(held, operand.register.bits) };
      }
      if (operand.register.bits < 32) return { value: narrowUnknown(held, operand.register) };
      return { value: held };
    }
    if (operand.register) return { value: unknown(`\`${operand.text}\` is not a general-purpose register`) };
    if (operand.memory) return { value: this.load(operand, line) };
    return this.evaluate(operand.tokens, line) ?? { value: unknown(`\`${operand.text}\` is not a known constant`) };
  }

  private write(operand: Operand, value: RegisterValue, line: number, source?: Operand, constant?: string): void {
    const register = operand.register!;
    const family = register.family;
    if (!family) return;
    let result: RegisterValue;
    if (register.bits >= 32) {
      // A 32-bit write zero-extends into the whole 64-bit register.
      const bits = register.bits;
      // Addresses stay addresses: `mov esi, msg` is how non-PIE and 32-bit code load them.
      result = value.kind === 'number' ? narrow(value, bits) : value.kind === 'choice' ? mapOptions(value, (o) => (o.kind === 'number' ? narrow(o, bits) : o)) : value;
    } else {
      // 8/16-bit writes keep the other bits: known only if the rest was known.
      const previous = this.get(family);
      if (previous.kind === 'number' && value.kind === 'number') {
        const shift = register.high ? 8n : 0n;
        const m = mask(register.bits) << shift;
        result = num((previous.value & ~m) | ((value.value << shift) & m));
      } else {
        result = unknown(`only the low ${register.bits} bits were set (\`${register.name}\`)`);
      }
    }
    const setter: { -readonly [K in keyof Setter]: Setter[K] } = this.via
      ? this.setterAt(line, operand.text, this.via.start, this.via.end, false)
      : this.setterAt(line, operand.text, operand.start, operand.end, !!source && source.tokens.length === 1 && source.tokens[0]!.kind === 'number');
    if (source && !this.via) setter.source = { start: source.start, end: source.end, text: source.text };
    if (constant && !this.via) setter.constant = constant;
    this.set(family, result, setter);
  }

  private forget(family: string, reason: string): void { this.set(family, unknown(reason)); }

  private arithmetic(mnemonic: string, a: RegisterValue, b: RegisterValue | undefined, bits: number): RegisterValue {
    const why = (): RegisterValue => unknown(`computed by \`${mnemonic}\` from ${describeForReason(a, b)}`);
    if (a.kind === 'choice' || b?.kind === 'choice') {
      // A small choice stays a choice: `dec` of 1 or 2 is 0 or 1.
      return mapOptions(a, (x) => (b ? mapOptions(b, (y) => this.arithmetic(mnemonic, x, y, bits)) : this.arithmetic(mnemonic, x, undefined, bits)));
    }
    if (a.kind === 'stack' || a.kind === 'address') {
      if ((mnemonic === 'add' || mnemonic === 'sub') && b?.kind === 'number') {
        const delta = mnemonic === 'add' ? toSigned(b.value, 64) : -toSigned(b.value, 64);
        return { ...a, offset: a.offset + delta };
      }
      if (mnemonic === 'inc' || mnemonic === 'dec') return { ...a, offset: a.offset + (mnemonic === 'inc' ? 1n : -1n) };
      return why();
    }
    if (a.kind !== 'number' || (b && b.kind !== 'number')) return why();
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

  /** Interprets one statement; `text` is the line as written (for macro arguments). */
  step(statement: Statement, line: number, text?: string): void {
    if (this.halted) return;
    if (statement.kind === 'macroCall' || (statement.kind === 'label' && this.env.isMacro(statement.label!.text))) {
      this.macro(statement, line, text);
      return;
    }
    if (this.shadowedInstruction(statement, line, text)) return;
    if (statement.kind !== 'instruction' || !statement.keyword) return;
    const mnemonic = statement.keyword.name;
    const [dst, src] = statement.operands;
    const dstFamily = dst?.register?.family;
    this.noteFlags(mnemonic, dst, src);

    const entry = kernelEntryOf(statement);
    if (entry) { this.kernelEntry(statement, line, entry); return; }
    if (mnemonic === 'call') { this.call(dst, line); return; }
    if (mnemonic === 'ret' || mnemonic === 'retn') { this.events.ret?.(this.state); return; }

    const selfClear = (mnemonic === 'xor' || mnemonic === 'sub') && !!dstFamily && dst!.register!.name === src?.register?.name;
    if (selfClear) { this.write(dst!, num(0n), line); return; }
    switch (mnemonic) {
      case 'mov': case 'movabs':
        if (dst && src) {
          if (dst.register) { const v = this.read(src, line); this.write(dst, v.value, line, src, v.constant); return; }
          if (dst.memory) { this.store(dst, this.read(src, line).value, line); return; }
        }
        break;
      case 'movzx': case 'movsx': case 'movsxd':
        if (dst?.register && src) {
          const v = this.read(src, line);
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
          this.write(dst, v?.value ?? unknown(`address \`${src.text}\` is not known`), line, src, v?.constant);
          return;
        }
        break;
      case 'push': {
        const value = dst ? this.read(dst, line).value : unknown('pushed');
        this.adjustStack(-8n, value);
        return;
      }
      case 'pop': {
        const rsp = this.get('rsp');
        const popped = rsp.kind === 'stack' && rsp.frame === this.context.frame
          ? this.loadStack(rsp.offset, 'popped')
          : unknown('popped from an unknown stack position');
        this.adjustStack(8n);
        if (dst?.register) this.write(dst, popped, line);
        else if (dst?.memory) this.store(dst, popped, line);
        return;
      }
      case 'xchg':
        if (dstFamily && src?.register?.family && dst!.register!.bits === src.register.bits && dst!.register!.bits >= 32) {
          const a = this.get(dstFamily);
          const b = this.get(src.register.family);
          this.write(dst!, b, line, src);
          this.write(src, a, line, dst);
          return;
        }
        break;
      case 'inc': case 'dec': case 'neg': case 'not':
        if (dstFamily) { this.write(dst!, this.arithmetic(mnemonic, this.read(dst!, line).value, undefined, dst!.register!.bits), line); return; }
        break;
      case 'add': case 'sub': case 'or': case 'and': case 'xor': case 'shl': case 'sal': case 'shr': case 'sar':
        if (dstFamily && src) {
          this.write(dst!, this.arithmetic(mnemonic, this.read(dst!, line).value, this.read(src, line).value, dst!.register!.bits), line);
          return;
        }
        if (dst?.memory && src) { this.store(dst, unknown(`changed by \`${mnemonic}\``), line); return; }
        break;
      case 'imul':
        if (dstFamily && src && statement.operands.length === 2) {
          this.write(dst!, this.arithmetic(mnemonic, this.read(dst!, line).value, this.read(src, line).value, dst!.register!.bits), line);
          return;
        }
        break;
      case 'cdq': case 'cqo': {
        const rax = this.get('rax');
        const bits = mnemonic === 'cdq' ? 32 : 64;
        this.set('rdx', rax.kind === 'number' ? num(toSigned(rax.value, bits) < 0n ? mask(bits) : 0n) : unknown('the sign of rax'));
        return;
      }
      case 'leave': {
        // rsp = rbp, then pop rbp.
        const rbp = this.get('rbp');
        this.set('rsp', rbp);
        const saved = rbp.kind === 'stack' && rbp.frame === this.context.frame ? this.state.stack.get(rbp.offset) : undefined;
        this.adjustStack(8n);
        this.set('rbp', saved ?? unknown('restored by `leave`'));
        return;
      }
      default:
        break;
    }
    for (const f of IMPLICIT_WRITES[mnemonic] ?? []) this.forget(f, `changed by \`${mnemonic}\``);
    // xchg/xadd/cmpxchg also write their second operand.
    if ((mnemonic === 'xchg' || mnemonic === 'xadd' || mnemonic === 'cmpxchg') && src?.register?.family) {
      this.write(src, unknown(`changed by \`${mnemonic}\``), line);
    }
    if (statement.prefix && /^rep/.test(statement.prefix.name)) this.forget('rcx', `counted down by \`${statement.prefix.name}\``);
    if (dstFamily && !NO_DESTINATION.has(mnemonic) && !mnemonic.startsWith('j')) {
      const conditional = mnemonic.startsWith('cmov') && CONDITION_CODES.includes(mnemonic.slice(4));
      if (conditional && src) {
        // Either the old value stays or the source is moved in.
        this.write(dst!, join(this.get(dstFamily), this.read(src, line).value), line, src);
        return;
      }
      this.write(dst!, unknown(`changed by \`${mnemonic}\``), line);
    } else if (dst?.memory && !NO_DESTINATION.has(mnemonic) && !mnemonic.startsWith('j')) {
      this.store(dst, unknown(`changed by \`${mnemonic}\``), line);
    }
  }

  /** The macros being expanded: a macro's body does not invoke the macro again (NASM does not recurse). */
  private expanding: string[] = [];

  /**
   * An instruction written with the name of a macro (`%macro syscall 0-7` and then `syscall write, 1,
   * msg, len`): NASM expands the macro when it takes that many arguments, except inside its own body.
   */
  private shadowedInstruction(statement: Statement, line: number, text: string | undefined): boolean {
    const name = statement.kind === 'instruction' ? statement.keyword?.text : undefined;
    if (!name || this.depth >= 8 || this.expanding.includes(name) || !this.env.isMacro(name)) return false;
    const expansion = this.context.expand?.(statement, line, text);
    if (!expansion) return false;
    this.macro(statement, line, text, expansion);
    return true;
  }

  private macro(statement: Statement, line: number, text: string | undefined, expanded?: Expansion): void {
    const word = statement.keyword ?? statement.label ?? { text: 'macro', start: 0, end: 0 };
    const name = word.text;
    const expansion = expanded ?? (this.depth < 8 ? this.context.expand?.(statement, line, text) : undefined);
    delete this.state.flags;
    if (!expansion) {
      const changed = unknown(`the macro \`${name}\` may change it`);
      for (const f of FAMILIES) if (f !== 'rsp') this.set(f, changed);
      this.state.memory.clear();
      return;
    }
    const before = [...this.state.registers];
    const outer = this.via;
    this.via ??= { name, start: word.start, end: statement.operands.at(-1)?.end ?? word.end };
    this.depth++;
    this.expanding.push(name);
    expansion.statements.forEach((inner, k) => this.step(inner, line, expansion.lines[k]));
    this.expanding.pop();
    this.depth--;
    this.via = outer;
    if (expansion.branches) {
      // Straight-line reading of a body with jumps: what changed may also be something else.
      this.state.registers.forEach((v, i) => {
        if (v !== before[i]) this.state.registers[i] = join(v, unknown(`set on one of several paths inside the macro \`${name}\``));
      });
    }
  }

  /** Moves rsp by `delta`; with a value, stores it at the new top (push). */
  private adjustStack(delta: bigint, pushed?: RegisterValue): void {
    const rsp = this.get('rsp');
    const moved = rsp.kind === 'stack' ? { ...rsp, offset: rsp.offset + delta } : unknown('the stack pointer is not known');
    this.state.registers[RSP] = moved;
    if (pushed && moved.kind === 'stack' && moved.frame === this.context.frame && this.state.stack.size < MAX_SLOTS) {
      this.state.stack.set(moved.offset, pushed);
    }
  }

  /** Tracks the last `test r, r`-style instruction a sign branch can depend on. */
  private noteFlags(mnemonic: string, dst: Operand | undefined, src: Operand | undefined): void {
    const family = dst?.register?.family;
    const selfTest = (mnemonic === 'test' || mnemonic === 'or' || mnemonic === 'and') && family && src?.register?.family === family;
    const compareZero = mnemonic === 'cmp' && family && src?.tokens.length === 1 && src.tokens[0]!.value === 0n;
    if (selfTest || compareZero) {
      if (dst!.register!.bits >= 32) this.state.flags = family!; else delete this.state.flags;
      return;
    }
    // mov, lea, push, pop and jumps leave the flags alone.
    if (this.state.flags && !KEEPS_FLAGS.has(mnemonic) && mnemonic[0] !== 'j') delete this.state.flags;
  }

  private kernelEntry(statement: Statement, line: number, instruction: KernelEntryMnemonic): void {
    const abi: Abi = instruction === 'syscall' ? 'x86_64' : 'i386';
    const number = this.get(REGISTERS.get(CALLING_CONVENTIONS[abi].numberRegister)!.family!);
    let syscall: SyscallInfo | undefined;
    if (number.kind === 'number') {
      const n = abi === 'i386' ? number.value & mask(32) : number.value;
      const lookup = n <= 0xffffn ? lookupSyscall(abi, Number(n)) : undefined;
      if (lookup?.known) syscall = lookup.syscall;
    }
    // Sites keep registers only: their stack and memory views are never read (and would change as the block runs on).
    const snapshot: MachineState = { registers: [...this.state.registers], setters: [...this.state.setters], stack: EMPTY_SLOTS, memory: EMPTY_SLOTS as Map<string, RegisterValue> };
    const range = this.via ?? { start: statement.keyword!.start, end: statement.operands.at(-1)?.end ?? statement.keyword!.end };
    if (this.events.site) {
      const anchor = this.anchor;
      const site: { -readonly [K in keyof SiteState]: SiteState[K] } = anchor
        ? new AnchoredSite(anchor, line - anchor.start, range.start, range.end, instruction, abi, snapshot)
        : { line, start: range.start, end: range.end, instruction, abi, state: snapshot };
      if (syscall) site.syscall = syscall;
      if (this.via) site.via = this.via.name;
      this.events.site(site);
    }
    const result: RegisterValue = syscall
      ? { kind: 'symbol', origin: resultOrigin(syscall.name, resultNoun(syscall), line, this.anchor) }
      : instruction === 'syscall' ? UNKNOWN_NUMBER_RESULT : INT80_RESULT;
    this.set('rax', result);
    if (instruction === 'syscall') {
      // The syscall instruction itself stores the return address in rcx and rflags in r11; the kernel keeps the rest.
      this.set('rcx', RCX_AFTER_SYSCALL);
      this.set('r11', R11_AFTER_SYSCALL);
    }
  }

  private call(target: Operand | undefined, line: number): void {
    const name = target && target.tokens.length === 1 && target.tokens[0]!.kind === 'identifier' && !target.register
      ? this.context.qualify(target.tokens[0]!.text, line) : undefined;
    const summary = name ? this.context.procedure(name) : undefined;
    if (name && summary) {
      this.events.call?.(name, copyState(this.state), line);
      const returns = summary.returns;
      if (!returns) { this.halted = true; return; }
      for (const family of summary.writes) {
        const returned = returns[familyIndex(family)] ?? unknown(`changed by \`${name}\``);
        this.set(family, mapOptions(returned, (o) => (o.kind === 'stack' ? unknown(`a stack address inside \`${name}\``) : o)));
      }
      // The callee's own stores are in the program-wide slots; this path's view of memory is stale.
      this.state.memory.clear();
      return;
    }
    for (const f of CALLER_SAVED) this.forget(f, `may be changed by the function \`${target?.text ?? ''}\``);
    this.state.memory.clear();
  }
}

function describeForReason(a: RegisterValue, b: RegisterValue | undefined): string {
  const unknownPart = [a, b].find((v) => v && v.kind !== 'number');
  if (!unknownPart) return 'its operands';
  const first = optionsOf(unknownPart)[0]!;
  return first.kind === 'unknown' ? 'an unknown value' : first.kind === 'unset' ? 'a register not set' : 'a value that is not a plain number';
}

function narrowUnknown(held: RegisterValue, register: RegisterInfo): RegisterValue {
  if (held.kind === 'unset') return held;
  return unknown(`the low ${register.bits} bits of a value that is not a plain number`);
}

/** A syscall result a sign test is about: which call on which line (its sign is what the test decides). */
export interface TestedResult { syscall: string; line: number }

/** The syscall results a sign test is about: the origins in the tested register (empty: nothing to refine). */
export function testedResults(tested: RegisterValue): TestedResult[] {
  const results: TestedResult[] = [];
  for (const o of optionsOf(tested)) if (o.kind === 'symbol' && o.origin.kind === 'result') results.push(o.origin);
  return results;
}

function isTested(o: Single, results: readonly TestedResult[]): boolean {
  if (o.kind !== 'symbol' || o.origin.kind !== 'result') return false;
  const { line, syscall } = o.origin;
  return results.some((t) => t.line === line && t.syscall === syscall);
}

/** The value a register holds on the branch of a sign test: a syscall result is an error or not. */
export function refineBySign(value: RegisterValue, results: readonly TestedResult[], sign: 'error' | 'nonnegative'): RegisterValue {
  const refine = (o: Single): Single => {
    if (!isTested(o, results)) return o;
    const origin = (o as SymbolValue).origin as ResultOrigin;
    return origin.sign === sign ? o : { kind: 'symbol', origin: withSign(origin, sign) };
  };
  if (value.kind === 'symbol') return refine(value);
  if (value.kind !== 'choice' || !value.options.some((o) => isTested(o, results))) return value;
  return mapOptions(value, refine);
}

/** The state on the branch of a sign test; the state itself when the test refines nothing in it. */
export function refineStateBySign(state: MachineState, sign: 'error' | 'nonnegative'): MachineState {
  const results = state.flags ? testedResults(state.registers[familyIndex(state.flags)]!) : [];
  if (!results.length) return state;
  let out: MachineState | undefined;
  state.registers.forEach((v, i) => {
    const refined = refineBySign(v, results, sign);
    if (refined !== v) (out ??= copyState(state)).registers[i] = refined;
  });
  for (const [slot, v] of state.memory) {
    const refined = refineBySign(v, results, sign);
    if (refined !== v) (out ??= copyState(state)).memory.set(slot, refined);
  }
  for (const [offset, v] of state.stack) {
    const refined = refineBySign(v, results, sign);
    if (refined !== v) (out ??= copyState(state)).stack.set(offset, refined);
  }
  return out ?? state;
}
