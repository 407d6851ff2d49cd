import * as path from 'node:path';

/** One message printed by nasm (or ld), attributed to the file and 1-based line it names. */
export interface ToolMessage {
  file: string;
  /** 1-based; 0 when the tool named no line. */
  line: number;
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** nasm's "... from macro `x' defined here" lines that followed: the outermost macro's body line first, the innermost (the faulty line) last. */
  context: { file: string; line: number; message: string }[];
}

// nasm's default (gnu) format: `file:line: severity: text`; the file may contain colons (and, see
// splitToolOutput, line breaks: hence the s flag).
const NASM_LINE = /^(.+?):(\d+): (error|warning|fatal|panic|note|info|debug): (.*)$/s;
const NASM_CONTEXT = /^(.+?):(\d+): \.\.\. (.*)$/s;
const NASM_FILELESS = /^nasm: (error|warning|fatal|panic|note|info): (.*)$/;

function severityOf(word: string): ToolMessage['severity'] {
  if (word === 'warning') return 'warning';
  if (word === 'note' || word === 'info' || word === 'debug') return 'info';
  return 'error';
}

/**
 * Splits a tool's stderr into lines, except inside the known file names: a source may be called
 * `a\nb.asm`, and nasm prints that name as it is.
 */
export function splitToolOutput(stderr: string, knownFiles: readonly string[] = []): string[] {
  const broken = [...new Set(knownFiles)].filter((file) => /[\r\n]/.test(file)).sort((a, b) => b.length - a.length);
  if (broken.length === 0) return stderr.split('\n');
  // Private-use characters stand for the names while splitting; a tool never prints them itself.
  let text = stderr;
  broken.forEach((file, i) => { text = text.split(file).join(`\uE000${i}\uE001`); });
  return text.split('\n').map((line) => line.replace(/\uE000(\d+)\uE001/g, (_, i: string) => broken[Number(i)]!));
}

/** Parses nasm's stderr. Lines it does not recognise are kept as file-less messages. */
export function parseNasmMessages(stderr: string, knownFiles: readonly string[] = []): ToolMessage[] {
  const messages: ToolMessage[] = [];
  for (const raw of splitToolOutput(stderr, knownFiles)) {
    const line = raw.replace(/\r$/, '');
    if (!line.trim()) continue;
    const context = NASM_CONTEXT.exec(line);
    if (context && messages.length > 0) {
      messages[messages.length - 1]!.context.push({ file: context[1]!, line: Number(context[2]), message: context[3]! });
      continue;
    }
    const full = NASM_LINE.exec(line);
    if (full) {
      messages.push({ file: full[1]!, line: Number(full[2]), severity: severityOf(full[3]!), message: full[4]!, context: [] });
      continue;
    }
    const fileless = NASM_FILELESS.exec(line);
    messages.push({
      file: '', line: 0,
      severity: fileless ? severityOf(fileless[1]!) : 'error',
      message: fileless ? fileless[2]! : line,
      context: [],
    });
  }
  return messages;
}

// ld: `/path/file.asm:6: undefined reference to `x'` after an `ld: obj.o: in function ...` line.
const LD_LOCATED = /^(.+?):(\d+): (.*)$/s;

/** Parses ld's stderr into messages; located ones name the source file and line from DWARF. */
export function parseLinkerMessages(stderr: string, knownFiles: readonly string[] = []): ToolMessage[] {
  const messages: ToolMessage[] = [];
  for (const raw of splitToolOutput(stderr, knownFiles)) {
    const line = raw.trimEnd();
    if (!line.trim() || /: in function [`'].*':$/s.test(line)) continue;
    const located = LD_LOCATED.exec(line);
    if (located && !line.startsWith('ld:')) {
      messages.push({ file: located[1]!, line: Number(located[2]), severity: 'error', message: located[3]!, context: [] });
    } else {
      const text = line.replace(/^(\S*\/)?ld(\.bfd)?: /, '');
      // `NOTE: ...` follows a warning (the executable stack of an object without .note.GNU-stack).
      const severity = /warning:/.test(text) ? 'warning' : /^NOTE:/.test(text) ? 'info' : 'error';
      messages.push({ file: '', line: 0, severity, message: text, context: [] });
    }
  }
  return messages;
}

/** Where a build message shows as a diagnostic: a file, a 1-based line (0: none), and related places. */
export interface MessagePlace {
  file: string;
  line: number;
  message: string;
  severity: ToolMessage['severity'];
  related: { file: string; line: number; message: string }[];
  /** The message again at a macro's body line (its invocation shows it first). */
  echo: boolean;
}

/**
 * The places a build's messages show at: `resolve` names each file nasm printed (`source` is the file
 * of messages that name none; `resolve` gets it as the base). A message
 * from inside a macro shows twice: at the invocation (the body lines nasm named as related places) and
 * at the innermost body line, where the code to fix is (the invocation as its related place).
 */
export function messagePlaces(messages: readonly ToolMessage[], source: string, resolve: (base: string, file: string) => string): MessagePlace[] {
  const fileOf = (name: string) => (name ? resolve(source, name) : source);
  const places: MessagePlace[] = [];
  for (const message of messages) {
    const file = fileOf(message.file);
    const related = message.context.map((c) => ({ file: fileOf(c.file), line: c.line, message: c.message }));
    places.push({ file, line: message.line, message: message.message, severity: message.severity, related, echo: false });
    const body = related.at(-1);
    if (body && body.line > 0) {
      places.push({
        file: body.file, line: body.line, severity: message.severity,
        message: `${message.message} (expanded at ${path.basename(file)}:${message.line})`,
        related: [{ file, line: message.line, message: 'the macro is invoked here' }], echo: true,
      });
    }
  }
  return places;
}
