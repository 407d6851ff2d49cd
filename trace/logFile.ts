// Opening an existing strace log: parse it, and map it to source lines when the program it ran
// (its first successful execve) still exists with debug info.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { SyscallEvent, TraceEvent } from './events';
import { TraceModel } from './model/model';
import { parseStraceText, StraceParser } from './parse/parser';
import { SourceMapper } from './map/sourceMapper';

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

/** The program of the log's first execve, found without parsing the whole log. */
function programOfLog(text: string, logPath: string): string | undefined {
  const head = text.slice(0, 1 << 16);
  const parsed = parseStraceText(head.slice(0, head.lastIndexOf('\n') + 1));
  const execve = parsed.events.find((e): e is SyscallEvent => e.kind === 'syscall' && e.name === 'execve' && e.returnValue === 0);
  const named = execve?.args[0] ? unquoteStraceString(execve.args[0].text) : undefined;
  return named ? path.resolve(path.dirname(logPath), named) : undefined;
}

function mapperForLog(text: string, program: string | undefined, workspaceRoots: string[]): SourceMapper | undefined {
  if (!program || !existsSync(program)) return undefined;
  const roots = workspaceRoots.map((r) => path.resolve(r) + path.sep);
  // A libdw strace prints source hints (`-kk`) and module addresses; Debian's libunwind one, file offsets.
  const libdw = /^ > .*\) \[0x[0-9a-f]+\] \S+:\d+$/m.test(text.slice(0, 1 << 20));
  return new SourceMapper({
    program, frameAddresses: libdw ? 'module-address' : 'file-offset',
    isWorkspaceBinary: (module) => roots.some((root) => module.startsWith(root)),
  });
}

/** Parses and maps a whole log at once. */
export function loadStraceLog(text: string, logPath: string, workspaceRoots: string[] = []): LoadedLog {
  const program = programOfLog(text, logPath);
  const mapper = mapperForLog(text, program, workspaceRoots);
  const model = new TraceModel();
  const parser = new StraceParser({ onEvent: (event) => { mapper?.map(event); model.upsert(event); } });
  parser.push(text);
  parser.end();
  const loaded: LoadedLog = { model, unparsed: parser.unparsed, unparsedCount: parser.unparsedCount };
  if (program) loaded.program = program;
  return loaded;
}

/**
 * The same, a slice at a time, yielding between slices so a view can show the first rows of a
 * million-line log at once. `onProgress` runs after each slice.
 */
export async function loadStraceLogIncrementally(
  text: string, logPath: string, workspaceRoots: string[], onEvent: (event: TraceEvent) => void, model = new TraceModel(),
): Promise<LoadedLog> {
  const program = programOfLog(text, logPath);
  const mapper = mapperForLog(text, program, workspaceRoots);
  const parser = new StraceParser({ onEvent: (event) => { mapper?.map(event); model.upsert(event); onEvent(event); } });
  const slice = 1 << 18;
  for (let at = 0; at < text.length; at += slice) {
    parser.push(text.slice(at, at + slice));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  parser.end();
  const loaded: LoadedLog = { model, unparsed: parser.unparsed, unparsedCount: parser.unparsedCount };
  if (program) loaded.program = program;
  return loaded;
}
