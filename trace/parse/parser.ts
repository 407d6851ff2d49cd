// Streaming parser for strace's text output. It never throws: a line it cannot read is kept and
// counted. Syscalls split into `<unfinished ...>` / `<... resumed>` halves come out as one event,
// first in progress and then complete under the same `seq`.
import { argumentsEnd, isDigit, isTrimSpace } from './argumentScanner';
import { ParsedSyscall } from './parsedSyscall';
import { decimalAt, emptyPrefix, POWERS_OF_TEN, readLinePrefix, type LinePrefix } from './linePrefix';
import { ownCopy } from '../model/ownCopy';
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
  /**
   * With attachedBeforeExec: how many of that process's first execve calls are the supervisor's own
   * (its exec trampoline's): they are left out too, with what comes before them.
   */
  supervisorExecs?: number;
  /**
   * Where each event's lines are in the stream, in bytes from its start: called for every line that
   * makes (or completes, or adds a stack frame to) event `seq`, with the line's range `[start, end)`
   * (its line end included), counted in the UTF-8 of the text it was given. A log can then be re-read
   * one event at a time (text that was not UTF-8 holds U+FFFD instead of its bytes: see EventArchive.feed).
   */
  onSpan?: (seq: number, start: number, end: number) => void;
}

const RESUMED = '<... ';
const RESUMED_END = ' resumed>';
const UNFINISHED = ' <unfinished ...>';
const SIGNAL = /^--- (SIG[A-Z0-9+-]+|\S+) (.*) ---$/;
const STOPPED = /^--- (.*) ---$/;
const EXITED = /^\+\+\+ exited with (-?\d+) \+\+\+$/;
const KILLED = /^\+\+\+ killed by (\S+)( \(core dumped\))? \+\+\+$/;
const PERSONALITY = /^\[ Process PID=(\d+) runs in (32|64|x32) bit mode\. \]$/;
const FRAME = /^ > (.*)\(([^()]*)\) \[0x([0-9a-f]+)\](?: (.+))?$/;

/** Slots of call names the parser hands out as the same strings (see callName): a power of two. */
const NAME_SLOTS = 256;
const MAX_KNOWN_NAMES = 4096;
/**
 * How many events may be held behind an exit call that waits for its `+++ exited` line (see
 * exitCalls): past that, they all go out and the call's frames, if they ever come, are lost.
 */
const MAX_HELD_FOR_EXIT = 256;

// Most events have no annotations and no stack: they share these (frozen, so nothing adds to them).
const NO_ANNOTATIONS: string[] = Object.freeze([]) as unknown as string[];
const NO_FRAMES: StackFrame[] = Object.freeze([]) as unknown as StackFrame[];

interface PendingCall {
  event: SyscallEvent;
  /** The call's text up to `<unfinished ...>`: `read(0, `. */
  head: string;
}

const DASH = 45, PLUS = 43, LESS = 60, GREATER = 62, OPEN_BRACKET = 91, OPEN_PAREN = 40, CLOSE_PAREN = 41, SPACE = 32, TAB = 9, EQUALS = 61, DOT = 46;
const QUESTION = 63, ZERO = 48, LOWER_X = 120, UPPER_A = 65, UPPER_Z = 90, UNDERSCORE = 95;

function isNameStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === UNDERSCORE;
}

function isNameChar(code: number): boolean {
  return isNameStart(code) || isDigit(code);
}

/** Index just after the `(` of `name(` at `start`, or -1 when no call name starts there (the line end is no name character). */
function callNameEnd(text: string, start: number): number {
  if (!isNameStart(text.charCodeAt(start))) return -1;
  let i = start + 1;
  while (isNameChar(text.charCodeAt(i))) i++;
  return text.charCodeAt(i) === OPEN_PAREN ? i + 1 : -1;
}

export class StraceParser {
  /** Lines that were not strace output the parser knows (kept up to `keepUnparsed`). */
  readonly unparsed: string[] = [];
  unparsedCount = 0;
  lineCount = 0;

