// `syscall-lens bytes`: the machine code behind every line of a NASM source, from nasm's own
// listing, with the shellcode checks (length, bad bytes, absolute addresses).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listingSymbolSections } from '../nasm/labelPlaces';
import { bytesByLine, formatLineBytes, parseListing } from '../nasm/listing';
import {
  checkShellcode, describeShellcodeFinding, parseByteList, shellcodeAs, shellcodeBlock, shellcodeModeOf, type ShellcodeForm,
} from '../nasm/shellcode';
import { applyShellcodeFix, fixContext, fixHoldsUp, shellcodeFixes, type ProvenFix, type ShellcodeFix } from '../nasm/shellcodeFixes';
import { assembleListing, describeBuildFailure, type OutputFormat } from '../toolchain/build';
import { resolveBuildOptions } from '../toolchain/options';
import { ToolNotFoundError } from '../toolchain/tools';
import { answerUsage, type Subcommand } from './subcommand';

export const BYTES_HELP = `Usage: syscall-lens bytes [options] FILE.asm

Assembles FILE with nasm (nothing is linked or run) and prints the machine code of every source
line from nasm's own listing: a macro call shows the bytes of its whole expansion, a %rep block
the bytes of each line's copies.

  hello.asm:12     5  b8 01 00 00 00                  mov eax, 1

Options:
  --shellcode      also check it as shellcode: the bytes nasm wrote that a string copy would cut
                   at (NUL, or --bad), and absolute addresses (not position-independent). A
                   '; syscall-lens: shellcode [bad=00,0a]' comment in FILE turns this on too.
  --bad LIST       the bad bytes in hex, e.g. 00,0a,0d,20 (default 00); implies --shellcode
  --fix            for a 'mov reg, imm' with bad bytes, print rewrites (xor, push/pop, mov to
                   the low byte), each proven by re-assembling the file without the bad byte;
                   implies --shellcode
  --as FORM        print only the bytes, to paste into a program: string ("\x6a\x3c…"),
                   c (an unsigned char array) or python (a bytes literal)
  --format F       nasm output format: bin, elf64 or elf32 (default: elf32 for 'bits 32', else elf64);
                   with bin, relocated fields hold their final value and are checked too
  -I DIR           an extra %include directory (repeatable)
  --json           one JSON object per line, then a summary object
  -h, --help       show this help

Exit status: 0 when FILE assembled (and, with shellcode checks, nothing was found), 1 when it did
not, 2 for wrong usage, 3 when a shellcode check found something.`;

interface Options {
  json: boolean;
  as?: ShellcodeForm;
  shellcode: boolean;
  fix: boolean;
  badBytes?: number[];
  format?: OutputFormat | 'bin';
  includePaths: string[];
  file: string;
}

function parseOptions(argv: string[]): Options | string {
  const options: Omit<Options, 'file'> = { json: false, shellcode: false, fix: false, includePaths: [] };
  let file: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    if (flag === '-h' || flag === '--help') return 'help';
    else if (flag === '--json') options.json = true;
    else if (flag === '--shellcode') options.shellcode = true;
    else if (flag === '--fix') options.fix = options.shellcode = true;
    else if (flag === '--as') {
      const form = value();
      if (form !== 'string' && form !== 'c' && form !== 'python') return '--as needs string, c or python';
      options.as = form;
    }
    else if (flag === '--bad') {
      const bytes = parseByteList(value() ?? '');
      if (!bytes?.length) return '--bad needs a list of bytes in hex, e.g. 00,0a,0d';
      options.badBytes = bytes;
      options.shellcode = true;
    } else if (flag === '--format') {
      const format = value();
      if (format !== 'bin' && format !== 'elf64' && format !== 'elf32') return '--format needs bin, elf64 or elf32';
      options.format = format;
    } else if (flag === '-I' || /^-I./.test(arg)) {
      const dir = arg === '-I' ? argv[++i] : arg.slice(2);
      if (!dir) return '-I needs a folder';
      options.includePaths.push(dir);
    } else if (arg.startsWith('-') && arg !== '-') return `unknown option "${arg}"`;
    else if (file) return `one FILE only ("${file}" and "${arg}")`;
    else file = arg;
  }
  if (!file) return 'missing FILE';
  return { ...options, file };
}

/**
 * Re-assembles the file with `line` replaced by the fix and keeps the fix only if its lines have no
 * bad byte (fixHoldsUp). The copy lives in a private temporary folder; the original's folder stays
 * on the include path.
 */
