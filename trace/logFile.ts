// Opening an existing strace log: parse it, and map it to source lines when the program it ran
// (its first successful execve) still exists with debug info.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { SyscallEvent } from './events';
import { TraceModel } from './model';
import { parseStraceText } from './parser';
import { SourceMapper } from './sourceMapper';

export interface LoadedLog {
  model: TraceModel;
  program?: string;
  unparsed: string[];
  unparsedCount: number;
}

/** Undoes strace's C-style quoting of a string argument (enough for paths). */
export function unquoteStraceString(text: string): string | undefined {
  const match = /^"((?:[^"\\]|\\.)*)"(\.\.\.)?$/.exec(text);
  if (!match) return undefined;
  const bytes: number[] = [];
  const body = match[1]!;
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, v: 11, f: 12, '"': 34, '\\': 92 };
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const next = body[++i]!;
    if (next in simple) bytes.push(simple[next]!);
    else if (next === 'x') { bytes.push(parseInt(body.slice(i + 1, i + 3), 16)); i += 2; }
    else if (/[0-7]/.test(next)) {
      const octal = /^[0-7]{1,3}/.exec(body.slice(i))![0];
      bytes.push(parseInt(octal, 8));
      i += octal.length - 1;
    } else bytes.push(next.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}

export function loadStraceLog(text: string, logPath: string, workspaceRoots: string[] = []): LoadedLog {
  const parsed = parseStraceText(text);
  const execve = parsed.events.find((e): e is SyscallEvent => e.kind === 'syscall' && e.name === 'execve' && e.returnValue === 0);
  const named = execve?.args[0] ? unquoteStraceString(execve.args[0].text) : undefined;
  const program = named ? path.resolve(path.dirname(logPath), named) : undefined;
  const model = new TraceModel();
  let mapper: SourceMapper | undefined;
  if (program && existsSync(program)) {
    const listing = program.replace(/(\.[^./]*)?$/, '.lst');
    const roots = workspaceRoots.map((r) => path.resolve(r) + path.sep);
    // A libdw strace prints symbols with its frames (`_start+0x1b`), a libunwind one rarely does for NASM code.
    const libdw = parsed.events.some((e) => e.stack.some((f) => f.sourceHint !== undefined));
    mapper = new SourceMapper({
      program, frameAddresses: libdw ? 'module-address' : 'file-offset',
      ...(existsSync(listing) ? { listing } : {}),
      isWorkspaceBinary: (module) => roots.some((root) => module.startsWith(root)),
    });
  }
  for (const event of parsed.events) {
    mapper?.map(event);
    model.upsert(event);
  }
  const loaded: LoadedLog = { model, unparsed: parsed.unparsed, unparsedCount: parsed.unparsedCount };
  if (program) loaded.program = program;
  return loaded;
}