  /** The start of a line whose end has not arrived yet. */
  private buffer = '';
  /** The prefix of the line being read (one object, read into for every line). */
  private readonly prefix = emptyPrefix();
  /** With onSpan: the bytes of the line being read, and where the next chunk starts. */
  private lineStart = 0;
  private lineEnd = 0;
  private bytesRead = 0;
  private onSpan: ParserOptions['onSpan'];
  private seq = 0;
  private readonly pending = new Map<number, PendingCall>();
  private readonly abiOfPid = new Map<number, 'x86_64' | 'i386'>();
  /** The last pid asked about and its ABI (most lines are the same process's). */
  private abiPid = -1;
  private abi: 'x86_64' | 'i386' = 'x86_64';
  /** Events whose `-k` stack lines may still follow; released by the next non-stack line. */
  private readonly held: TraceEvent[] = [];
  /**
   * Held exit/exit_group calls whose process's `+++ exited` line has not come yet: strace prints
   * their stack after it, with other processes' lines maybe in between. Each is held, with every
   * event after it (events go out in order), until that line (or MAX_HELD_FOR_EXIT) comes.
   */
  private readonly exitCalls = new Set<SyscallEvent>();
  /** The event the next ` > ` frame belongs to. */
  private stackTarget: TraceEvent | undefined;
  /** The seq reserved for the partial last line, so completing it keeps its place. */
  private partialSeq: number | undefined;
  /** The line being read had been reserved `partialSeq`: its event takes it. */
  private reservedSeq: number | undefined;
  private readonly keepUnparsed: number;
  private awaitingExec: boolean;
  private execsToSkip: number;
  private firstPid: number | undefined;

  constructor(private readonly options: ParserOptions) {
    this.keepUnparsed = options.keepUnparsed ?? 1000;
    this.awaitingExec = options.attachedBeforeExec ?? false;
    this.execsToSkip = this.awaitingExec ? options.supervisorExecs ?? 0 : 0;
    this.onSpan = options.onSpan;
  }

  /**
   * Feeds a chunk of output; complete lines are parsed at once, where they are in the chunk (a line
   * is cut out only to be kept): reading a flat string is faster than reading slices of it.
   */
  push(chunk: string): void {
    // With onSpan: each line's place in bytes. A chunk of ASCII has as many bytes as characters.
    const counting = this.onSpan !== undefined;
    const ascii = counting && Buffer.byteLength(chunk, 'utf8') === chunk.length;
    let start = 0;
    let newline = chunk.indexOf('\n');
    if (this.buffer) {
      if (newline < 0) {
        this.buffer += chunk;
        return;
      }
      // The line begun in an earlier chunk.
      const line = this.buffer + chunk.slice(0, newline);
      this.buffer = '';
      if (counting) this.countLine(Buffer.byteLength(line, 'utf8') + 1);
      this.parseLine(line, 0, lineEnd(line, 0, line.length));
      start = newline + 1;
      newline = chunk.indexOf('\n', start);
    }
    while (newline >= 0) {
      if (counting) this.countLine(ascii ? newline + 1 - start : Buffer.byteLength(chunk.slice(start, newline + 1), 'utf8'));
      this.parseLine(chunk, start, lineEnd(chunk, start, newline));
      start = newline + 1;
      newline = chunk.indexOf('\n', start);
    }
    if (start < chunk.length) this.buffer = chunk.slice(start);
  }

  /** The next line has this many bytes (its line end included). */
  private countLine(bytes: number): void {
    this.lineStart = this.bytesRead;
    this.lineEnd = this.bytesRead += bytes;
  }

  /** The stream ended: the partial last line is parsed and every held event is released. */
  end(): void {
    if (this.buffer) {
      const line = this.buffer;
      this.buffer = '';
      if (this.onSpan) this.countLine(Buffer.byteLength(line, 'utf8'));
      this.parseLine(line, 0, line.length, true);
    }
    this.release(true);
  }