export async function proveShellcodeFix(
  source: string, text: string, line: number, fix: ShellcodeFix,
  options: { includePaths: string[]; format?: OutputFormat | 'bin'; badBytes?: readonly number[] },
): Promise<ProvenFix | undefined> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-fix-'));
  try {
    const copy = path.join(dir, path.basename(source));
    writeFileSync(copy, applyShellcodeFix(text, line, fix));
    const assembled = await assembleListing({ source: copy, includePaths: [path.dirname(source), ...options.includePaths], format: options.format });
    if (!assembled.ok) return undefined;
    return fixHoldsUp(parseListing(assembled.listing), line, fix, { badBytes: options.badBytes, relocationsFinal: assembled.format === 'bin' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const bytesCommand: Subcommand = {
  async run(argv) {
    const options = parseOptions(argv);
    const usage = answerUsage('bytes', BYTES_HELP, options);
    if (usage !== undefined || typeof options === 'string') return usage ?? 2;
    const cwd = process.cwd();
    const source = path.resolve(options.file);
    let text: string;
    try {
      text = readFileSync(source, 'utf8');
    } catch (error) {
      process.stderr.write(`syscall-lens bytes: cannot read ${options.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
      return 1;
    }
    const build = resolveBuildOptions({ includePaths: options.includePaths }, cwd, source);
    let assembled;
    try {
      assembled = await assembleListing({ source, ...build, format: options.format });
    } catch (error) {
      if (error instanceof ToolNotFoundError) {
        process.stderr.write(`syscall-lens bytes: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
    if (!assembled.ok) {
      const failure = describeBuildFailure({ ok: false, program: '', format: 'elf64', messages: assembled.messages, steps: [] });
      process.stderr.write(`syscall-lens bytes: ${failure.replace(/^Build failed/, 'nasm failed')}\n`);
      return 1;
    }
    const records = parseListing(assembled.listing);
    if (options.as) {
      const block = shellcodeBlock(records);
      if ('problem' in block) {
        process.stderr.write(`syscall-lens bytes: ${block.problem}\n`);
        return 1;
      }
      process.stdout.write(shellcodeAs(block.bytes, options.as) + '\n');
      return 0;
    }
    const mode = shellcodeModeOf(text);
    const checking = options.shellcode || mode !== undefined;
    const report = checkShellcode(records, {
      badBytes: options.badBytes ?? mode?.badBytes, relocationsFinal: assembled.format === 'bin', symbolSections: listingSymbolSections(assembled.listing),
    });
    const findings = checking ? report.findings : [];
    const sourceLines = text.split('\n');
    const fixes = new Map<number, ProvenFix[]>();
    if (options.fix) {
      for (const line of new Set(findings.filter((f) => f.kind === 'bad-byte').map((f) => f.line))) {
        const proven: ProvenFix[] = [];
        for (const fix of shellcodeFixes(sourceLines[line - 1] ?? '', fixContext(sourceLines, line - 1))) {
          const checked = await proveShellcodeFix(source, text, line, fix, { includePaths: build.includePaths, format: assembled.format, badBytes: options.badBytes ?? mode?.badBytes });
          if (checked) proven.push(checked);
        }
        if (proven.length) fixes.set(line, proven);
      }
    }
    const shownName = path.relative(cwd, source).startsWith('..') ? source : path.relative(cwd, source);
    const out: string[] = [];
    for (const entry of [...bytesByLine(records).values()].sort((a, b) => a.line - b.line)) {
      const own = findings.filter((f) => f.line === entry.line);
      if (options.json) {
        out.push(JSON.stringify({
          type: 'line', file: source, line: entry.line, size: entry.size, reserved: entry.reserved,
          records: entry.records.map((r) => ({
            section: r.section, offset: r.offset, bytes: r.bytes ? Buffer.from(r.bytes).toString('hex') : null,
            repeat: r.repeat, reserved: r.reserved, unshown: r.unshown, relocations: r.relocations,
          })),
          findings: own,
          ...(options.fix ? { fixes: fixes.get(entry.line) ?? [] } : {}),
        }));
        continue;
      }
      const where = `${shownName}:${entry.line}`;
      const code = (sourceLines[entry.line - 1] ?? '').trim();
      out.push(`${where.padEnd(16)} ${String(entry.size).padStart(5)}  ${formatLineBytes(entry, 16).padEnd(48)}  ${code}`);
      for (const finding of own) out.push(`${' '.repeat(24)}! ${describeShellcodeFinding(finding)}`);
      for (const fix of fixes.get(entry.line) ?? []) {
        out.push(`${' '.repeat(24)}fix: ${fix.title} — ${fix.size} bytes, none bad (re-assembled); ${fix.caveat}`);
      }
    }
    const sections = Object.fromEntries(report.sizes);
    const reserved = Object.fromEntries(report.reserved);
    if (options.json) {
      out.push(JSON.stringify({ type: 'summary', file: source, format: assembled.format, length: report.length, sections, reserved, unchecked: report.unchecked, findings: findings.length, shellcode: checking }));
    } else {
      const bySection = [...report.sizes].map(([name, size]) => `${name} ${size}`).join(', ');
      const reserved = [...report.reserved].map(([name, size]) => `; ${name} ${size} reserved`).join('');
      out.push(`total ${report.length} bytes (${bySection}${reserved})${report.unchecked ? `, ${report.unchecked} from incbin not checked` : ''}`);
      if (checking) {
        const bad = findings.filter((f) => f.kind === 'bad-byte').length;
        const absolute = findings.length - bad;
        out.push(findings.length ? `shellcode: ${bad} line${bad === 1 ? '' : 's'} with bad bytes, ${absolute} absolute address${absolute === 1 ? '' : 'es'}` : 'shellcode: no bad bytes, no absolute addresses');
      }
    }
    process.stdout.write(out.join('\n') + '\n');
    return checking && findings.length ? 3 : 0;
  },
};
