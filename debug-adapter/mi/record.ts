// MI vocabulary of gdb's process record, through record.py's `syscall-lens-record` command.
import type { Gdb } from './gdb';
import { quoteMI } from './parser';

/** Where replay stands in the recording; entry numbers are gdb's, `current` the last one done. */
export type RecordPosition =
  | { active: false }
  | {
    active: true; replaying: boolean; lowest: number; current: number; highest: number;
    /** Stopped between an instruction and the end of record.py's writes after it: not a real state. */
    inside: boolean;
    /** Right after record.py's writes: stepping back must first undo them. */
    afterWrites: boolean;
  };

async function recordCommand<T>(gdb: Gdb, words: string): Promise<T> {
  const text = await gdb.cli(`syscall-lens-record ${words}`);
  const line = text.split('\n').find((l) => l.startsWith('{'));
  if (!line) throw new Error(`gdb's recorder answered "${text.trim()}".`);
  return JSON.parse(line) as T;
}

/** Loads record.py and starts `record full`, keeping at most `limit` instructions. */
export async function startRecording(gdb: Gdb, script: string, limit: number): Promise<{ fixed: number }> {
  await gdb.send(`-interpreter-exec console ${quoteMI(`python ${loadPythonFile(script)}`)}`);
  return recordCommand(gdb, `start ${limit}`);
}

/**
 * Python that runs `file` as a fresh module, like gdb's `source`, but through Python's import machinery:
 * its compiled form is kept in __pycache__ beside it (where that can be written), so later sessions skip
 * compiling it. It runs at the first stop, before that stop is shown.
 */
export function loadPythonFile(file: string): string {
  // A JSON string literal is a valid Python string literal.
  return `import importlib.util as u; s = u.spec_from_file_location('syscall_lens_helper', ${JSON.stringify(file)}); s.loader.exec_module(u.module_from_spec(s))`;
}

/** Where replay stands. `replay`: a reverse command comes next (record.py turns its breakpoints off). */
export const recordPosition = (gdb: Gdb, replay = false) => recordCommand<RecordPosition>(gdb, replay ? 'position replay' : 'position');
export const stopRecording = (gdb: Gdb) => recordCommand<{ active: false }>(gdb, 'stop');

/** Replays to the end of the recording: the program is live again. Prints no `*stopped`. */
export const gotoRecordEnd = (gdb: Gdb) => gdb.cli('record goto end');

/** Runs backwards: Step Back by line (over calls) or by instruction, or Reverse Continue. */
export const execReverse = (gdb: Gdb, how: 'line' | 'instruction' | 'continue') =>
  gdb.send(how === 'continue' ? '-exec-continue --reverse' : how === 'line' ? '-exec-next --reverse' : '-exec-step-instruction --reverse');