  /**
   * Hands out the events held for stack frames that may still follow: for a trace that has gone
   * quiet (a call's frames come right after it), so a call made just before the program blocks is
   * not kept back until the program wakes.
   */
  releaseHeld(awaitingStack = false): void {
    if (awaitingStack) this.releaseBeforeAwaitingStack();
    else this.release(true);
  }

  /**
   * Hands out the held events but the last when its `-k` frames may still follow (nothing else came
   * after it): strace unwinds a call before printing its frames, which takes a while in a process it
   * has not unwound before, and a call handed out without its frames could not be credited.
   */
  private releaseBeforeAwaitingStack(): void {
    const held = this.held;
    const last = held[held.length - 1];
    if (!(last && last === this.stackTarget && last.kind === 'syscall' && last.stack.length === 0)) return this.release(true);
    if (held.length === 1) return;
    for (const event of held.splice(0, held.length - 1)) {
      this.exitCalls.delete(event as SyscallEvent);
      this.options.onEvent(event);
    }
  }

  /**
   * The call strace is blocked in right now: strace writes a call's entry half at once and the rest
   * when it returns, so a partial last line is a call in progress. Releases held events too (but a
   * last one whose frames may still follow, when `awaitingStack`).
   */
  inProgress(awaitingStack = false): SyscallEvent | undefined {
    this.releaseHeld(awaitingStack);
    const line = this.buffer;
    if (!line || line.startsWith(' > ')) return undefined;
    const prefix = readLinePrefix(line, 0, line.length, this.prefix);
    const argsStart = callNameEnd(line, prefix.bodyStart);
    if (argsStart < 0) return undefined;
    this.partialSeq ??= ++this.seq;
    return this.syscall(this.partialSeq, prefix, line.slice(prefix.bodyStart, argsStart - 1), argumentText(line, argsStart, line.length), true);
  }

  /** A message strace wrote to its stderr rather than the trace (the personality notice, `strace: …`). */
  addNotice(text: string): void {
    const personality = PERSONALITY.exec(text);
    const pid = personality ? Number(personality[1]) : 0;
    if (personality) this.setAbi(pid, personality[2] === '32' ? 'i386' : 'x86_64');
    // Not a line of the stream: it has no place in it.
    const onSpan = this.onSpan;
    this.onSpan = undefined;
    this.notice(++this.seq, { pid, time: undefined, ip: undefined, narrowIp: false, bodyStart: 0 }, text);
    this.onSpan = onSpan;
  }

  /** Reads the line `text[start, end)`; the text may go on with more lines. */
  private parseLine(text: string, start: number, end: number, final = false): void {
    this.lineCount++;
    if (text.charCodeAt(start) === SPACE && text.charCodeAt(start + 1) === GREATER && text.charCodeAt(start + 2) === SPACE) {
      this.parseFrame(text.slice(start, end));
      return;
    }
    if (isBlank(text, start, end)) return this.release();
    const prefix = readLinePrefix(text, start, end, this.prefix);
    const bodyStart = prefix.bodyStart;
    if (this.awaitingExec && this.beforeExec(prefix, text, end)) return;
    const lead = text.charCodeAt(bodyStart);
    // exit/exit_group never return: strace prints their stack after the `+++ exited` line.
    const exitLine = lead === PLUS && text.startsWith('+++ ', bodyStart);
    if (!(exitLine && this.heldExitCall(prefix.pid))) this.release();
    this.reservedSeq = this.partialSeq;
    this.partialSeq = undefined;
    if (prefix.ip !== undefined) {
      const abi = prefix.narrowIp ? 'i386' : 'x86_64';
      if (this.abiOf(prefix.pid) !== abi) this.setAbi(prefix.pid, abi);
    }

    const argsStart = callNameEnd(text, bodyStart);
    if (argsStart >= 0) return this.parseCall(prefix, text, start, end, argsStart, final);
    if (lead === DASH && text.startsWith('--- ', bodyStart)) return this.parseSignal(this.nextSeq(), prefix, text, start, end);
    if (exitLine) return this.parseExit(this.nextSeq(), prefix, text.slice(bodyStart, end));
    if (lead === LESS && text.startsWith(RESUMED, bodyStart)) {
      // `<... name resumed>` and the rest of the call.
      const nameStart = bodyStart + RESUMED.length;
      let nameEnd = nameStart + 1;
      while (isNameChar(text.charCodeAt(nameEnd))) nameEnd++;
      if (isNameStart(text.charCodeAt(nameStart)) && text.startsWith(RESUMED_END, nameEnd)) {
        return this.parseResumed(prefix, text.slice(nameStart, nameEnd), text.slice(nameEnd + RESUMED_END.length, end), text, start, end);
      }
    }
    if (lead === OPEN_BRACKET) {
      const body = text.slice(bodyStart, end);
      const personality = PERSONALITY.exec(body);
      if (personality) {
        this.setAbi(Number(personality[1]), personality[2] === '32' ? 'i386' : 'x86_64');
        return this.notice(this.nextSeq(), prefix, body);
      }
    }
    if (text.startsWith('strace: ', bodyStart)) return this.notice(this.nextSeq(), prefix, text.slice(bodyStart, end));
    this.reject(text.slice(start, end));
  }

