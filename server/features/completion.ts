// Completion: mnemonics and directives at statement start, registers/labels/constants in operands,
// syscall names after `mov rax, ` (inserting the number), and one snippet per common syscall.
import { allSyscalls, CALLING_CONVENTIONS, type SyscallInfo } from '../../syscalls';
import { isImplemented } from '../../syscalls/search';
import type { AsmDocument } from '../../nasm/document/document';
import { DIRECTIVE_DOCS } from '../knowledge/directives';
import { instructionInfo } from '../knowledge/instructions';
import { DATA_SIZES, DIRECTIVES, MNEMONICS, REGISTERS, RESERVE_SIZES, SIZE_KEYWORDS } from '../../nasm/parser/vocabulary';
import type { Workspace } from '../workspace';

export type CompletionKind = 'keyword' | 'function' | 'variable' | 'constant' | 'snippet' | 'module' | 'field' | 'value';

export interface Completion {
  label: string;
  kind: CompletionKind;
  detail?: string;
  documentation?: string;
  insertText?: string;
  /** Replaces columns [start, end) of the line: clients that filter on the inserted text still match what was typed. */
  edit?: { start: number; end: number; newText: string };
  /** What the typed word is matched against, when the inserted text is not the label. */
  filterText?: string;
  snippet?: boolean;
  sortText?: string;
}

/** Sort groups: what a statement most often starts with first. */
const RANK = { mnemonic: '1', macro: '2', directive: '3', snippet: '4' } as const;

/** Syscalls in the order a user wants them offered: common ones, then the rest, then those the kernel no longer implements. */
function syscallRank(syscall: SyscallInfo): string {
  return `${!isImplemented(syscall) ? 2 : SNIPPET_SYSCALLS.includes(syscall.name) ? 0 : 1}${syscall.name}`;
}

/** Syscalls a snippet is offered for: the ones nearly every program uses. */
const SNIPPET_SYSCALLS = [
  'read', 'write', 'open', 'openat', 'close', 'exit', 'exit_group', 'mmap', 'munmap', 'brk', 'getpid', 'fork', 'execve',
  'wait4', 'kill', 'nanosleep', 'socket', 'connect', 'accept', 'bind', 'listen', 'pipe', 'dup2', 'lseek', 'fstat', 'getdents64',
];

/** The whole call set up in the file's ABI: `syscall` in 64-bit code, `int 0x80` in 32-bit code. */
function syscallSnippet(syscall: SyscallInfo, indent: string): string {
  const convention = CALLING_CONVENTIONS[syscall.abi];
  const number = convention.numberRegister;
  const lines = [`mov${' '.repeat(5)}${number}, ${syscall.number}${' '.repeat(Math.max(1, 24 - String(syscall.number).length - number.length - 2))}; ${syscall.name}`];
  syscall.params.forEach((param, i) => {
    lines.push(`${indent}mov${' '.repeat(5)}${convention.argumentRegisters[i]}, \${${i + 1}:${param.name}}`);
  });
  lines.push(`${indent}${syscall.abi === 'x86_64' ? 'syscall' : 'int     0x80'}`);
  return lines.join('\n') + '$0';
}

function symbolCompletions(workspace: Workspace, document: AsmDocument, line: number): Completion[] {
  const items: Completion[] = [];
  const scope = document.structure.scopeAt(line);
  const seen = new Set<string>();
  for (const source of workspace.unit(document)) {
    for (const symbol of source.structure.symbols) {
      if (symbol.kind === 'macro') continue;
      // Local labels are offered by their short name inside their own scope.
      const label = symbol.kind === 'localLabel' && symbol.parent === scope && source === document ? symbol.written : symbol.name;
      if (seen.has(label)) continue;
      seen.add(label);
      const kind: CompletionKind = symbol.kind === 'constant' || symbol.kind === 'define' ? 'constant' : symbol.kind === 'field' ? 'field' : 'function';
      items.push({ label, kind, detail: source.lineText(symbol.line).trim().slice(0, 80) });
    }
  }
  return items;
}

