// Streaming parser for strace's text output. It never throws: a line it cannot read is kept and
// counted. Syscalls split into `<unfinished ...>` / `<... resumed>` halves come out as one event,
// first in progress and then complete under the same `seq`.
import { describeArgument, scanArguments } from './argumentScanner';
import type { ExitEvent, NoticeEvent, SignalEvent, StackFrame, SyscallEvent, TraceEvent } from '../events';

export interface ParserOptions {
  /** Called for every new event, and again (same `seq`, new object) when an in-progress call completes. */
  onEvent: (event: TraceEvent) => void;
  /** How many unparsed lines to keep verbatim (all are counted). */
  keepUnparsed?: number;
  /**
   * strace attached (`-p`) to the first process before its execve: that process's lines before its
   * first execve belong to whoever started it (the trace supervisor), not to the program.
   */
  attachedBeforeExec?: boolean;
}

const PID_PREFIX = /^(?:\[pid\s+(\d+)\]|(\d+)(?:<[^>]*>)?)[ \t]+/;
const TIMESTAMP = /^[ \t]*(\d+\.\d+|(\d\d):(\d\d):(\d\d)(\.\d+)?)[ \t]+/;
// strace prints the ip zero-padded to 16 digits in 64-bit mode and to 8 (or more) in 32-bit mode.
const IP = /^\[([0-9a-f]{8,16}|\?{8}|\?{16})\][ \t]+/;
// `-n` prints the syscall number after the ip: `[  59] execve(...)`.
const SYSCALL_NUMBER = /^\[ *\d+\][ \t]+/;
const CALL_NAME = /^([A-Za-z_][A-Za-z0-9_]*)\(/;
const RESUMED = /^<\.\.\. ([A-Za-z_][A-Za-z0-9_]*) resumed>/;
const UNFINISHED = ' <unfinished ...>';
const SIGNAL = /^--- (SIG[A-Z0-9+-]+|\S+) (.*) ---$/;
const STOPPED = /^--- (.*) ---$/;
const EXITED = /^\+\+\+ exited with (-?\d+) \+\+\+$/;
const KILLED = /^\+\+\+ killed by (\S+)( \(core dumped\))? \+\+\+$/;
const PERSONALITY = /^\[ Process PID=(\d+) runs in (32|64|x32) bit mode\. \]$/;
const FRAME = /^ > (.*)\(([^()]*)\) \[0x([0-9a-f]+)\](?: (.+))?$/;
const DURATION = / <(\d+(?:\.\d+)?)>$/;
const RESULT_VALUE = /^(\?|0x[0-9a-f]+|-?\d+)/;
const ERRNO = /^([A-Z][A-Z0-9_]+) \(([^()]*)\)/;

interface Prefix {
  pid: number;
  time?: number;
  ip?: number;
  /** strace prints an 8-digit ip while the process runs in 32-bit mode. */
  narrowIp: boolean;
  body: string;
}

interface PendingCall {
  event: SyscallEvent;
  /** The call's text up to `<unfinished ...>`: `read(0, `. */
  head: string;
}

export class StraceParser {
  /** Lines that were not strace output the parser knows (kept up to `keepUnparsed`). */
  readonly unparsed: string[] = [];
  unparsedCount = 0;
  lineCount = 0;

  private buffer = '';
  private seq = 0;
  private readonly pending = new Map<number, PendingCall>();
  private readonly abiOfPid = new Map<number, 'x86_64' | 'i386'>();
  /** Events whose `-k` stack lines may still follow; released by the next non-stack line. */
  private held: TraceEvent[] = [];
  /** The event the next ` > ` frame belongs to. */
  private stackTarget: TraceEvent | undefined;
  /** The seq reserved for the partial last line, so completing it keeps its place. */
  private partialSeq: number | undefined;
  private readonly keepUnparsed: number;
  private awaitingExec: boolean;
  private firstPid: number | undefined;

  constructor(private readonly options: ParserOptions) {
    this.keepUnparsed = options.keepUnparsed ?? 1000;
    this.awaitingExec = options.attachedBeforeExec ?? false;
  }

  /** Feeds a chunk of output; complete lines are parsed at once. */
  push(chunk: string): void {
    const text = this.buffer + chunk;
    let start = 0;
    let newline = text.indexOf('\n', start);
    while (newline >= 0) {
      this.parseLine(text.charCodeAt(newline - 1) === 13 ? text.slice(start, newline - 1) : text.slice(start, newline));
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    this.buffer = start === 0 ? text : text.slice(start);
  }

  /** The stream ended: the partial last line is parsed and every held event is released. */
  end(): void {
    if (this.buffer) {
      const line = this.buffer;
      this.buffer = '';
      this.parseLine(line, true);
    }
    this.release();
  }

  /**
   * The call strace is blocked in right now: strace writes a call's entry half at once and the rest
   * when it returns, so a partial last line is a call in progress. Releases held events too.
   */
  inProgress(): SyscallEvent | undefined {
    this.release();
    if (!this.buffer || this.buffer.startsWith(' > ')) return undefined;
    const prefix = this.readPrefix(this.buffer);
    const name = CALL_NAME.exec(prefix.body);
    if (!name) return undefined;
    this.partialSeq ??= ++this.seq;
    const scanned = scanArguments(prefix.body, name[0].length);
    return this.syscall(this.partialSeq, prefix, name[1]!, scanned.parts, true);
  }

  /** A message strace wrote to its stderr rather than the trace (the personality notice, `strace: …`). */
  addNotice(text: string): void {
    const personality = PERSONALITY.exec(text);
    const pid = personality ? Number(personality[1]) : 0;
    if (personality) this.abiOfPid.set(pid, personality[2] === '32' ? 'i386' : 'x86_64');
    this.notice(++this.seq, { pid, narrowIp: false, body: text }, text);
  }

  private parseLine(line: string, final = false): void {
    this.lineCount++;
    if (line.startsWith(' > ')) {
      this.parseFrame(line);
      return;
    }
    if (isBlank(line)) return this.release();
    const prefix = this.readPrefix(line);
    const body = prefix.body;
    if (this.awaitingExec && this.beforeExec(prefix)) return;
    // exit/exit_group never return: strace prints their stack after the `+++ exited` line.
    if (!(body.startsWith('+++ ') && this.heldExitCall(prefix.pid))) this.release();
    const reservedSeq = this.partialSeq;
    this.partialSeq = undefined;
    const seq = () => reservedSeq ?? ++this.seq;
    if (prefix.ip !== undefined) {
      const abi = prefix.narrowIp ? 'i386' : 'x86_64';
      if (this.abiOfPid.get(prefix.pid) !== abi) this.abiOfPid.set(prefix.pid, abi);
    }

    const first = body.charCodeAt(0);
    if (first === 45 /* - */ && body.startsWith('--- ')) return this.parseSignal(seq(), prefix, line);
    if (first === 43 /* + */ && body.startsWith('+++ ')) return this.parseExit(seq(), prefix);
    if (first === 60 /* < */) {
      const resumed = RESUMED.exec(body);
      if (resumed) return this.parseResumed(prefix, resumed[1]!, body.slice(resumed[0].length), line);
    }
    if (first === 91 /* [ */) {
      const personality = PERSONALITY.exec(body);
      if (personality) {
        this.abiOfPid.set(Number(personality[1]), personality[2] === '32' ? 'i386' : 'x86_64');
        return this.notice(seq(), prefix, body);
      }
    }
    if (body.startsWith('strace: ')) return this.notice(seq(), prefix, body);

    const name = CALL_NAME.exec(body);
    if (!name) return this.reject(line);
    if (body.endsWith(UNFINISHED)) {
      const head = body.slice(0, body.length - UNFINISHED.length);
      const scanned = scanArguments(head, name[0].length);
      const event = this.syscall(seq(), prefix, name[1]!, scanned.parts, true);
      this.pending.set(prefix.pid, { event, head });
      this.emit(event, false);
      return;
    }
    const event = this.completeCall(seq(), prefix, name[1]!, body, name[0].length);
    if (event) this.emit(event, true);
    else if (final) {
      const scanned = scanArguments(body, name[0].length);
      this.emit(this.syscall(seq(), prefix, name[1]!, scanned.parts, true), false);
    } else this.reject(line);
  }

  private readPrefix(line: string): Prefix {
    let rest = line;
    let pid = 0;
    const first = line.charCodeAt(0);
    const pidMatch = (first >= 48 && first <= 57) || first === 91 /* [ */ ? PID_PREFIX.exec(rest) : null;
    if (pidMatch) {
      pid = Number(pidMatch[1] ?? pidMatch[2]);
      rest = rest.slice(pidMatch[0].length);
    }
    let time: number | undefined;
    const timeMatch = TIMESTAMP.exec(rest);
    if (timeMatch) {
      time = timeMatch[2] !== undefined
        ? Number(timeMatch[2]) * 3600 + Number(timeMatch[3]) * 60 + Number(timeMatch[4]) + Number(timeMatch[5] ?? 0)
        : Number(timeMatch[1]);
      rest = rest.slice(timeMatch[0].length);
    }
    let ip: number | undefined;
    let narrowIp = false;
    if (rest.charCodeAt(0) === 91 /* [ */) {
      const ipMatch = IP.exec(rest);
      if (ipMatch) {
        if (ipMatch[1]!.charCodeAt(0) !== 63 /* ? */) {
          ip = parseInt(ipMatch[1]!, 16);
          narrowIp = ipMatch[1]!.length < 16;
        }
        rest = rest.slice(ipMatch[0].length);
      }
      const numbered = rest.charCodeAt(0) === 91 ? SYSCALL_NUMBER.exec(rest) : null;
      if (numbered) rest = rest.slice(numbered[0].length);
    }
    const prefix: Prefix = { pid, narrowIp, body: rest };
    if (time !== undefined) prefix.time = time;
    if (ip !== undefined) prefix.ip = ip;
    return prefix;
  }

  private syscall(seq: number, prefix: Prefix, name: string, parts: string[], inProgress: boolean): SyscallEvent {
    const event: SyscallEvent = {
      kind: 'syscall', seq, pid: prefix.pid, name,
      // A call interrupted by the process's death prints `... <unfinished ...>) = ?`.
      args: (parts[parts.length - 1] === '<unfinished ...>' ? parts.slice(0, -1) : parts).map(describeArgument),
      annotations: [], inProgress, stack: [], abi: this.abiOfPid.get(prefix.pid) ?? 'x86_64',
    };
    if (prefix.time !== undefined) event.time = prefix.time;
    if (prefix.ip !== undefined) event.ip = prefix.ip;
    return event;
  }

  /** Parses `name(args) = result <duration>`; undefined when the text is not a complete call. */
  private completeCall(seq: number, prefix: Prefix, name: string, body: string, argsStart: number): SyscallEvent | undefined {
    const scanned = scanArguments(body, argsStart);
    if (scanned.end < 0) return undefined;
    const tail = body.slice(scanned.end);
    const equals = /^[ \t]*= /.exec(tail);
    if (!equals) return undefined;
    const event = this.syscall(seq, prefix, name, scanned.parts, false);
    readResult(event, tail.slice(equals[0].length));
    return event;
  }

  private parseResumed(prefix: Prefix, name: string, rest: string, line: string): void {
    const pending = this.pending.get(prefix.pid);
    this.pending.delete(prefix.pid);
    if (pending && pending.event.name === name) {
      const started = pending.event;
      const startPrefix: Prefix = { ...prefix, body: '' };
      if (started.time !== undefined) startPrefix.time = started.time;
      else delete startPrefix.time;
      if (started.ip !== undefined) startPrefix.ip = started.ip;
      const body = pending.head + rest;
      const event = this.completeCall(started.seq, startPrefix, name, body, name.length + 1);
      if (event) {
        event.abi = started.abi;
        this.emit(event, true);
        return;
      }
    } else {
      // The entry half was never seen (the trace began mid-call): keep what the exit half says.
      const event = this.completeCall(++this.seq, prefix, name, `${name}(${rest}`, name.length + 1);
      if (event) {
        this.emit(event, true);
        return;
      }
    }
    this.reject(line);
  }

  private parseSignal(seq: number, prefix: Prefix, line: string): void {
    const match = SIGNAL.exec(prefix.body) ?? STOPPED.exec(prefix.body);
    if (!match) return this.reject(line);
    const event: SignalEvent = match.length === 3
      ? { kind: 'signal', seq, pid: prefix.pid, signal: match[1]!, details: match[2]!, stack: [] }
      : { kind: 'signal', seq, pid: prefix.pid, signal: /SIG[A-Z0-9]+/.exec(match[1]!)?.[0] ?? '', details: match[1]!, stack: [] };
    if (prefix.time !== undefined) event.time = prefix.time;
    if (prefix.ip !== undefined) event.ip = prefix.ip;
    this.emit(event, true);
  }

  private parseExit(seq: number, prefix: Prefix): void {
    const exited = EXITED.exec(prefix.body);
    const killed = exited ? undefined : KILLED.exec(prefix.body);
    if (!exited && !killed) return this.notice(seq, prefix, prefix.body);
    const event: ExitEvent = { kind: 'exit', seq, pid: prefix.pid, coreDumped: Boolean(killed?.[2]), stack: [] };
    if (exited) event.exitCode = Number(exited[1]);
    if (killed) event.killedBy = killed[1]!;
    if (prefix.time !== undefined) event.time = prefix.time;
    this.pending.delete(prefix.pid);
    const exitCall = this.heldExitCall(prefix.pid);
    this.emit(event, false);
    if (exitCall) this.stackTarget = exitCall;
  }

  private heldExitCall(pid: number): SyscallEvent | undefined {
    const last = this.held[this.held.length - 1];
    return last?.kind === 'syscall' && last.pid === pid && last.stack.length === 0 && /^exit(_group)?$/.test(last.name)
      ? last : undefined;
  }

  private notice(seq: number, prefix: Prefix, text: string): void {
    const event: NoticeEvent = { kind: 'notice', seq, pid: prefix.pid, text, stack: [] };
    if (prefix.time !== undefined) event.time = prefix.time;
    this.emit(event, false);
  }

  /** Is this line the first process's from before its first execve? (See attachedBeforeExec.) */
  private beforeExec(prefix: Prefix): boolean {
    this.firstPid ??= prefix.pid;
    if (prefix.pid !== this.firstPid) return false;
    if (prefix.body.startsWith('execve(') || prefix.body.startsWith('<... execve resumed>')) {
      this.awaitingExec = false;
      return false;
    }
    this.release();
    this.stackTarget = undefined;
    return true;
  }

  private parseFrame(line: string): void {
    const match = FRAME.exec(line);
    // libdw's diagnostics (` > no error`, ` > no matching address range`) carry no frame.
    if (!match || !this.stackTarget) return;
    const frame: StackFrame = { module: match[1]!, address: parseInt(match[3]!, 16) };
    const symbol = match[2]!;
    if (symbol) {
      const plus = symbol.lastIndexOf('+');
      if (plus > 0) frame.symbol = symbol.slice(0, plus);
      if (plus >= 0) frame.symbolOffset = parseInt(symbol.slice(plus + 1), 16);
      else frame.symbol = symbol;
    }
    if (match[4]) frame.sourceHint = match[4];
    this.stackTarget.stack.push(frame);
  }

  /** Holds events that may still receive stack frames; others go straight out. */
  private emit(event: TraceEvent, mayHaveStack: boolean): void {
    if (mayHaveStack) {
      this.held.push(event);
      this.stackTarget = event;
    } else {
      this.stackTarget = undefined;
      this.held.push(event);
    }
  }

  private release(): void {
    if (this.held.length === 0) return;
    const held = this.held;
    this.held = [];
    for (const event of held) this.options.onEvent(event);
  }

  private reject(line: string): void {
    this.stackTarget = undefined;
    this.unparsedCount++;
    if (this.unparsed.length < this.keepUnparsed) this.unparsed.push(line);
  }
}

function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/** Reads `-1 ENOENT (No such file or directory) (INJECTED) <0.000041>` into the event. */
function readResult(event: SyscallEvent, text: string): void {
  let rest = text.trimEnd();
  const duration = DURATION.exec(rest);
  if (duration) {
    event.duration = Number(duration[1]);
    rest = rest.slice(0, duration.index).trimEnd();
  }
  const value = RESULT_VALUE.exec(rest);
  if (!value) {
    event.result = rest;
    return;
  }
  event.result = value[1]!;
  if (value[1] !== '?') event.returnValue = Number(value[1]);
  rest = rest.slice(value[0].length);
  if (rest.startsWith('<')) {
    const close = rest.lastIndexOf('>');
    if (close > 0) {
      event.resultPath = rest.slice(1, close);
      rest = rest.slice(close + 1);
    }
  }
  rest = rest.trim();
  const errno = ERRNO.exec(rest);
  if (errno) {
    event.errno = errno[1]!;
    event.errnoMessage = errno[2]!;
    rest = rest.slice(errno[0].length).trim();
  }
  event.annotations = splitAnnotations(rest);
}

/** `(errno 1234) (INJECTED)` → two annotations; balanced parentheses, so nested ones stay whole. */
function splitAnnotations(text: string): string[] {
  const notes: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')' && depth > 0 && --depth === 0) {
      notes.push(text.slice(start, i + 1).trim());
      start = i + 1;
    }
  }
  const rest = text.slice(start).trim();
  if (rest) notes.push(rest);
  return notes;
}

/** Parses a whole log (a `.strace` file) into events, complete calls only once. */
export function parseStraceText(text: string): { events: TraceEvent[]; unparsed: string[]; unparsedCount: number } {
  const bySeq = new Map<number, TraceEvent>();
  const parser = new StraceParser({ onEvent: (event) => bySeq.set(event.seq, event) });
  parser.push(text);
  parser.end();
  const events = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  return { events, unparsed: parser.unparsed, unparsedCount: parser.unparsedCount };
}