  /** The seq of the line's event: the one reserved for it, or the next. */
  private nextSeq(): number {
    return this.reservedSeq ?? ++this.seq;
  }

  private parseCall(prefix: LinePrefix, text: string, start: number, end: number, argsStart: number, final: boolean): void {
    const name = this.callName(text, prefix.bodyStart, argsStart - 1);
    // A call that returned ends in its result or ` <0.000041>`, seldom in `...>`: one look before comparing.
    if (text.charCodeAt(end - 2) === DOT && end - UNFINISHED.length >= argsStart && text.startsWith(UNFINISHED, end - UNFINISHED.length)) {
      const head = text.slice(prefix.bodyStart, end - UNFINISHED.length);
      const event = this.syscall(this.nextSeq(), prefix, name, argumentText(text, argsStart, end - UNFINISHED.length), true);
      this.pending.set(prefix.pid, { event, head });
      this.emit(event, false);
      return;
    }
    const event = this.completeCall(undefined, prefix, name, text, argsStart, end);
    if (event) this.emit(event, true);
    else if (final) {
      this.emit(this.syscall(this.nextSeq(), prefix, name, argumentText(text, argsStart, end), true), false);
    } else this.reject(text.slice(start, end));
  }

  /**
   * The name `text[start, end)`, as the same string as the last calls of that name: a trace makes a
   * few syscalls many times, and one string per name makes every table keyed by it (summary, lines,
   * index) compare a pointer instead of hashing a new piece of text. A name is looked for in one slot,
   * chosen by its length and its first and last characters, before the table of every name.
   */
  private callName(text: string, start: number, end: number): string {
    const length = end - start;
    const slot = (length * 31 + text.charCodeAt(start) * 7 + text.charCodeAt(end - 1)) & (NAME_SLOTS - 1);
    const cached = this.nameSlots[slot]!;
    if (cached.length === length && text.startsWith(cached, start)) return cached;
    const piece = text.slice(start, end);
    let name = this.knownNames.get(piece);
    if (name === undefined) {
      // Its own copy: a longer piece of text would keep the whole chunk alive (see ownCopy).
      name = ownCopy(piece);
      // A log of garbage has no end of names: the table stops growing (strace knows a few hundred).
      if (this.knownNames.size < MAX_KNOWN_NAMES) this.knownNames.set(name, name);
    }
    this.nameSlots[slot] = name;
    return name;
  }

  /** The last name seen in each slot (see callName); '' matches no name (a call name is never empty). */
  private readonly nameSlots: string[] = new Array<string>(NAME_SLOTS).fill('');
  private readonly knownNames = new Map<string, string>();

  private syscall(seq: number, prefix: LinePrefix, name: string, argumentText: string, inProgress: boolean): SyscallEvent {
    return new ParsedSyscall(seq, prefix.pid, prefix.time, prefix.ip, name, argumentText, inProgress, this.abiOf(prefix.pid), NO_ANNOTATIONS, NO_FRAMES);
  }

