// What the Variables view shows of a stopped program: registers, typed data labels, the stack and the
// pending syscall, as a tree of nodes with lazily fetched children. No DAP types here either.
import * as data from './mi/data';
import type { Gdb } from './mi/gdb';
import { list, str, tuple } from './mi/parser';
import { listVariables } from './mi/stack';
import type { DataLabel } from '../nasm/document/dataLabels';
import { renderBytes } from '../nasm/byteString';
import { readNasmSources, type NasmSources } from './sourceLabels';
import {
  GENERAL_REGISTERS_32, GENERAL_REGISTERS_64, SEGMENT_REGISTERS, decodeFlags, formatFlags, formatInteger,
  isVectorOrFloatRegister, parseRegisterValue, partAssignment, partExpression, partValue, type RegisterPart,
} from './registers';
import { gprView, mask, toSigned } from '../x86';
import {
  addressOf, dottedNamesIn, expandDefines, expressionLanguage, isMemoryOperand, isNasmSource, localLabelsIn, qualifyLocalLabels,
  quoteSymbolNames, readableValue, toGdbExpression, type ExpressionLanguage,
} from './expressions';
import { isDataSymbol, labelAt, parseMinimalSymbols, scopeOf, type ProgramSymbol } from './labelScope';
import type { GdbFrame } from './mi/stack';
import { evaluateWithConstants, formatConstant, resolveConstants, type UntypedLabels } from './constants';
import type { SyscallState } from './syscallStop';
import type { Abi } from '../syscalls';

/** A place in the editor (a hover's): the file and its 1-based line. */
export interface SourcePlace {
  file: string;
  line: number;
}

export interface VariableNode {
  name: string;
  value: string;
  type?: string;
  evaluateName?: string;
  memoryReference?: string;
  /** Changed since the previous stop. */
  changed?: boolean;
  children?: () => Promise<VariableNode[]>;
  /** Writes a new value; returns the value to show. */
  set?: (value: string) => Promise<string>;
  /** Data breakpoint target: expression and size in bytes. */
  watch?: { expression: string; size: number; description: string };
}

