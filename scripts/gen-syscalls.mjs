// Generates syscalls/data/{x86_64,i386}.json from a Linux source tarball (dev-time only, never shipped).
//
//   node scripts/gen-syscalls.mjs [--tarball /usr/src/linux-source-6.12.tar.xz] [--out syscalls/data]
//                                 [--keep DIR]   keep the extracted sources in DIR
//                                 [--source DIR] read a tree kept earlier instead of the tarball
//
// Numbers and entry points come from arch/x86/entry/syscalls/syscall_{64,32}.tbl; parameter names and
// types from the SYSCALL_DEFINEn(...) definitions, choosing per ABI the one the x86 build compiles.
// Output is deterministic: everything is sorted and nothing depends on time or the machine.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';

const DEFAULT_TARBALL = '/usr/src/linux-source-6.12.tar.xz';

/** Directories whose .c files hold SYSCALL_DEFINE definitions. */
const SOURCE_DIRS = ['arch/x86', 'block', 'drivers/char', 'drivers/pci', 'fs', 'io_uring', 'ipc', 'kernel', 'mm', 'net', 'security'];

/** Files that implement the same syscalls for configurations x86 never builds. */
const EXCLUDED_FILES = [
  /^arch\/x86\/um\//,            // user-mode Linux
  /^mm\/nommu\.c$/,              // CONFIG_MMU=n
  /^kernel\/time\/posix-stubs\.c$/, // CONFIG_POSIX_TIMERS=n
  /^kernel\/sys_ni\.c$/,
];

// The preprocessor symbols that decide between alternative definitions, per ABI. Facts from
// arch/x86/Kconfig (CLONE_BACKWARDS only on X86_32) and arch/x86/include/asm/unistd.h (__ARCH_WANT_*).
const COMMON_TRUE = [
  'CONFIG_X86', 'CONFIG_MMU', 'CONFIG_POSIX_TIMERS', '__ARCH_WANT_NEW_STAT', '__ARCH_WANT_OLD_READDIR',
  '__ARCH_WANT_OLD_STAT', '__ARCH_WANT_SYS_ALARM', '__ARCH_WANT_SYS_FADVISE64', '__ARCH_WANT_SYS_GETHOSTNAME',
  '__ARCH_WANT_SYS_GETPGRP', '__ARCH_WANT_SYS_NICE', '__ARCH_WANT_SYS_OLDUMOUNT', '__ARCH_WANT_SYS_OLD_GETRLIMIT',
  '__ARCH_WANT_SYS_OLD_UNAME', '__ARCH_WANT_SYS_PAUSE', '__ARCH_WANT_SYS_SIGNAL', '__ARCH_WANT_SYS_SIGPENDING',
  '__ARCH_WANT_SYS_SIGPROCMASK', '__ARCH_WANT_SYS_SOCKETCALL', '__ARCH_WANT_SYS_TIME32', '__ARCH_WANT_SYS_UTIME32',
  '__ARCH_WANT_SYS_WAITPID', '__ARCH_WANT_SYS_FORK', '__ARCH_WANT_SYS_VFORK', '__ARCH_WANT_SYS_CLONE',
  '__ARCH_WANT_SYS_CLONE3',
];
const CONFIG = {
  x86_64: {
    true: [...COMMON_TRUE, 'CONFIG_X86_64', 'CONFIG_64BIT', 'CONFIG_COMPAT', 'CONFIG_IA32_EMULATION'],
    false: ['CONFIG_X86_32', 'CONFIG_CLONE_BACKWARDS', 'CONFIG_CLONE_BACKWARDS2', 'CONFIG_CLONE_BACKWARDS3',
      'CONFIG_ODD_RT_SIGACTION', '__ARCH_WANT_STAT64', '__ARCH_WANT_SYS_IPC', '__ARCH_WANT_SYS_OLD_MMAP',
      '__ARCH_WANT_SYS_OLD_SELECT'],
  },
  i386: {
    true: [...COMMON_TRUE, 'CONFIG_X86_32', 'CONFIG_CLONE_BACKWARDS', '__ARCH_WANT_STAT64', '__ARCH_WANT_SYS_IPC',
      '__ARCH_WANT_SYS_OLD_MMAP', '__ARCH_WANT_SYS_OLD_SELECT', '__ARCH_WANT_SYS_TIME', '__ARCH_WANT_SYS_UTIME'],
    false: ['CONFIG_X86_64', 'CONFIG_64BIT', 'CONFIG_COMPAT', 'CONFIG_CLONE_BACKWARDS2', 'CONFIG_CLONE_BACKWARDS3',
      'CONFIG_ODD_RT_SIGACTION'],
  },
};