  private abiOf(pid: number): 'x86_64' | 'i386' {
    if (pid !== this.abiPid) {
      this.abiPid = pid;
      this.abi = this.abiOfPid.get(pid) ?? 'x86_64';
    }
    return this.abi;
  }

  private setAbi(pid: number, abi: 'x86_64' | 'i386'): void {
    this.abiOfPid.set(pid, abi);
    if (pid === this.abiPid) this.abi = abi;
  }

  /**
   * Parses `name(args) = result <duration>` from `argsStart`; undefined when the text is not a
   * complete call. The event takes `seq`, or the line's own (nextSeq).
   */
  private completeCall(seq: number | undefined, prefix: LinePrefix, name: string, text: string, argsStart: number, end: number): SyscallEvent | undefined {
    const close = argumentsEnd(text, argsStart, end);
    if (close < 0) return undefined;
    let i = close;
    while (text.charCodeAt(i) === SPACE || text.charCodeAt(i) === TAB) i++;
    if (text.charCodeAt(i) !== EQUALS || text.charCodeAt(i + 1) !== SPACE) return undefined;
    const event = this.syscall(seq ?? this.nextSeq(), prefix, name, text.slice(argsStart, close), false);
    readResult(event, text, i + 2, end);
    return event;
  }

  private parseResumed(prefix: LinePrefix, name: string, rest: string, text: string, start: number, end: number): void {
    const pending = this.pending.get(prefix.pid);
    this.pending.delete(prefix.pid);
    if (pending && pending.event.name === name) {
      const started = pending.event;
      // The entry half's time and ip (the exit half's ip when the entry half had none).
      const startPrefix: LinePrefix = { pid: prefix.pid, time: started.time, ip: started.ip ?? prefix.ip, narrowIp: prefix.narrowIp, bodyStart: 0 };
      const joined = pending.head + rest;
      const event = this.completeCall(started.seq, startPrefix, name, joined, name.length + 1, joined.length);
      if (event) {
        event.abi = started.abi;
        this.emit(event, true);
        return;
      }
    } else {
      // The entry half was never seen (the trace began mid-call): keep what the exit half says.
      const joined = `${name}(${rest}`;
      const event = this.completeCall(++this.seq, prefix, name, joined, name.length + 1, joined.length);
      if (event) {
        this.emit(event, true);
        return;
      }
    }
    this.reject(text.slice(start, end));
  }

  private parseSignal(seq: number, prefix: LinePrefix, text: string, start: number, end: number): void {
    const body = text.slice(prefix.bodyStart, end);
    const match = SIGNAL.exec(body) ?? STOPPED.exec(body);
    if (!match) return this.reject(text.slice(start, end));
    const event: SignalEvent = match.length === 3
      ? { kind: 'signal', seq, pid: prefix.pid, signal: match[1]!, details: match[2]!, stack: NO_FRAMES }
      : { kind: 'signal', seq, pid: prefix.pid, signal: /SIG[A-Z0-9]+/.exec(match[1]!)?.[0] ?? '', details: match[1]!, stack: NO_FRAMES };
    if (prefix.time !== undefined) event.time = prefix.time;
    if (prefix.ip !== undefined) event.ip = prefix.ip;
    this.emit(event, true);
  }

  private parseExit(seq: number, prefix: LinePrefix, body: string): void {
    const exited = EXITED.exec(body);
    const killed = exited ? undefined : KILLED.exec(body);
    if (!exited && !killed) return this.notice(seq, prefix, body);
    const event: ExitEvent = { kind: 'exit', seq, pid: prefix.pid, coreDumped: Boolean(killed?.[2]), stack: NO_FRAMES };
    if (exited) event.exitCode = Number(exited[1]);
    if (killed) event.killedBy = killed[1]!;
    if (prefix.time !== undefined) event.time = prefix.time;
    this.pending.delete(prefix.pid);
    const exitCall = this.heldExitCall(prefix.pid);
    this.emit(event, false);
    if (exitCall) {
      // Its frames follow this line, and after them nothing more of the process.
      this.exitCalls.delete(exitCall);
      this.stackTarget = exitCall;
    }
  }

