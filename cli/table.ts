// `syscall-lens table`: the syscall table on the terminal. Lists (filtered) rows, or describes the
// syscalls named on the command line; --json prints one JSON object per line for jq and friends.
import {
  abiLabel, allSyscalls, CALLING_CONVENTIONS, declaration, likelyErrnos, lookupSyscall, lookupSyscallByName, resultText, signature,
  tableOrigin, SYSCALL_CATEGORIES, isImplemented, nearestSyscallNames, parseSyscallQuery, searchSyscalls,
  type Abi, type SyscallInfo, type SyscallLookup,
} from '../syscalls';
import { manPageErrorsOf } from '../syscalls/manpage';
import { answerUsage, type Subcommand } from './subcommand';

export const TABLE_HELP = `Usage: syscall-lens table [options] [NAME|NUMBER...]

Without NAME or NUMBER, lists the syscalls (number, name, category, parameters), one per line.
With them, describes each: signature, registers, what it returns, the errors it can return.

  syscall-lens table --category memory
  syscall-lens table --search fd | head
  syscall-lens table write 60 0x3c
  syscall-lens table --abi i386 --json exit | jq .number

Options:
  --abi x86_64|i386     which table (default x86_64; also x86-64, amd64, x86, 32)
  --search WORDS        keep rows matching every word: a number (60, 0x3c), part of a name,
                        a category name, cat:CATEGORY, or arg:TEXT (a parameter name or type)
  --category NAME       keep one category: ${SYSCALL_CATEGORIES.join(', ')}
  --implemented         leave out syscalls the kernel does not implement
  --json                one JSON object per line (number, name, abi, category, implemented,
                        params with their registers, returns, entry, source, summary, noReturn,
                        errors, errorsSource, man)
  --no-header           leave out the header line of the list
  -h, --help            show this help

Errors are those the ERRORS section of the local man page lists (man 2 NAME); when that page is
not installed, the likely ones (marked "likely").

Exit status: 0 when something was printed, 1 when a NAME or NUMBER is unknown or nothing
matched, 2 for wrong usage.`;

const ABI_NAMES: Record<string, Abi> = { x86_64: 'x86_64', 'x86-64': 'x86_64', amd64: 'x86_64', '64': 'x86_64', i386: 'i386', x86: 'i386', '32': 'i386' };

interface Options {
  abi: Abi;
  search: string;
  category: string | undefined;
  implementedOnly: boolean;
  json: boolean;
  header: boolean;
  names: string[];
}

function parseOptions(argv: string[]): Options | 'help' | string {
  const options: Options = { abi: 'x86_64', search: '', category: undefined, implementedOnly: false, json: false, header: true, names: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '-h': case '--help': return 'help';
      case '--json': options.json = true; break;
      case '--no-header': options.header = false; break;
      case '--implemented': options.implementedOnly = true; break;
      case '--abi': {
        const given = value();
        const abi = given === undefined ? undefined : ABI_NAMES[given.toLowerCase()];
        if (!abi) return `--abi needs x86_64 or i386${given === undefined ? '' : ` (not "${given}")`}`;
        options.abi = abi;
        break;
      }
      case '--search': {
        const given = value();
        if (given === undefined) return '--search needs WORDS';
        options.search = `${options.search} ${given}`;
        break;
      }
      case '--category': {
        const given = value()?.toLowerCase();
        if (!given || !(SYSCALL_CATEGORIES as readonly string[]).includes(given)) {
          return `--category needs one of ${SYSCALL_CATEGORIES.join(', ')}${given ? ` (not "${given}")` : ''}`;
        }
        options.category = given;
        break;
      }
      case '--':
        options.names.push(...argv.slice(i + 1));
        i = argv.length;
        break;
      default:
        if (arg.startsWith('-') && !/^-?\d/.test(arg)) return `unknown option "${arg}"`;
        options.names.push(arg);
    }
  }
  return options;
}

/** A NAME (write, SYS_write, __NR_write) or NUMBER (1, 0x1). */
function lookup(abi: Abi, word: string): SyscallLookup {
  if (/^(0x[0-9a-f]+|\d+)$/i.test(word)) return lookupSyscall(abi, Number(word));
  return lookupSyscallByName(abi, word);
}

interface Errors { names: string[]; source: 'man' | 'likely' }

/** Each syscall's errors: its man page's ERRORS section when installed, else the likely ones. */
async function errorsOf(syscalls: readonly SyscallInfo[]): Promise<Errors[]> {
  const fromMan = await manPageErrorsOf(syscalls.filter((s) => isImplemented(s) && !s.noReturn).map((s) => s.name));
  return syscalls.map((syscall): Errors => {
    if (!isImplemented(syscall)) return { names: ['ENOSYS'], source: 'likely' };
    if (syscall.noReturn) return { names: [], source: 'likely' };
    const listed = fromMan.get(syscall.name);
    return listed?.length ? { names: listed, source: 'man' } : { names: likelyErrnos(syscall), source: 'likely' };
  });
}

