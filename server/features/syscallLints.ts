// Syscall lints and their quick fixes. Each lint is a plain value; the server turns them into
// diagnostics and code actions.
import { argumentUse, CALLING_CONVENTIONS, lookupSyscallByName } from '../../syscalls';
import type { BlockAnalysis, Setter } from '../analysis/dataflow';
import { mayBeUnset } from '../analysis/values';
import type { AsmDocument } from '../../nasm/document/document';
import { REGISTERS, registerOfWidth } from '../../nasm/parser/vocabulary';
import { argumentFamilies, exactArgument, familyOf, numberFamily, type ResolvedSite } from './syscallFacts';

export interface Edit { line: number; start: number; end: number; newText: string }

export type LintCode =
  | 'rcx-instead-of-r10' | 'int80-in-64-bit-code' | 'unknown-syscall' | 'unset-argument' | 'clobbered-register-read' | 'include-not-read';

export interface Lint {
  code: LintCode;
  severity: 'warning' | 'information';
  message: string;
  line: number;
  start: number;
  end: number;
  fix?: { title: string; edits: Edit[] };
}

function sameWidth(register: string, targetFamily: string): string {
  const info = REGISTERS.get(register.toLowerCase());
  return registerOfWidth(targetFamily, info?.bits ?? 64) ?? targetFamily;
}

/**
 * The 4th argument in rcx: the function-call convention's register, which `syscall` overwrites.
 * `writes[from..to)` are the block's register writes since the previous syscall.
 */
function rcxInsteadOfR10(resolved: ResolvedSite, writes: readonly Setter[], from: number, to: number): Lint | undefined {
  const { site, syscall } = resolved;
  if (site.abi !== 'x86_64' || !syscall || syscall.params.length < 4 || site.via) return undefined;
  const r10 = site.registers.get('r10')?.value;
  if (r10 && r10.kind !== 'unset') return undefined;
  let rcx: Setter | undefined;
  for (let i = to - 1; i >= from && !rcx; i--) if (familyOf(writes[i]!.register.toLowerCase()) === 'rcx') rcx = writes[i];
  if (!rcx) return undefined;
  const param = syscall.params[3]!;
  const replacement = sameWidth(rcx.register, 'r10');
  return {
    code: 'rcx-instead-of-r10', severity: 'warning', line: rcx.line, start: rcx.registerStart, end: rcx.registerEnd,
    message: `The 4th syscall argument (${param.name} of ${syscall.name}) goes in r10, not ${rcx.register}: ` +
      'rcx is the function-call register, and the syscall instruction overwrites it with the return address.',
    fix: { title: `Use ${replacement}`, edits: [{ line: rcx.line, start: rcx.registerStart, end: rcx.registerEnd, newText: replacement }] },
  };
}

/** `int 0x80` in 64-bit code: the i386 table and 32-bit pointers. Fix: the x86-64 `syscall` form. */
function int80In64Bit(resolved: ResolvedSite, document: AsmDocument, bits: number): Lint | undefined {
  const { site } = resolved;
  if (site.instruction !== 'int 0x80' || bits !== 64) return undefined;
  const meaning = resolved.syscall && resolved.number !== undefined
    ? ` Here eax = ${resolved.number} means ${resolved.syscall.name} in that table.` : '';
  const lint: Lint = {
    code: 'int80-in-64-bit-code', severity: 'warning', line: site.line, start: site.start, end: site.end,
    message: '`int 0x80` in 64-bit code uses the 32-bit (i386) syscall table and truncates pointers to 32 bits.' + meaning +
      ' Use `syscall` with the x86-64 numbers and registers.',
  };
  const i386Name = resolved.syscall?.name;
  const target = i386Name ? lookupSyscallByName('x86_64', i386Name) : undefined;
  if (!target?.known || !resolved.syscall) return lint;
  const edits: Edit[] = [{ line: site.line, start: site.start, end: site.end, newText: 'syscall' }];
  const numberSetter = resolved.numberState.setter;
  if (!numberSetter?.source) return lint;
  edits.push({ line: numberSetter.line, start: numberSetter.source.start, end: numberSetter.source.end, newText: String(target.syscall.number) });
  const from = argumentFamilies('i386');
  const to = argumentFamilies('x86_64');
  const rename = new Map(from.map((f, i) => [f, to[i]!]));
  const lines = new Set<number>();
  for (let i = 0; i < resolved.syscall.params.length; i++) {
    const setter = site.registers.get(from[i]!)?.setter;
    if (setter) lines.add(setter.line);
  }
  for (const line of lines) {
    for (const token of document.statement(line).tokens) {
      const info = token.kind === 'identifier' ? REGISTERS.get(token.text.toLowerCase()) : undefined;
      const target64 = info?.family ? rename.get(info.family) : undefined;
      if (target64) edits.push({ line, start: token.start, end: token.end, newText: sameWidth(token.text, target64) });
    }
  }
  lint.fix = { title: `Rewrite as x86-64 syscall (${target.syscall.name} = ${target.syscall.number})`, edits };
  return lint;
}