  /**
   * The held exit call of `pid` that waits for its stack: one of exitCalls, wherever it is among the
   * held events, or else the last held event (an exit call left in progress).
   */
  private heldExitCall(pid: number): SyscallEvent | undefined {
    for (const call of this.exitCalls) if (call.pid === pid && call.stack.length === 0) return call;
    const last = this.held[this.held.length - 1];
    return last?.kind === 'syscall' && last.pid === pid && last.stack.length === 0 && /^exit(_group)?$/.test(last.name)
      ? last : undefined;
  }

  private notice(seq: number, prefix: LinePrefix, text: string): void {
    const event: NoticeEvent = { kind: 'notice', seq, pid: prefix.pid, text, stack: NO_FRAMES };
    if (prefix.time !== undefined) event.time = prefix.time;
    this.emit(event, false);
  }

  /** Is this line the first process's from before its first execve? (See attachedBeforeExec.) */
  private beforeExec(prefix: LinePrefix, line: string, end: number): boolean {
    this.firstPid ??= prefix.pid;
    if (prefix.pid !== this.firstPid) return false;
    if (line.startsWith('execve(', prefix.bodyStart) || line.startsWith('<... execve resumed>', prefix.bodyStart)) {
      if (this.execsToSkip === 0) {
        this.awaitingExec = false;
        return false;
      }
      // The supervisor's execve: counted once it completes (an unfinished half has its resumed half to come).
      if (!line.startsWith(UNFINISHED, end - UNFINISHED.length)) this.execsToSkip--;
    }
    this.release(true);
    this.stackTarget = undefined;
    return true;
  }

  /** ` > /path/module(symbol+0x1b) [0x101b]`, maybe followed by a libdw source hint. */
  private parseFrame(line: string): void {
    // libdw's diagnostics (` > no error`, ` > no matching address range`) carry no frame.
    if (!this.stackTarget) return;
    const frame = readFrame(line);
    if (!frame) return;
    // An exit call whose frames came right after it waits no more.
    if (this.exitCalls.size > 0) this.exitCalls.delete(this.stackTarget as SyscallEvent);
    if (this.stackTarget.stack === NO_FRAMES) this.stackTarget.stack = [frame];
    else this.stackTarget.stack.push(frame);
    this.onSpan?.(this.stackTarget.seq, this.lineStart, this.lineEnd);
  }

  /** Holds events that may still receive stack frames; others go straight out. */
  private emit(event: TraceEvent, mayHaveStack: boolean): void {
    this.stackTarget = mayHaveStack ? event : undefined;
    this.held.push(event);
    // An exit call that does not return: with -k its stack comes after its process's `+++ exited`.
    if (mayHaveStack && event.kind === 'syscall' && (event.name === 'exit_group' || event.name === 'exit')) {
      this.exitCalls.add(event);
    }
    this.onSpan?.(event.seq, this.lineStart, this.lineEnd);
  }

  /**
   * Hands out the held events: all of them, or (`all` false) those before the first exit call still
   * waiting for its stack (see exitCalls), as long as no more than MAX_HELD_FOR_EXIT are held.
   */
  private release(all = false): void {
    const held = this.held;
    let count = held.length;
    if (count === 0) return;
    const onEvent = this.options.onEvent;
    if (this.exitCalls.size > 0) {
      if (all || count > MAX_HELD_FOR_EXIT) this.exitCalls.clear();
      else {
        let before = 0;
        while (before < count && !this.exitCalls.has(held[before] as SyscallEvent)) before++;
        if (before === count) this.exitCalls.clear(); // none is held any more: all go
        else {
          if (before > 0) for (const event of held.splice(0, before)) onEvent(event);
          return;
        }
      }
    }
    if (count === 1) {
      // pop, not `length = 0`: setting an array's length is a call into the runtime.
      onEvent(held.pop()!);
      return;
    }
    const events = held.splice(0, count);
    for (const event of events) onEvent(event);
  }