const hex = (v: bigint) => `0x${v.toString(16)}`;
const MAX_LABEL_BYTES = 4096;
const STACK_SLOTS_ABOVE = 16;
const STACK_SLOTS_BELOW = 2;
/** An expression that is one name. */
const ONE_NAME = /^[A-Za-z_?][\w?$@#~]*$/;

export class Inspector {
  private registerNumbers: Map<string, number> | undefined;
  private previous = new Map<string, bigint>();
  private current = new Map<string, bigint>();
  private nasmSources: NasmSources | undefined;
  private readonly labelAddresses = new Map<string, bigint | null>();

  constructor(private readonly gdb: Gdb, private readonly abi: () => Abi) {}

  private fetched: Promise<void> | undefined;

  /** Call on every stop; registers are fetched again when first needed, and compared with the last fetch. */
  invalidate(): void {
    this.fetched = undefined;
    this.symbolTable = undefined; // a library loaded since brings its own
    this.editedSinceStop = false;
  }

  /**
   * Registers were written while the program stays stopped (a Variables edit, an `-exec` command): they
   * are read again, and "changed" still compares with the values of the previous stop.
   */
  edited(): void {
    if (!this.fetched) return; // not read since the stop: the next read is fresh anyway
    this.fetched = undefined;
    this.editedSinceStop = true;
  }
  private editedSinceStop = false;

  private refresh(): Promise<void> {
    this.fetched ??= this.fetchRegisters(this.editedSinceStop);
    return this.fetched;
  }

  private async fetchRegisters(sameStop = false): Promise<void> {
    if (!sameStop) this.previous = this.current;
    this.current = new Map();
    const numbers = await this.numbers();
    const wanted = [...numbers.entries()].filter(([name]) => !isVectorOrFloatRegister(name));
    const values = await data.registerValues(this.gdb, 'x', wanted.map(([, n]) => n));
    for (const [name, number] of wanted) {
      const value = parseRegisterValue(values.get(number));
      if (value !== undefined) this.current.set(name, value);
    }
  }


  private async numbers(): Promise<Map<string, number>> {
    if (!this.registerNumbers) {
      const names = await data.registerNames(this.gdb);
      this.registerNumbers = new Map(names.map((name, i) => [name, i] as [string, number]).filter(([name]) => name !== ''));
    }
    return this.registerNumbers;
  }

  private changed(name: string): boolean {
    const before = this.previous.get(name);
    return before !== undefined && before !== this.current.get(name);
  }

  private setter(register: string) {
    return async (value: string) => {
      await data.setRegister(this.gdb, register, await this.valueExpression(value));
      const updated = await data.evaluateInteger(this.gdb, `$${register}`);
      return hex(updated);
    };
  }

  /** Writes a view (r8b, ah, sp) through gdb's name for it, or into its bits of the whole register. */
  private partSetter(part: RegisterPart, whole: string) {
    return async (value: string) => {
      await data.evaluate(this.gdb, partAssignment(part, whole, await this.valueExpression(value)));
      // gdb's $eax, $ah… are signed: its value, cut to the view's width, as the view shows it.
      return hex(await data.evaluateInteger(this.gdb, partExpression(part, whole)) & mask(part.bits));
    };
  }

  /**
   * A value typed into the Variables view, read as the Debug Console reads it: `rbx*2`, `BUFLEN`,
   * `STDOUT`, `msg.len`, `qword [rsp]`, and a data label as its address (`buf + 4`, as `mov rsi, buf + 4`).
   */
  private async valueExpression(value: string): Promise<string> {
    return this.stopExpression(toGdbExpression(expandDefines(value, await this.defines())));
  }

  /**
   * A gdb expression made to read the same whenever gdb evaluates it (a breakpoint condition at every
   * hit, a value written now): dotted symbols quoted, `equ`s as their values, data labels as addresses.
   * Local labels are not scoped here: a condition's scope is its line's (withLocalLabels with its place).
   */
  stopExpression(expression: string): Promise<string> {
    return this.quoteSymbols(expression).then((quoted) => resolveConstants(this.gdb, quoted, this.untypedLabels(async () => 'c')));
  }

  async registersScope(): Promise<VariableNode[]> {
    await this.refresh();
    const wide = this.abi() === 'x86_64';
    const general = wide ? GENERAL_REGISTERS_64 : GENERAL_REGISTERS_32;
    const width = wide ? 64 : 32;
    const pc = wide ? 'rip' : 'eip';
    const changedNames = general.map((r) => r.name).filter((n) => this.changed(n));
    const nodes: VariableNode[] = [{
      name: 'General purpose', value: changedNames.length ? `changed: ${changedNames.join(' ')}` : '',
      // Read again when opened: an edit since the scope was listed (see edited) shows at once.
      children: async () => (await this.refresh(), general).map((reg) => {
        const full = this.current.get(reg.name) ?? 0n;
        return {
          name: reg.name, value: formatInteger(full, width), evaluateName: `$${reg.name}`, changed: this.changed(reg.name),
          set: this.setter(reg.name),
          children: async () => reg.parts.map((part) => ({
            name: part.name, value: formatInteger(partValue(full, part), part.bits), evaluateName: partExpression(part, reg.name),
            set: this.partSetter(part, reg.name),
          })),
        };
      }),
    }];
    const ip = this.current.get(pc);
    if (ip !== undefined) nodes.push({ name: pc, value: hex(ip), evaluateName: `$${pc}`, changed: this.changed(pc), memoryReference: hex(ip), set: this.setter(pc) });
    const flags = this.current.get('eflags');
    if (flags !== undefined) {
      nodes.push({
        name: wide ? 'rflags' : 'eflags', value: formatFlags(flags), evaluateName: '$eflags', changed: this.changed('eflags'),
        children: async () => decodeFlags(flags).map((f) => ({ name: f.name, value: f.set ? '1' : '0', type: f.meaning })),
      });
    }
    nodes.push({
      name: 'Segment', value: '',
      children: async () => SEGMENT_REGISTERS.filter((r) => this.current.has(r))
        .map((r) => ({ name: r, value: hex(this.current.get(r)!), evaluateName: `$${r}`, changed: this.changed(r) })),
    });
    const orig = wide ? 'orig_rax' : 'orig_eax';
    const origValue = this.current.get(orig);
    if (origValue !== undefined) nodes.push({ name: orig, value: formatInteger(origValue, width), evaluateName: `$${orig}`, type: 'system call number the kernel saw' });
    nodes.push({ name: 'x87 / SSE / AVX', value: '', children: () => this.vectorRegisters() });
    return nodes;
  }

  private async vectorRegisters(): Promise<VariableNode[]> {
    const numbers = await this.numbers();
    const vector = [...numbers.entries()].filter(([name]) => isVectorOrFloatRegister(name));
    const values = await data.registerValues(this.gdb, 'N', vector.map(([, n]) => n));
    const hexValues = await data.registerValues(this.gdb, 'x', vector.filter(([name]) => /^(xmm|ymm)\d+$/.test(name)).map(([, n]) => n));
    return vector.filter(([, n]) => values.has(n)).map(([name, n]) => {
      const natural = values.get(n)!;
      const wide = hexValues.get(n);
      const summary = wide ? /uint(128|256) = (0x[0-9a-f]+)/.exec(wide)?.[2] ?? natural : natural;
      return { name, value: summary, evaluateName: `$${name}` };
    });
  }

  private async dataLabels(): Promise<DataLabel[]> {
    return (await this.sources()).labels;
  }

  /** `%define`s of the program's NASM sources, by name. */
  async defines(): Promise<ReadonlyMap<string, string>> {
    return (await this.sources()).defines;
  }

  /** Parses the program's NASM sources (gdb's list of source files), once. */
  private async sources(): Promise<NasmSources> {
    if (this.nasmSources) return this.nasmSources;
    const reply = await this.gdb.send('-file-list-exec-source-files').catch(() => ({ files: [] }));
    const files = new Set<string>();
    for (const item of list((reply as { files?: unknown }).files as never)) {
      const file = str(tuple(item)?.fullname);
      if (file && isNasmSource(file)) files.add(file);
    }
    this.nasmSources = readNasmSources([...files]);
    return this.nasmSources;
  }

  async labelAddress(name: string): Promise<bigint | undefined> {
    if (!this.labelAddresses.has(name)) {
      // A local label (`table.end`) is quoted, or gdb reads a member of `table`.
      const symbol = /^[A-Za-z_]\w*$/.test(name) ? name : `'${name}'`;
      const address = await data.evaluateInteger(this.gdb, `&${symbol}`).catch(() => null);
      this.labelAddresses.set(name, address);
    }
    return this.labelAddresses.get(name) ?? undefined;
  }

  private symbolTable: Promise<ProgramSymbol[]> | undefined;

  /** gdb's minimal symbols (every ELF symbol, `equ`s and local labels included), read once per stop. */
  private symbols(): Promise<ProgramSymbol[]> {
    this.symbolTable ??= this.gdb.cli('maint print msymbols').then(parseMinimalSymbols, () => []);
    return this.symbolTable;
  }

  /**
   * `.loop` → `parse.loop` when `frame` stopped in `parse` (or one of its local labels): NASM's local
   * labels, scoped as nasm scopes them where the frame is. A local label the scope does not have is
   * refused with the labels of that name it could mean (`.len` read in `print` is not `msg.len`).
   */
  async withLocalLabels(expression: string, frame: GdbFrame | undefined, place?: SourcePlace): Promise<string> {
    const locals = localLabelsIn(expression);
    if (locals.length === 0) return expression;
    const symbols = await this.symbols();
    // A hover names the place it was made at: the `.loop` of the procedure written there, wherever the frame is.
    const scope = (place && (await this.sources()).scopeAt(place.file, place.line)) ?? scopeAt(symbols, frame);
    if (scope === undefined) throw new Error(`${locals[0]} is a NASM local label, and no label precedes this frame's address to scope it.`);
    for (const local of locals) {
      if (symbols.some((s) => s.name === scope + local)) continue;
      const alike = [...new Set(symbols.filter((s) => s.name.endsWith(local) && !s.name.startsWith('..')).map((s) => s.name))];
      throw new Error(`No local label ${local} in ${scope} (${scope}${local})${alike.length ? `; the labels of that name: ${alike.slice(0, 5).join(', ')}` : ''}.`);
    }
    return qualifyLocalLabels(expression, scope);
  }

  /**
   * An expression of the Debug Console, a watch or a hover, read as NASM reads it where `frame` is (see
   * README: %defines, local labels, a data label alone as its data and in arithmetic as its address),
   * by gdb in frame `level` (undefined: the selected one). `frame` is asked only when needed. `place`:
   * where a hover was made, which scopes its local labels.
   */
  async evaluate(expression: string, level: number | undefined, frame: () => Promise<GdbFrame | undefined>, place?: SourcePlace): Promise<VariableNode> {
    let framePromise: Promise<GdbFrame | undefined> | undefined;
    const frameOf = () => (framePromise ??= frame());
    // NASM's %defines where the frame is NASM code: a C or Rust frame's names are its own.
    let expanded = expandDefines(expression, await this.defines());
    if (expanded !== expression && !isNasmSource((await frameOf())?.fullname)) expanded = expression;
    const scoped = localLabelsIn(expanded).length > 0 ? await this.withLocalLabels(expanded, await frameOf(), place) : expanded;
    const label = await this.findLabel(scoped);
    const node = label ? await this.labelNode(label) : undefined;
    if (node) return node;
    // A memory operand becomes a cast, written in the language of the frame gdb reads it in.
    const language = async () => expressionLanguage((await frameOf())?.fullname);
    const gdbExpression = await this.quoteSymbols(toGdbExpression(scoped, isMemoryOperand(scoped) ? await language() : 'c'));
    const read = (text: string) => data.evaluate(this.gdb, text, level);
    const value = await evaluateWithConstants(this.gdb, gdbExpression, read, this.untypedLabels(language));
    // A lone %define reads as a lone `equ` does: `1 (0x1)`.
    const integer = /^-?\d+$/.test(value);
    const lone = expanded !== expression && ONE_NAME.test(expression) && integer;
    // A general-purpose register, alone, in decimal and in hex at its width (`-38 (0xffffffffffffffda)`,
    // `-1 (0xffffffff)` for ecx): gdb prints rax and ecx in decimal only, the pointers rsp and rbp in hex.
    const register = integer ? gprView(scoped.trim().replace(/^\$/, '')) : undefined;
    if (register) return { name: expression, value: formatConstant(BigInt(value), register.bits) };
    return { name: expression, value: lone ? formatConstant(BigInt(value)) : readableValue(value) };
  }

  /** The local labels in scope where `frame` is, as written there (`.loop`), for completion. */
  async localLabelNames(frame: GdbFrame | undefined): Promise<string[]> {
    // Only NASM code has them; a C or Rust program's symbol table is large (a megabyte of gdb output).
    if (frame?.fullname === undefined || !isNasmSource(frame.fullname)) return [];
    const symbols = await this.symbols();
    const scope = scopeAt(symbols, frame);
    if (scope === undefined) return [];
    return [...new Set(symbols.filter((s) => s.name.startsWith(`${scope}.`)).map((s) => s.name.slice(scope.length)))];
  }

  /**
   * The expression with each dotted name that is a symbol quoted for gdb (`msg.len` → `'msg.len'`); a C
   * struct's `s.x` stays a member access. Asked of gdb name by name (a Rust or C program's whole symbol
   * table is large, and its expressions rarely hold such a name), as an MI expression: a console
   * command's complaint about a missing name would reach the Debug Console at every hover of `s.x`.
   */
  async quoteSymbols(expression: string): Promise<string> {
    const names = dottedNamesIn(expression);
    const symbols = new Set<string>();
    for (const name of names) {
      if (await data.evaluate(this.gdb, `&'${name}'`).then(() => true, () => false)) symbols.add(name);
    }
    return symbols.size ? quoteSymbolNames(expression, (name) => symbols.has(name)) : expression;
  }

  /**
   * NASM's data labels gdb has no type for (`count`), read in arithmetic as their address, as NASM reads
   * them. A data symbol from C or a library is left to gdb, which asks for a cast: there the name means
   * the variable, whose type only its declaration knows.
   */
  untypedLabels(language: () => Promise<ExpressionLanguage>): UntypedLabels {
    return {
      addressOf: async (name) => {
        const symbol = (await this.symbols()).find((s) => s.name === name && isDataSymbol(s));
        const nasm = symbol?.file !== undefined && isNasmSource(symbol.file);
        return nasm || (await this.findLabel(name)) ? addressOf(name, await language()) : undefined;
      },
      // An address in a label's data reads as gdb shows a pointer; a difference of two, as a number.
      show: async (value) => {
        const label = labelAt(await this.symbols(), BigInt.asUintN(64, value));
        return label ? `${hex(BigInt.asUintN(64, value))} <${label}>` : formatConstant(value);
      },
    };
  }

  async findLabel(name: string): Promise<DataLabel | undefined> {
    return (await this.dataLabels()).find((l) => l.name === name);
  }

  async labelNames(): Promise<string[]> {
    return (await this.dataLabels()).map((l) => l.name);
  }

  async dataScope(): Promise<VariableNode[]> {
    const nodes: VariableNode[] = [];
    for (const label of await this.dataLabels()) {
      const node = await this.labelNode(label);
      if (node) nodes.push(node);
    }
    return nodes;
  }

  /** A label typed from its definition: text as a string, numbers as numbers, arrays with children. */
  async labelNode(label: DataLabel): Promise<VariableNode | undefined> {
    const address = await this.labelAddress(label.name);
    if (address === undefined) return undefined;
    const size = Math.min(label.elementSize * label.count, MAX_LABEL_BYTES);
    const bytes = (await data.readMemory(this.gdb, address, size).catch(() => undefined))?.bytes ?? Buffer.alloc(0);
    const type = `${label.kind === 'string' ? 'char' : `int${label.elementSize * 8}`}[${label.count}] in ${label.section}`;
    const base: VariableNode = {
      name: label.name, value: '', type, memoryReference: hex(address), evaluateName: label.name,
      watch: { expression: `*(char (*)[${size}])${hex(address)}`, size, description: `${label.name} (${size} bytes)` },
    };
    if (label.kind === 'string') return { ...base, value: renderBytes(bytes.subarray(0, size)) };
    if (label.struc) return strucNode(base, label.struc, label.section, bytes, address);
    const elements = readElements(bytes, label.elementSize);
    if (label.count === 1 && elements.length === 1) return { ...base, value: formatElement(elements[0]!, label.elementSize) };
    base.value = `[${elements.slice(0, 8).map((e) => (label.elementSize <= 8 ? toSigned(e, label.elementSize * 8) : e).toString()).join(', ')}${elements.length > 8 ? ', …' : ''}]`;
    base.children = async () => elements.map((e, i) => ({
      name: `[${i}]`, value: formatElement(e, label.elementSize), memoryReference: hex(address + BigInt(i * label.elementSize)),
    }));
    return base;
  }

  /** Arguments and locals of a C frame (gdb knows their types from DWARF); empty for NASM code. */
  async localsScope(level: number): Promise<VariableNode[]> {
    const variables = await listVariables(this.gdb, level).catch(() => []);
    return variables.map((v) => ({
      name: v.name, type: v.type, value: v.value ?? '{…}', evaluateName: v.name,
      // In its frame without selecting it: the registers and steps stay with the frame the stop left selected.
      set: (value: string) => data.evaluate(this.gdb, `${v.name} = ${value}`, level),
    }));
  }

  /** The qwords around rsp, labelled by offset. */
  async stackScope(): Promise<VariableNode[]> {
    await this.refresh();
    const wide = this.abi() === 'x86_64';
    const slot = wide ? 8 : 4;
    const sp = this.current.get(wide ? 'rsp' : 'esp');
    if (sp === undefined) return [];
    const start = sp - BigInt(STACK_SLOTS_BELOW * slot);
    const block = await data.readMemory(this.gdb, start, (STACK_SLOTS_ABOVE + STACK_SLOTS_BELOW) * slot).catch(() => undefined);
    if (!block) return [];
    const values = readElements(block.bytes, slot);
    const reg = wide ? 'rsp' : 'esp';
    return values.map((value, i) => {
      const offset = (i - STACK_SLOTS_BELOW) * slot;
      const name = offset === 0 ? `[${reg}]` : offset > 0 ? `[${reg}+0x${offset.toString(16)}]` : `[${reg}-0x${(-offset).toString(16)}]`;
      return { name, value: hex(value), memoryReference: hex(start + BigInt(i * slot)) };
    });
  }

  syscallScope(state: SyscallState): VariableNode[] {
    const nodes: VariableNode[] = [
      { name: 'call', value: state.call },
      { name: 'number', value: `${state.number}${state.syscall ? ` (${state.syscall.name})` : ''}` },
      ...state.arguments.map((arg) => ({
        name: arg.name, type: `${arg.type} in ${arg.register}`, value: arg.text || formatInteger(arg.value, 64),
        evaluateName: `$${arg.register}`,
      })),
    ];
    if (state.result !== undefined) nodes.push({ name: 'result', value: state.result });
    return nodes;
  }
}

/** The scope of NASM local labels where `frame` is; a caller's address is its return address, which may already be the next label's. */
function scopeAt(symbols: readonly ProgramSymbol[], frame: GdbFrame | undefined): string | undefined {
  return frame ? scopeOf(symbols, frame.level > 0 ? frame.address - 1n : frame.address) : undefined;
}

const SIZE_NAMES: Record<number, string> = { 1: 'byte', 2: 'word', 4: 'dword', 8: 'qword' };

/** An `istruc` instance by its fields: `{words: 3, bytes: 15, …}`, each field a child read as NASM would. */
function strucNode(base: VariableNode, struc: NonNullable<DataLabel['struc']>, section: string, bytes: Buffer, address: bigint): VariableNode {
  const fields = struc.fields.map((field) => {
    const elements = readElements(bytes.subarray(field.offset, field.offset + field.elementSize * field.count), field.elementSize);
    const size = SIZE_NAMES[field.elementSize];
    const value = field.count === 1 && elements.length === 1 ? formatElement(elements[0]!, field.elementSize)
      : `[${elements.map((e) => (field.elementSize <= 8 ? toSigned(e, field.elementSize * 8) : e).toString()).join(', ')}]`;
    return {
      name: field.name, value, type: `int${field.elementSize * 8}${field.count === 1 ? '' : `[${field.count}]`}`,
      memoryReference: hex(address + BigInt(field.offset)),
      evaluateName: size && field.count === 1 ? `${size} [${base.name} + ${struc.name}${field.name}]` : undefined,
    };
  });
  // Decimal alone in the summary, as the Data scope summarises an array; the children show the hex too.
  const summary = fields.slice(0, 6).map((f, i) => `${f.name.slice(1)}: ${struc.fields[i]!.count === 1 ? f.value.split(' ')[0] : f.value}`).join(', ');
  return {
    ...base, type: `${struc.name} in ${section}`,
    value: `{${summary}${fields.length > 6 ? ', …' : ''}}`,
    children: async () => fields,
  };
}

function readElements(bytes: Uint8Array, size: number): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i + size <= bytes.length; i += size) {
    let v = 0n;
    for (let b = size - 1; b >= 0; b--) v = (v << 8n) | BigInt(bytes[i + b]!);
    out.push(v);
  }
  return out;
}

function formatElement(value: bigint, size: number): string {
  return size > 8 ? hex(value) : formatInteger(value, size * 8).replace(/^(0x[0-9a-f]+) \((-?\d+)\)$/, '$2 ($1)');
}
