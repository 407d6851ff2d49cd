// strace and the traced program share one stderr. strace's own lines (`strace: …`, the
// `[ Process PID=N runs in 32 bit mode. ]` notice) belong with the trace, the rest to the program.
// On the program's terminal, lines end in \r\n (the terminal's newline translation).

const PERSONALITY_PREFIX = '[ Process PID=';

export class StderrSplitter {
  private pending = '';
  /** strace prefixes its messages with the name it was run as: `strace: ` or `/usr/bin/strace: `. */
  private readonly prefixes: string[];

  constructor(private readonly toProgram: (text: string) => void, private readonly toTrace: (line: string) => void, straceCommand = 'strace') {
    this.prefixes = [...new Set(['strace: ', `${straceCommand}: `, PERSONALITY_PREFIX])];
  }

  private isStraceLine(line: string): boolean {
    return this.prefixes.some((p) => line.startsWith(p)) && (!line.startsWith(PERSONALITY_PREFIX) || /^\[ Process PID=\d+ runs in /.test(line));
  }

  push(chunk: string): void {
    let text = this.pending + chunk;
    this.pending = '';
    let out = '';
    for (;;) {
      const newline = text.indexOf('\n');
      if (newline < 0) break;
      const line = text.slice(0, newline);
      if (this.isStraceLine(line)) this.toTrace(line.replace(/\r$/, ''));
      else out += line + '\n';
      text = text.slice(newline + 1);
    }
    // A partial line that may still become one of strace's waits for its end; program text goes on at once.
    if (text && this.prefixes.some((p) => p.startsWith(text.slice(0, p.length)))) this.pending = text;
    else out += text;
    if (out) this.toProgram(out);
  }

  end(): void {
    if (this.pending) this.toProgram(this.pending);
    this.pending = '';
  }
}
