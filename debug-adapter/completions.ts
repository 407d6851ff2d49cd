// Debug Console completions: registers and data labels, or gdb's own completion after `-exec `.
import type { Gdb } from './mi/gdb';
import { list, quoteMI, str } from './mi/parser';
import { GPR_FAMILIES } from '../x86';

const REGISTERS = [...GPR_FAMILIES, 'rip', 'eflags', 'orig_rax'];

/** One completion; `start`/`length` say which text before the cursor it replaces. */
export interface Completion {
  label: string;
  type?: 'variable' | 'field';
  text?: string;
  start: number;
  length: number;
}

/** Completions for the text before the cursor. */
export async function completionsFor(before: string, labels: readonly string[], gdb: Gdb): Promise<Completion[]> {
  if (before.startsWith('-exec ')) return gdbCompletions(gdb, before.slice('-exec '.length));
  const word = /[$\w.]*$/.exec(before)![0];
  const registers = REGISTERS.map((r) => (word.startsWith('$') ? `$${r}` : r));
  return [...registers.map((label) => ({ label, type: 'variable' as const })), ...labels.map((label) => ({ label, type: 'field' as const }))]
    .filter((t) => t.label.startsWith(word) && t.label !== word)
    .map((t) => ({ ...t, start: before.length - word.length, length: word.length }));
}

/** gdb's own completion of a console command (`-exec info reg` → `info registers`). */
async function gdbCompletions(gdb: Gdb, command: string): Promise<Completion[]> {
  const reply = await gdb.send(`-complete ${quoteMI(command)}`);
  return list(reply.matches).map((m) => str(m) ?? '').filter(Boolean)
    .map((match) => ({ label: match, text: `-exec ${match}`, start: 0, length: command.length + '-exec '.length }));
}