/** The kernel returns `long` for every syscall; these carry an address in it. */
const ADDRESS_RESULTS = new Set(['mmap', 'mmap2', 'mremap', 'shmat', 'brk']);

/** x32 system calls live at 512..547 in syscall_64.tbl and are not part of the x86-64 ABI. */
const isX32Only = (row) => row.abi === 'x32';

function parseArgs(argv) {
  const options = { tarball: DEFAULT_TARBALL, out: 'syscalls/data', keep: undefined, source: undefined };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (['--tarball', '--out', '--keep', '--source'].includes(flag) && argv[i + 1]) options[flag.slice(2)] = argv[++i];
    else throw new Error(`unknown option ${flag}; usage: gen-syscalls.mjs [--tarball FILE] [--out DIR] [--keep DIR | --source DIR]`);
  }
  return options;
}

/** Extracts only the files we read; the tarball's top directory name is not assumed. */
function extract(tarball, into) {
  try {
    statSync(tarball);
  } catch {
    throw new Error(`${tarball} not found: sudo apt-get install linux-source-6.12 (or pass --tarball FILE)`);
  }
  const patterns = SOURCE_DIRS.map((dir) => `*/${dir}/*.c`);
  const args = ['-xJf', tarball, '-C', into, '--wildcards',
    '--no-wildcards-match-slash', '*/Makefile',
    '--wildcards-match-slash', '*/arch/x86/entry/syscalls/syscall_*.tbl', ...patterns];
  const result = spawnSync('tar', args, { shell: false, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.error) throw new Error(`cannot run tar: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`tar failed (${result.status}): ${result.stderr.trim()}`);
  const [top] = readdirSync(into);
  if (!top) throw new Error(`${tarball} holds no kernel tree`);
  return join(into, top);
}

function kernelVersion(root) {
  const makefile = readFileSync(join(root, 'Makefile'), 'utf8');
  const field = (name) => (makefile.match(new RegExp(`^${name}[ \\t]*=[ \\t]*(\\S*)`, 'm')) ?? [])[1] ?? '';
  return `${field('VERSION')}.${field('PATCHLEVEL')}.${field('SUBLEVEL')}${field('EXTRAVERSION')}`;
}

function parseTable(text) {
  const rows = [];
  for (const line of text.split('\n')) {
    const trimmed = line.replace(/#.*/, '').trim();
    if (!trimmed) continue;
    const [number, abi, name, entry, compat, flag] = trimmed.split(/\s+/);
    rows.push({ number: Number(number), abi, name, entry: entry ?? null, compat: compat ?? null,
      noReturn: flag === 'noreturn' || compat === 'noreturn' });
  }
  return rows;
}

function walk(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.c')) out.push(path);
  }
  return out;
}

const DEFINE = /^(COMPAT_SYSCALL|SYSCALL32|SYSCALL)_DEFINE([0-6])\(/;

/** Every SYSCALL_DEFINE in a file with the #if conditions around it. */
function definitionsIn(path, file) {
  const text = readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '));
  const lines = text.split('\n');
  const conditions = []; // stack of { branches: string[] } — the current branch is the last element
  const found = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const directive = line.match(/^\s*#\s*(ifdef|ifndef|if|elif|else|endif)\b\s*(.*)$/);
    if (directive) {
      let [, kind, rest] = directive;
      rest = rest.replace(/\/\/.*$/, '').trim();
      while (rest.endsWith('\\') && i + 1 < lines.length) rest = rest.slice(0, -1) + ' ' + lines[++i].trim();
      if (kind === 'ifdef') conditions.push([`defined(${rest})`]);
      else if (kind === 'ifndef') conditions.push([`!defined(${rest})`]);
      else if (kind === 'if') conditions.push([`(${rest})`]);
      else if (kind === 'elif' && conditions.length) {
        const frame = conditions.at(-1);
        frame.push(`(${rest})`);
      } else if (kind === 'else' && conditions.length) conditions.at(-1).push('else');
      else if (kind === 'endif') conditions.pop();
      continue;
    }
    const match = line.match(DEFINE);
    if (!match) continue;
    let body = line.slice(match[0].length);
    let depth = 1;
    let text = '';
    for (let j = i; ; ) {
      for (const ch of body) {
        if (ch === '(') depth++;
        else if (ch === ')' && --depth === 0) break;
        text += ch;
      }
      if (depth === 0 || ++j >= lines.length) break;
      body = ' ' + lines[j].replace(/\/\/.*$/, '');
      i = j;
    }
    const parts = splitTopLevel(text);
    const name = parts.shift().trim();
    const params = [];
    for (let k = 0; k + 1 < parts.length; k += 2) params.push({ type: cleanType(parts[k]), name: parts[k + 1].trim() });
    found.push({
      macro: match[1], count: Number(match[2]), name, params, file,
      conditions: conditions.map((frame) => frame.slice()),
    });
  }
  return found;
}

function splitTopLevel(text) {
  const parts = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

/** `const char __user *const __user *` → `const char *const *`. */
function cleanType(raw) {
  return raw
    .replace(/\b(__user|__force|__iomem|__kernel_ulong_t_unused)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/\s*\*\s*/g, ' *')
    .replace(/\*\s+(?=\*)/g, '*')
    .replace(/\*\s+const\b/g, '*const')
    .trim();
}

/** Three-valued evaluation of a preprocessor expression: true, false or undefined (unknown). */
function evaluate(expression, config) {
  const tokens = expression.match(/defined\s*\(\s*\w+\s*\)|defined\s+\w+|IS_ENABLED\s*\(\s*\w+\s*\)|\w+|&&|\|\||!|\(|\)|\S/g) ?? [];
  let pos = 0;
  const symbol = (name) => (config.true.includes(name) ? true : config.false.includes(name) ? false : undefined);
  const not = (v) => (v === undefined ? undefined : !v);
  const and = (a, b) => (a === false || b === false ? false : a === true && b === true ? true : undefined);
  const or = (a, b) => (a === true || b === true ? true : a === false && b === false ? false : undefined);
  function primary() {
    const token = tokens[pos++];
    if (token === undefined) return undefined;
    if (token === '!') return not(primary());
    if (token === '(') {
      const value = disjunction();
      if (tokens[pos] === ')') pos++;
      return value;
    }
    const named = token.match(/^(?:defined|IS_ENABLED)\s*\(?\s*(\w+)/);
    if (named) return symbol(named[1]);
    if (/^\d+$/.test(token)) return Number(token) !== 0;
    return symbol(token);
  }
  function conjunction() {
    let value = primary();
    while (tokens[pos] === '&&') {
      pos++;
      value = and(value, primary());
    }
    return value;
  }
  function disjunction() {
    let value = conjunction();
    while (tokens[pos] === '||') {
      pos++;
      value = or(value, conjunction());
    }
    return value;
  }
  return disjunction();
}

/** Whether the current branch of every enclosing #if is taken: true, false or undefined. */
function compiled(definition, config) {
  let result = true;
  for (const frame of definition.conditions) {
    // The branch we are in is the last one; earlier branches must all be false for it to be taken.
    let taken = frame.at(-1) === 'else' ? true : evaluate(frame.at(-1), config);
    for (const earlier of frame.slice(0, -1)) {
      const value = evaluate(earlier, config);
      taken = value === true ? false : value === undefined && taken !== false ? undefined : taken;
    }
    if (taken === false) return false;
    if (taken === undefined) result = undefined;
  }
  return result;
}

/** arch/x86 splits 32- and 64-bit code by file name; SYSCALL32_DEFINE is the i386 flavour. */
function builtFor(definition, abi) {
  const other = abi === 'x86_64' ? /^arch\/x86\/.*_32\.c$/ : /^arch\/x86\/.*_64\.c$/;
  if (other.test(definition.file)) return false;
  return !(abi === 'x86_64' && definition.macro === 'SYSCALL32');
}

/** Picks the definition of `name` the x86 build of this ABI compiles: arch/x86 first, then generic code. */
function chooseDefinition(candidates, abi, config) {
  const ranked = candidates
    .filter((definition) => builtFor(definition, abi))
    .map((definition) => ({ definition, compiled: compiled(definition, config) }))
    .filter((c) => c.compiled !== false)
    .sort((a, b) => rank(a) - rank(b));
  return ranked[0]?.definition;
  function rank(c) {
    return (c.definition.file.startsWith('arch/x86/') ? 0 : 2) + (c.compiled === true ? 0 : 1);
  }
}

function buildIndex(root) {
  const byMacroAndName = new Map();
  for (const dir of SOURCE_DIRS) {
    let files;
    try {
      files = walk(join(root, dir));
    } catch {
      continue;
    }
    for (const path of files) {
      const file = relative(root, path);
      if (EXCLUDED_FILES.some((re) => re.test(file))) continue;
      for (const definition of definitionsIn(path, file)) {
        const key = `${definition.macro === 'COMPAT_SYSCALL' ? 'compat_sys_' : 'sys_'}${definition.name}`;
        if (!byMacroAndName.has(key)) byMacroAndName.set(key, []);
        byMacroAndName.get(key).push(definition);
      }
    }
  }
  return byMacroAndName;
}

/** Our categories (syscalls/data/categories.json): the first rule whose pattern matches the whole name. */
function categorizer(rules) {
  const compiled = rules.map(([category, patterns]) => [category, new RegExp(`^(?:${patterns.join('|')})$`)]);
  return (name) => compiled.find(([, re]) => re.test(name))?.[0] ?? 'other';
}

function generate(abi, rows, index, summaries, categorize, unresolved) {
  const config = CONFIG[abi];
  return rows
    .filter((row) => !(abi === 'x86_64' && isX32Only(row)))
    .sort((a, b) => a.number - b.number)
    .map((row) => {
      const definition = row.entry && row.entry !== 'sys_ni_syscall' ? chooseDefinition(index.get(row.entry) ?? [], abi, config) : undefined;
      if (row.entry && row.entry !== 'sys_ni_syscall' && !definition) unresolved.push(`${abi} ${row.number} ${row.name} (${row.entry})`);
      const entry = {
        number: row.number,
        name: row.name,
        entry: row.entry,
        params: definition ? definition.params : [],
        returns: ADDRESS_RESULTS.has(row.name) ? 'unsigned long' : 'long',
        category: categorize(row.name),
      };
      if (definition) entry.source = definition.file;
      if (row.noReturn) entry.noReturn = true;
      if (summaries[row.name]) entry.summary = summaries[row.name];
      return entry;
    });
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const work = options.keep ?? mkdtempSync(join(tmpdir(), 'gen-syscalls-'));
  try {
    if (options.keep) mkdirSync(options.keep, { recursive: true });
    const root = options.source ?? extract(options.tarball, work);
    const version = kernelVersion(root);
    const index = buildIndex(root);
    const data = (name) => JSON.parse(readFileSync(new URL(`../syscalls/data/${name}`, import.meta.url), 'utf8'));
    const summaries = data('summaries.json');
    const categorize = categorizer(data('categories.json').rules);
    const tables = {
      x86_64: parseTable(readFileSync(join(root, 'arch/x86/entry/syscalls/syscall_64.tbl'), 'utf8')),
      i386: parseTable(readFileSync(join(root, 'arch/x86/entry/syscalls/syscall_32.tbl'), 'utf8')),
    };
    const unresolved = [];
    mkdirSync(options.out, { recursive: true });
    for (const abi of ['x86_64', 'i386']) {
      const syscalls = generate(abi, tables[abi], index, summaries, categorize, unresolved);
      const document = { abi, kernel: version, source: basename(options.tarball), syscalls };
      writeFileSync(join(options.out, `${abi}.json`), JSON.stringify(document, null, 1) + '\n');
      console.log(`${abi}: ${syscalls.length} syscalls from Linux ${version}`);
    }
    for (const line of unresolved) console.warn(`no SYSCALL_DEFINE found for ${line}`);
  } finally {
    if (!options.keep) rmSync(work, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  console.error(`gen-syscalls: ${error.message}`);
  process.exit(1);
}
