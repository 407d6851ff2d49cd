// Opening an existing strace log: parse it, and map it to source lines when the program it ran
// (its first successful execve) still exists with debug info. A log is data from anywhere: the
// path it names is read only under LogReadPolicy.
import { constants } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import type { SyscallEvent, TraceEvent } from './events';
import { TraceModel, type SyscallStats } from './model/model';
import { FdTracker } from './model/fds';
import { EventArchive } from './model/eventArchive';
import { callSteps, MAX_STEPS, type CallStep } from './model/sequence';
import { parseStraceText, StraceParser } from './parse/parser';
import { MAX_PROGRAM_BYTES, SourceMapper } from './map/sourceMapper';
import { relistProgram } from './relisting';

export interface LoadedLog {
  model: TraceModel;
  program?: string;
  unparsed: string[];
  unparsedCount: number;
  /** The program was read and its lines map the log's calls. */
  mapped?: boolean;
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

/** What a log may make us read: in an untrusted folder, nothing outside the workspace. */
export interface LogReadPolicy {
  workspaceRoots: string[];
  trusted: boolean;
}

async function insideWorkspace(file: string, roots: readonly string[]): Promise<boolean> {
  // Symbolic links are followed first: a link inside the workspace may point anywhere.
  const real = await realpath(file).catch(() => undefined);
  if (!real) return false;
  const realRoots = await Promise.all(roots.map((root) => realpath(root).catch(() => path.resolve(root))));
  return realRoots.some((root) => real.startsWith(root + path.sep));
}

/**
 * The bytes of the program a log names, or undefined: only a regular file of at most
 * MAX_PROGRAM_BYTES, read asynchronously (opened non-blocking, so a FIFO cannot hang us), and in an
 * untrusted folder only from inside the workspace.
 */
export async function readLogProgram(program: string, policy: LogReadPolicy): Promise<Buffer | undefined> {
  if (!policy.trusted && !(await insideWorkspace(program, policy.workspaceRoots))) return undefined;
  let handle;
  try {
    handle = await open(program, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch {
    return undefined;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size > MAX_PROGRAM_BYTES) return undefined;
    return await handle.readFile();
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}

async function mapperForLog(text: string, program: string | undefined, policy: LogReadPolicy): Promise<SourceMapper | undefined> {
  const data = program ? await readLogProgram(program, policy) : undefined;
  if (!program || !data) return undefined;
  const roots = policy.workspaceRoots.map((r) => path.resolve(r) + path.sep);
  // A libdw strace prints source hints (`-kk`) and module addresses; Debian's libunwind one, file offsets.
  const libdw = /^ > .*\) \[0x[0-9a-f]+\] \S+:\d+$/m.test(text.slice(0, 1 << 20));
  // Its NASM sources assembled again put macro calls at their lines (relisting.ts); nasm reads the
  // files a source names (%include, incbin), so only in a trusted folder.
  const relisting = policy.trusted ? await relistProgram(program).catch(() => undefined) : undefined;
  const mapper = new SourceMapper({
    program, programData: data, frameAddresses: libdw ? 'module-address' : 'file-offset', otherListings: relisting?.listings,
    // Frames in an untrusted folder's log read no other binary.
    isWorkspaceBinary: (module) => policy.trusted && roots.some((root) => module.startsWith(root)),
    userSourceRoots: policy.workspaceRoots,
    // Nor the libraries its mmap lines name, to credit calls by their call site.
    readLibraries: policy.trusted,
  });
  if (relisting) {
    void mapper.image;
    relisting.dispose();
  }
  return mapper;
}

/** The log opened for reading events back; undefined when it cannot be (the model then keeps every event). */
function openArchive(logPath: string): EventArchive | undefined {
  try {
    return EventArchive.open(logPath);
  } catch {
    return undefined;
  }
}

/** Parses and maps a whole log at once. */
export async function loadStraceLog(text: string, logPath: string, policy: LogReadPolicy = { workspaceRoots: [], trusted: true }): Promise<LoadedLog> {
  return loadStraceLogIncrementally(text, logPath, policy, () => undefined);
}

export interface LogSummary {
  summary: SyscallStats[];
  steps: CallStep[];
  complete: boolean;
}

/** The `strace -c`-style summary of a log and its call sequence (for Compare), read from its file a megabyte at a time (never held whole), nothing else read. */
export async function summarizeStraceLogFile(logPath: string): Promise<LogSummary> {
  const handle = await open(logPath, 'r');
  try {
    const summarizer = logSummarizer();
    for await (const chunk of decodedChunks(handle)) summarizer.push(chunk);
    return summarizer.end();
  } finally {
    await handle.close();
  }
}

function logSummarizer(): { push: (text: string) => void; end: () => LogSummary } {
  const model = new TraceModel({ keepEvents: false });
  const events: TraceEvent[] = [];
  const parser = new StraceParser({
    onEvent: (event) => {
      model.upsert(event);
      if (event.kind === 'syscall' && !event.inProgress && events.length <= MAX_STEPS) events.push(event);
    },
  });
  return {
    push: (text) => parser.push(text),
    end: () => {
      parser.end();
      return { summary: model.summary(), ...callSteps(events, () => undefined) };
    },
  };
}

/**
 * The same, a slice at a time, yielding between slices so a view can show the first rows of a
 * million-line log at once.
 */
export async function loadStraceLogIncrementally(
  text: string, logPath: string, policy: LogReadPolicy, onEvent: (event: TraceEvent) => void, model = new TraceModel(),
): Promise<LoadedLog> {
  return loadChunks(text, slicesOf(text), logPath, policy, onEvent, model);
}

/**
 * A log read from its file a megabyte at a time and never held whole: the panel's way to open a
 * log (with a window of events, the rest read back from the log). A FIFO works too.
 */
export async function loadStraceLogFile(
  logPath: string, policy: LogReadPolicy, onEvent: (event: TraceEvent) => void, model = new TraceModel(),
): Promise<LoadedLog> {
  const handle = await open(logPath, 'r');
  try {
    const chunks = decodedChunks(handle);
    // The start of the log says which program it ran and how strace printed stacks.
    const start: string[] = [];
    let head = '';
    while (head.length < HEAD_CHARACTERS) {
      const next = await chunks.next();
      if (next.done) break;
      start.push(next.value);
      head += next.value;
    }
    return await loadChunks(head, (async function* () {
      yield* start;
      yield* chunks;
    })(), logPath, policy, onEvent, model);
  } finally {
    await handle.close();
  }
}

/** What programOfLog reads of a log's start (a FIFO gives it in small pieces). */
const HEAD_CHARACTERS = 1 << 16;

/** The text in slices of 256 K characters, never cut between the two halves of a surrogate pair (each alone is not UTF-8). */
function* slicesOf(text: string): Generator<string> {
  for (let at = 0; at < text.length;) {
    let end = Math.min(text.length, at + (1 << 18));
    if (end < text.length && text.charCodeAt(end - 1) >= 0xd800 && text.charCodeAt(end - 1) <= 0xdbff) end++;
    yield text.slice(at, end);
    at = end;
  }
}

/** A file's text, a megabyte of bytes at a time (a character cut by a read is completed by the next). */
async function* decodedChunks(handle: FileHandle): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  const buffer = Buffer.alloc(1 << 20);
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) break;
    const text = decoder.decode(buffer.subarray(0, bytesRead), { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** Parses, maps and models a log's chunks; `head` is its start (at least the first chunk). */
async function loadChunks(
  head: string, chunks: Iterable<string> | AsyncIterable<string>, logPath: string, policy: LogReadPolicy,
  onEvent: (event: TraceEvent) => void, model: TraceModel,
): Promise<LoadedLog> {
  const program = programOfLog(head, logPath);
  const mapper = await mapperForLog(head, program, policy);
  const fds = new FdTracker();
  // A model that keeps a window of events reads the others back from the log itself.
  const archive = model.windowed ? openArchive(logPath) : undefined;
  if (archive) model.attachArchive(archive);
  const parser = new StraceParser({
    onSpan: archive ? (seq, start, end) => archive.span(seq, start, end) : undefined,
    onEvent: (event) => {
      mapper?.map(event);
      if (event.kind === 'syscall') fds.observe(event);
      model.upsert(event);
      onEvent(event);
    },
  });
  for await (const chunk of chunks) {
    archive?.feed(chunk);
    parser.push(chunk);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  parser.end();
  const loaded: LoadedLog = { model, unparsed: parser.unparsed, unparsedCount: parser.unparsedCount };
  if (program) loaded.program = program;
  if (mapper) loaded.mapped = true;
  return loaded;
}