  private reject(line: string): void {
    this.stackTarget = undefined;
    this.unparsedCount++;
    if (this.unparsed.length < this.keepUnparsed) this.unparsed.push(line);
  }
}

/** The arguments' text from `argsStart`: to the `)` that closes them, or to `end` when the line stops first. */
function argumentText(text: string, argsStart: number, end: number): string {
  const close = argumentsEnd(text, argsStart, end);
  return text.slice(argsStart, close < 0 ? end : close);
}

/** The end of the line that ends at `newline`: before a `\r` of `\r\n`. */
function lineEnd(text: string, start: number, newline: number): number {
  return newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
}

function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/** One `-k` frame; undefined for a line that is not one. */
function readFrame(line: string): StackFrame | undefined {
  // The common shape, without a source hint, read from its end: `(symbol) [0xADDRESS]`.
  const n = line.length;
  const bracket = line.lastIndexOf(' [0x');
  if (line.charCodeAt(n - 1) === 93 /* ] */ && bracket > 3 && line.charCodeAt(bracket - 1) === CLOSE_PAREN) {
    let address = 0;
    let i = bracket + 4;
    for (; i < n - 1; i++) {
      const c = line.charCodeAt(i);
      const digit = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
      if (digit < 0) break;
      address = address * 16 + digit;
    }
    const open = line.lastIndexOf('(', bracket - 2);
    if (i === n - 1 && i > bracket + 4 && open >= 3 && line.indexOf(')', open) === bracket - 1) {
      if (address > Number.MAX_SAFE_INTEGER) address = parseInt(line.slice(bracket + 4, n - 1), 16);
      return makeFrame(line.slice(3, open), line.slice(open + 1, bracket - 1), address, undefined);
    }
  }
  const match = FRAME.exec(line);
  return match ? makeFrame(match[1]!, match[2]!, parseInt(match[3]!, 16), match[4]) : undefined;
}

function makeFrame(module: string, symbol: string, address: number, sourceHint: string | undefined): StackFrame {
  const frame: StackFrame = { module, address };
  if (symbol) {
    const plus = symbol.lastIndexOf('+');
    if (plus > 0) frame.symbol = symbol.slice(0, plus);
    if (plus >= 0) frame.symbolOffset = parseInt(symbol.slice(plus + 1), 16);
    else frame.symbol = symbol;
  }
  if (sourceHint) frame.sourceHint = sourceHint;
  return frame;
}

/** Index of the start of ` <0.000041>` (-T) at the end of `text[from, end)`, or -1; its value into `event.duration`. */
function readDuration(event: SyscallEvent, text: string, from: number, end: number): number {
  if (text.charCodeAt(end - 1) !== GREATER) return -1;
  // The digits are summed as they are stepped over, from the last: exact up to 15 of them.
  let mantissa = 0;
  let scale = 1;
  let i = end - 2;
  for (let c = text.charCodeAt(i); i >= from && isDigit(c); c = text.charCodeAt(--i)) {
    mantissa += (c - 48) * scale;
    scale *= 10;
  }
  if (i === end - 2) return -1;
  let fractionDigits = 0;
  if (text.charCodeAt(i) === DOT) {
    const dot = i--;
    fractionDigits = end - 2 - dot;
    for (let c = text.charCodeAt(i); i >= from && isDigit(c); c = text.charCodeAt(--i)) {
      mantissa += (c - 48) * scale;
      scale *= 10;
    }
    if (i === dot - 1) return -1;
  }
  if (i - 1 < from || text.charCodeAt(i) !== LESS || text.charCodeAt(i - 1) !== SPACE) return -1;
  // What decimalAt gives: an integer below 2^53 divided by an exact power of ten (or Number's reading).
  event.duration = scale > 1e15 ? decimalAt(text, i + 1, end - 1)
    : fractionDigits > 0 ? mantissa / POWERS_OF_TEN[fractionDigits]! : mantissa;
  return i - 1;
}

