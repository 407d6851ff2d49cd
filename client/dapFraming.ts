// The Debug Adapter Protocol's wire format: each message is `Content-Length: N\r\n\r\n` and N bytes of
// JSON. The extension sits between VS Code and the adapter process (see adapterProcess.ts), so it
// reads and writes frames itself. No vscode import: unit-tested alone.

export type DapMessage = { seq: number; type: string } & Record<string, unknown>;

const SEPARATOR = Buffer.from('\r\n\r\n');

export function encodeFrame(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
}

/** Splits a byte stream into messages, whatever the chunking; a malformed frame is reported, never guessed at. */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(
    private readonly onMessage: (message: DapMessage) => void,
    private readonly onError: (problem: string) => void,
  ) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const end = this.buffer.indexOf(SEPARATOR);
      if (end < 0) return;
      const header = this.buffer.subarray(0, end).toString('ascii');
      const length = /(?:^|\r\n)Content-Length: *(\d+)/i.exec(header);
      if (!length) {
        this.onError(`a frame without Content-Length: ${JSON.stringify(header.slice(0, 80))}`);
        this.buffer = this.buffer.subarray(end + SEPARATOR.length);
        continue;
      }
      const start = end + SEPARATOR.length;
      const size = Number(length[1]);
      if (this.buffer.length < start + size) return;
      const body = this.buffer.subarray(start, start + size).toString('utf8');
      this.buffer = this.buffer.subarray(start + size);
      try {
        this.onMessage(JSON.parse(body) as DapMessage);
      } catch {
        this.onError(`a frame whose body is not JSON: ${JSON.stringify(body.slice(0, 80))}`);
      }
    }
  }
}
