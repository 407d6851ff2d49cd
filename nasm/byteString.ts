// Bytes shown the way a NASM programmer writes them in `db`: quoted runs of text and numbers for the
// rest, e.g. `"Hello", 10, 0`. The one renderer for every string a user sees (hovers, inlay hints,
// the debugger's Variables view and syscall stops).

const QUOTES = ['"', "'"] as const;

function isPrintable(byte: number): boolean {
  return byte >= 0x20 && byte < 0x7f;
}

/** The length of the valid UTF-8 sequence starting at `i` (0 if there is none): non-ASCII text stays quoted. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const lead = bytes[i]!;
  const length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
  if (length === 0 || i + length > bytes.length) return 0;
  for (let k = 1; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return 0;
  const decoded = Buffer.from(bytes.subarray(i, i + length)).toString('utf8');
  return decoded.includes('\ufffd') ? 0 : length;
}

/** One quoted run: `"…"`, or `'…'` when it holds a double quote, or a backquoted string with escapes when it holds both. */
function quoteRun(text: string): string {
  for (const quote of QUOTES) if (!text.includes(quote)) return quote + text + quote;
  return '`' + text.replace(/[\\`]/g, (c) => '\\' + c) + '`';
}

export interface RenderOptions {
  /** Show at most this many bytes, then `…`. */
  limit?: number;
  /** The bytes shown are a prefix of longer data: end with `…` even within the limit. */
  truncated?: boolean;
}

/** `Hello\n\0` → `"Hello", 10, 0`; no bytes → `""`. */
export function renderBytes(bytes: Uint8Array, options: RenderOptions = {}): string {
  const limit = options.limit ?? Infinity;
  const shown = bytes.length > limit ? bytes.subarray(0, limit) : bytes;
  const parts: string[] = [];
  let run = '';
  const flush = () => { if (run) parts.push(quoteRun(run)); run = ''; };
  for (let i = 0; i < shown.length;) {
    const byte = shown[i]!;
    if (isPrintable(byte)) { run += String.fromCharCode(byte); i++; continue; }
    const sequence = byte >= 0x80 ? utf8SequenceLength(shown, i) : 0;
    if (sequence) { run += Buffer.from(shown.subarray(i, i + sequence)).toString('utf8'); i += sequence; continue; }
    flush();
    parts.push(String(byte));
    i++;
  }
  flush();
  const text = parts.length ? parts.join(', ') : '""';
  return bytes.length > limit || options.truncated ? `${text}…` : text;
}

/** The same for text held as a string (encoded as UTF-8, as NASM stores a quoted string). */
export function renderText(text: string, options: RenderOptions = {}): string {
  return renderBytes(Buffer.from(text, 'utf8'), options);
}
