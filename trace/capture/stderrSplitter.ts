// Lines out of a stream, with bounded memory: a line longer than MAX_MESSAGE_LENGTH is cut there.
// Without the supervisor, strace and the traced program share one stderr: StderrSplitter takes
// strace's own lines (`strace: …`, `[ Process PID=N runs in 32 bit mode. ]`) for the trace and
// passes the rest to the program's output. (With the supervisor they travel apart and cannot mix.)
// On the program's terminal, lines end in \r\n (the terminal's newline translation).

/** strace's messages are short; anything longer is the program's, or is cut. */
export const MAX_MESSAGE_LENGTH = 4096;

const PERSONALITY_PREFIX = '[ Process PID=';

/** Calls `onLine` for every complete line (without \n or \r\n); work and memory are linear in the input. */
export class LineSplitter {
  private pending = '';

  constructor(private readonly onLine: (line: string) => void, private readonly maxLength = MAX_MESSAGE_LENGTH) {}

  push(chunk: string): void {
    let start = 0;
    for (let newline = chunk.indexOf('\n'); newline >= 0; newline = chunk.indexOf('\n', start)) {
      this.emit(this.pending + chunk.slice(start, newline));
      this.pending = '';
      start = newline + 1;
    }
    if (this.pending.length < this.maxLength) this.pending += chunk.slice(start, start + this.maxLength - this.pending.length);
  }

  end(): void {
    if (this.pending) this.emit(this.pending);
    this.pending = '';
  }

  private emit(line: string): void {
    this.onLine(line.slice(0, this.maxLength).replace(/\r$/, ''));
  }
}

export class StderrSplitter {
  private pending = '';
  /** strace prefixes its messages with the name it was run as: `strace: ` or `/usr/bin/strace: `. */
  private readonly prefixes: string[];

  constructor(private readonly toProgram: (text: string) => void, private readonly toTrace: (line: string) => void, straceCommand = 'strace') {
    this.prefixes = [...new Set(['strace: ', `${straceCommand}: `, PERSONALITY_PREFIX])];
  }

  private isStraceLine(line: string): boolean {
    return line.length <= MAX_MESSAGE_LENGTH && this.prefixes.some((p) => line.startsWith(p))
      && (!line.startsWith(PERSONALITY_PREFIX) || /^\[ Process PID=\d+ runs in /.test(line));
  }

  /** Could `text`, the start of a line, still become one of strace's messages? */
  private mayBecomeStraceLine(text: string): boolean {
    return text.length <= MAX_MESSAGE_LENGTH && this.prefixes.some((p) => text.startsWith(p) || p.startsWith(text));
  }

  push(chunk: string): void {
    let out = '';
    let start = 0;
    for (let newline = chunk.indexOf('\n'); newline >= 0; newline = chunk.indexOf('\n', start)) {
      const line = this.pending + chunk.slice(start, newline);
      this.pending = '';
      if (this.isStraceLine(line)) this.toTrace(line.replace(/\r$/, ''));
      else out += line + '\n';
      start = newline + 1;
    }
    // A partial line that may still become one of strace's waits for its end (up to the bound);
    // program text goes on at once.
    const rest = this.pending + chunk.slice(start);
    this.pending = '';
    if (rest && this.mayBecomeStraceLine(rest)) this.pending = rest;
    else out += rest;
    if (out) this.toProgram(out);
  }

  end(): void {
    if (this.pending) this.toProgram(this.pending);
    this.pending = '';
  }
}