function unknownSyscall(resolved: ResolvedSite): Lint | undefined {
  if (!resolved.lookup || resolved.lookup.known) return undefined;
  const setter = resolved.numberState.setter;
  const at = setter?.source ? { line: setter.line, start: setter.source.start, end: setter.source.end }
    : { line: resolved.site.line, start: resolved.site.start, end: resolved.site.end };
  return { code: 'unknown-syscall', severity: 'warning', ...at, message: `${resolved.lookup.message} in the ${resolved.site.abi} table.` };
}

function unsetArguments(resolved: ResolvedSite, document: AsmDocument): Lint | undefined {
  const { site, syscall } = resolved;
  const families = argumentFamilies(site.abi);
  const missing: string[] = [];
  const setters: string[] = [];
  const indent = /^\s*/.exec(document.lineText(site.line))![0];
  const unset = (family: string) => { const v = site.registers.get(family)?.value; return !v || mayBeUnset(v); };
  if (unset(numberFamily(site.abi))) missing.push(`${numberFamily(site.abi)} (the syscall number)`);
  for (let i = 0; syscall && i < syscall.params.length; i++) {
    // Only what the kernel really reads: open's mode without O_CREAT is never looked at.
    if (unset(families[i]!) && argumentUse(syscall, i, exactArgument(site, families)) === 'read') {
      missing.push(`${families[i]} (${syscall.params[i]!.name})`);
      // The register as the ABI names it (ebx in 32-bit code), set to 0 for the user to fill in.
      setters.push(`${indent}mov     ${CALLING_CONVENTIONS[site.abi].argumentRegisters[i]}, 0 ; ${syscall.params[i]!.name}\n`);
    }
  }
  if (missing.length === 0) return undefined;
  const what = syscall ? syscall.name : site.instruction;
  const lint: Lint = {
    code: 'unset-argument', severity: 'information', line: site.line, start: site.start, end: site.end,
    message: `${what} reads ${missing.join(', ')}, not set on every path to it.`,
  };
  if (setters.length) {
    lint.fix = { title: `Set ${setters.length === 1 ? 'the argument' : `${setters.length} arguments`} before the call (to 0)`, edits: [{ line: site.line, start: 0, end: 0, newText: setters.join('') }] };
  }
  return lint;
}

const CLOBBER_REASON: Record<string, string> = {
  rcx: 'the syscall instruction stores the return address there',
  r11: 'the syscall instruction stores rflags there',
};

/** Every syscall lint of one block; `sites`: the whole-program sites on the block's lines. */
export function lintBlock(block: BlockAnalysis, document: AsmDocument, bitsAt: (line: number) => number, sites: readonly ResolvedSite[]): Lint[] {
  const lints: Lint[] = [];
  let previousSiteLine = block.start - 1;
  // Writes and sites are in line order: two cursors keep the block linear however many syscalls it has.
  const writes = block.writes;
  let from = 0;
  let to = 0;
  for (const resolved of sites) {
    while (to < writes.length && writes[to]!.line < resolved.site.line) to++;
    while (from < to && writes[from]!.line <= previousSiteLine) from++;
    for (const lint of [
      rcxInsteadOfR10(resolved, writes, from, to), int80In64Bit(resolved, document, bitsAt(resolved.site.line)),
      unknownSyscall(resolved), unsetArguments(resolved, document),
    ]) if (lint) lints.push(lint);
    previousSiteLine = resolved.site.line;
  }
  for (const read of block.clobberedReads) {
    lints.push({
      code: 'clobbered-register-read', severity: 'warning', line: read.line, start: read.start, end: read.end,
      message: `${read.register} is read here, but the syscall on line ${read.syscallLine + 1} overwrote it (${CLOBBER_REASON[read.register] ?? 'clobbered'}). ` +
        'Keep the value in another register or on the stack.',
    });
  }
  return lints;
}