/** End of the result value at `i`: `?`, `0x…` or `-?\d+`; `i` when there is none. */
function resultValueEnd(text: string, i: number, end: number): number {
  if (i >= end) return i;
  const c = text.charCodeAt(i);
  if (c === QUESTION) return i + 1;
  if (c === ZERO && text.charCodeAt(i + 1) === LOWER_X) {
    let j = i + 2;
    while (j < end && ((text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) || (text.charCodeAt(j) >= 97 && text.charCodeAt(j) <= 102))) j++;
    if (j > i + 2) return j;
  }
  let j = c === DASH ? i + 1 : i;
  const digits = j;
  while (j < end && isDigit(text.charCodeAt(j))) j++;
  return j > digits ? j : i;
}

/** The number `text[from, end)` holds (as resultValueEnd found it): what Number() of that text gives. */
function resultNumber(text: string, from: number, end: number): number {
  const hex = end - from > 2 && text.charCodeAt(from + 1) === LOWER_X;
  const digits = hex ? from + 2 : text.charCodeAt(from) === DASH ? from + 1 : from;
  // Up to 13 hex or 15 decimal digits the sum is exact; longer ones are left to Number.
  if (end - digits > (hex ? 13 : 15)) return Number(text.slice(from, end));
  let value = 0;
  for (let i = digits; i < end; i++) {
    const c = text.charCodeAt(i);
    value = hex ? value * 16 + (c <= 57 ? c - 48 : c - 87) : value * 10 + (c - 48);
  }
  return digits > from && !hex ? -value : value;
}

/** End of `ENOENT (No such file or directory)` at `i` (a name of 2+ capitals, digits, `_`), or -1. */
function errnoEnd(text: string, i: number, end: number): number {
  const first = text.charCodeAt(i);
  if (first < UPPER_A || first > UPPER_Z) return -1;
  let j = i + 1;
  for (let c = text.charCodeAt(j); j < end && ((c >= UPPER_A && c <= UPPER_Z) || isDigit(c) || c === UNDERSCORE); c = text.charCodeAt(++j));
  if (j === i + 1 || j + 1 >= end || text.charCodeAt(j) !== SPACE || text.charCodeAt(j + 1) !== OPEN_PAREN) return -1;
  for (let k = j + 2; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c === CLOSE_PAREN) return k + 1;
    if (c === OPEN_PAREN) return -1;
  }
  return -1;
}

/** Reads `-1 ENOENT (No such file or directory) (INJECTED) <0.000041>` at `from` into the event. */
function readResult(event: SyscallEvent, text: string, from: number, to: number): void {
  let end = to;
  while (end > from && isTrimSpace(text.charCodeAt(end - 1))) end--;
  const duration = readDuration(event, text, from, end);
  if (duration >= 0) {
    end = duration;
    while (end > from && isTrimSpace(text.charCodeAt(end - 1))) end--;
  }
  let i = resultValueEnd(text, from, end);
  if (i === from) {
    event.result = text.slice(from, end);
    return;
  }
  event.result = text.slice(from, i);
  if (text.charCodeAt(from) !== QUESTION) event.returnValue = resultNumber(text, from, i);
  if (text.charCodeAt(i) === LESS && i < end) {
    let close = end - 1;
    while (close > i && text.charCodeAt(close) !== GREATER) close--;
    if (close > i) {
      event.resultPath = text.slice(i + 1, close);
      i = close + 1;
    }
  }
  while (i < end && isTrimSpace(text.charCodeAt(i))) i++;
  const errno = errnoEnd(text, i, end);
  if (errno >= 0) {
    const space = text.indexOf(' ', i);
    event.errno = text.slice(i, space);
    event.errnoMessage = text.slice(space + 2, errno - 1);
    i = errno;
    while (i < end && isTrimSpace(text.charCodeAt(i))) i++;
  }
  if (i < end) event.annotations = splitAnnotations(text.slice(i, end));
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