function jsonRecord(syscall: SyscallInfo, errors: Errors): string {
  const registers = CALLING_CONVENTIONS[syscall.abi].argumentRegisters;
  return JSON.stringify({
    number: syscall.number,
    name: syscall.name,
    abi: syscall.abi,
    category: syscall.category,
    implemented: isImplemented(syscall),
    params: syscall.params.map((param, i) => ({ name: param.name, type: param.type, register: registers[i] ?? null })),
    returns: syscall.returns,
    entry: syscall.entry,
    source: syscall.source ?? null,
    summary: syscall.summary ?? null,
    noReturn: syscall.noReturn ?? false,
    errors: errors.names,
    errorsSource: errors.source,
    man: syscall.manUrl,
  });
}

function listLine(syscall: SyscallInfo, widths: { number: number; name: number }): string {
  const params = syscall.params.map(declaration).join(', ');
  const implemented = isImplemented(syscall) ? '' : '  (not implemented)';
  return `${String(syscall.number).padStart(widths.number)}  ${syscall.name.padEnd(widths.name)}  ${syscall.category.padEnd(11)}  ${params}${implemented}`.trimEnd();
}

function describe(syscall: SyscallInfo, errors: Errors): string {
  const convention = CALLING_CONVENTIONS[syscall.abi];
  const { kernel } = tableOrigin(syscall.abi);
  const lines = [
    `${syscall.name} — ${abiLabel(syscall.abi)} syscall ${syscall.number} (${syscall.category})`,
    `  ${signature(syscall)};`,
  ];
  if (syscall.summary) lines.push(`  ${syscall.summary}`);
  lines.push('', `  ${convention.numberRegister.padEnd(4)} ${syscall.number}`);
  syscall.params.forEach((param, i) => lines.push(`  ${(convention.argumentRegisters[i] ?? 'stack').padEnd(4)} ${declaration(param)}`));
  lines.push('');
  lines.push(`  ${resultText(syscall)}`);
  if (errors.names.length && isImplemented(syscall)) {
    lines.push(`  errors${errors.source === 'likely' ? ' (likely)' : ''}: ${errors.names.join(', ')}`);
  }
  if (syscall.entry) lines.push(`  kernel: ${syscall.entry}${syscall.source ? ` in ${syscall.source}` : ''} (Linux ${kernel})`);
  lines.push(`  man 2 ${syscall.manUrl.match(/man2\/(\w+)\.2/)?.[1] ?? syscall.name}`);
  return lines.join('\n');
}

/** Writes to stdout; a reader that went away (`| head`) ends the command quietly. */
function writer(): (text: string) => boolean {
  let closed = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') closed = true;
    else throw error;
  });
  return (text) => {
    if (!closed) process.stdout.write(text);
    return !closed;
  };
}

export const tableCommand: Subcommand = {
  async run(argv) {
    const options = parseOptions(argv);
    const usage = answerUsage('table', TABLE_HELP, options);
    if (usage !== undefined || typeof options === 'string') return usage ?? 2;
    const write = writer();
    if (options.names.length) {
      let status = 0;
      let first = true;
      for (const word of options.names) {
        const found = lookup(options.abi, word);
        if (!found.known) {
          const near = nearestSyscallNames(allSyscalls(options.abi), word);
          process.stderr.write(`syscall-lens table: ${found.message} in the ${abiLabel(options.abi)} table` +
            `${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}\n`);
          status = 1;
          continue;
        }
        const [errors] = await errorsOf([found.syscall]);
        const text = options.json ? jsonRecord(found.syscall, errors!) : `${first ? '' : '\n'}${describe(found.syscall, errors!)}`;
        first = false;
        if (!write(text + '\n')) break;
      }
      return status;
    }
    const query = parseSyscallQuery(`${options.search} ${options.category ? `cat:${options.category}` : ''}`, { implementedOnly: options.implementedOnly });
    const rows = searchSyscalls(allSyscalls(options.abi), query);
    if (!rows.length) {
      process.stderr.write(`syscall-lens table: no ${abiLabel(options.abi)} syscall matches "${options.search.trim() || options.category}"\n`);
      return 1;
    }
    if (options.json) {
      const errors = await errorsOf(rows);
      rows.forEach((syscall, i) => write(jsonRecord(syscall, errors[i]!) + '\n'));
      return 0;
    }
    const widths = { number: Math.max(3, ...rows.map((s) => String(s.number).length)), name: Math.max(4, ...rows.map((s) => s.name.length)) };
    if (options.header) write(`${'NR'.padStart(widths.number)}  ${'NAME'.padEnd(widths.name)}  ${'CATEGORY'.padEnd(11)}  PARAMETERS\n`);
    for (const syscall of rows) if (!write(listLine(syscall, widths) + '\n')) break;
    return 0;
  },
};