function macroCompletions(workspace: Workspace, document: AsmDocument): Completion[] {
  const items: Completion[] = [];
  for (const source of workspace.unit(document)) {
    for (const macro of source.structure.macros.values()) {
      items.push({ label: macro.name, kind: 'function', detail: `macro, ${macro.parameterText} parameter(s)`, sortText: RANK.macro + macro.name });
    }
  }
  return items;
}

export function completions(workspace: Workspace, document: AsmDocument, line: number, character: number): Completion[] {
  const text = document.lineText(line);
  if (text.length > 10_000) return []; // nobody completes inside a megabyte-long line
  const before = text.slice(0, character);
  if (before.includes(';')) return [];
  // Continuation lines of a snippet line up under the word being completed (tabs kept as tabs).
  const wordStart = character - /[\w.%]*$/.exec(before)![0].length;
  const indent = text.slice(0, wordStart).replace(/\S/g, ' ');
  const abi = document.structure.bitsAt(line, workspace.defaultBits) === 32 ? 'i386' : 'x86_64';
  // `%` at the start of a statement: preprocessor words.
  if (/^\s*%\w*$/.test(before)) {
    return Object.keys(DIRECTIVE_DOCS).filter((k) => k.startsWith('%')).map((k) => ({ label: k, kind: 'keyword' as const, documentation: DIRECTIVE_DOCS[k], insertText: k.slice(1) }));
  }
  // `mov rax, ` / `mov eax, `: the syscall number, by name.
  const numberSetter = /^\s*(?:[\w.]+:\s*)?mov\s+(rax|eax)\s*,\s*(\w*)$/i.exec(before);
  if (numberSetter) {
    const restEmpty = text.slice(character).trim() === '';
    const typedStart = character - numberSetter[2]!.length;
    const items = allSyscalls(abi).map((s): Completion => {
      const insertText = restEmpty ? `${s.number} ; ${s.name}` : String(s.number);
      return {
        label: s.name, kind: 'value', detail: `syscall ${s.number}`, documentation: s.summary ?? '',
        insertText, edit: { start: typedStart, end: character, newText: insertText }, filterText: s.name, sortText: syscallRank(s),
      };
    });
    return [...items, ...symbolCompletions(workspace, document, line).filter((c) => c.kind === 'constant')];
  }
  // Statement start (possibly after a label): mnemonics, directives, macros, syscall snippets.
  // (A word at column 0 may be a new label, but mnemonics and directives are offered there too.)
  if (/^\s*(?:[\w.]+:\s*)?[\w.]*$/.test(before)) {
    const items: Completion[] = [];
    for (const mnemonic of MNEMONICS) {
      const info = instructionInfo(mnemonic)?.info;
      items.push({ label: mnemonic, kind: 'keyword', sortText: RANK.mnemonic + mnemonic, ...(info ? { documentation: info.summary, detail: info.forms[0] } : {}) });
    }
    for (const word of [...DIRECTIVES, ...Object.keys(DATA_SIZES), ...Object.keys(RESERVE_SIZES)]) {
      items.push({ label: word, kind: 'keyword', detail: 'directive', sortText: RANK.directive + word, ...(DIRECTIVE_DOCS[word] ? { documentation: DIRECTIVE_DOCS[word] } : {}) });
    }
    items.push(...macroCompletions(workspace, document));
    for (const syscall of allSyscalls(abi)) {
      if (!SNIPPET_SYSCALLS.includes(syscall.name)) continue;
      items.push({
        label: `sys_${syscall.name}`, kind: 'snippet', detail: `${syscall.name} syscall: set up every register`,
        insertText: syscallSnippet(syscall, indent), snippet: true, documentation: syscall.summary ?? '', sortText: RANK.snippet + syscall.name,
      });
    }
    return items;
  }
  // Operands: registers, size keywords, labels and constants.
  const items: Completion[] = [];
  for (const register of REGISTERS.values()) {
    if (register.family || /^(xmm|ymm)\d$/.test(register.name)) items.push({ label: register.name, kind: 'variable', detail: `${register.bits}-bit register`, sortText: `z${register.name}` });
  }
  for (const keyword of SIZE_KEYWORDS) items.push({ label: keyword, kind: 'keyword', sortText: `zz${keyword}` });
  items.push(...symbolCompletions(workspace, document, line));
  return items;
}
