// Node-only: reads the one-line description of a syscall from the locally installed man page at run
// time, for syscalls our own summaries do not cover. Kept out of ./index so browser bundles never
// pull in child_process. Man-page text is read on the user's machine, never shipped.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { errnoByName } from './errno';
import { manPageName } from './table';

const cache = new Map<string, Promise<string | undefined>>();

/**
 * The NAME-line description of `man 2 NAME` ("open and possibly create a file"), or undefined when
 * man or the page is not installed. Never throws; results are cached per name.
 */
export function manPageSummary(name: string): Promise<string | undefined> {
  if (!/^\w+$/.test(name)) return Promise.resolve(undefined);
  let pending = cache.get(name);
  if (!pending) {
    pending = readSummary(name).catch(() => undefined);
    cache.set(name, pending);
  }
  return pending;
}

async function readSummary(name: string): Promise<string | undefined> {
  const roff = await readRoff(name);
  return roff === undefined ? undefined : nameLineDescription(roff);
}

/** The roff source of `man 2 NAME`, or undefined when man or the page is not installed. */
async function readRoff(name: string, knownPath?: string): Promise<string | undefined> {
  const path = knownPath ?? await manPagePath(name);
  if (!path) return undefined;
  const raw = await readFile(path);
  return path.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
}

/**
 * The errnos the ERRORS section of the syscall's local man page lists, in its order, or undefined
 * when the page is not installed. Never throws.
 */
export async function manPageErrors(syscallName: string): Promise<string[] | undefined> {
  return (await manPageErrorsOf([syscallName])).get(syscallName);
}

/** manPageErrors for many syscalls with one `man -w`; syscalls without an installed page are absent. */
export async function manPageErrorsOf(syscallNames: readonly string[]): Promise<Map<string, string[]>> {
  const pages = new Map(syscallNames.map((name) => [name, manPageName(name)]));
  const paths = await manPagePaths([...pages.values()]);
  const result = new Map<string, string[]>();
  const roffs = new Map<string, Promise<string | undefined>>();
  for (const [syscall, page] of pages) {
    const path = paths.get(page);
    if (!path) continue;
    if (!roffs.has(path)) roffs.set(path, readRoff(page, path).catch(() => undefined));
    const roff = await roffs.get(path);
    if (roff !== undefined) result.set(syscall, errorsSection(roff));
  }
  return result;
}

/** The E… names tagged in the ERRORS section (`.TP` then `.B EAGAIN` or `.BR EAGAIN " or " EWOULDBLOCK`). */
export function errorsSection(roff: string): string[] {
  const section = roff.match(/^\.SH ERRORS\s*\n([\s\S]*?)(?=^\.SH\b|(?![\s\S]))/m)?.[1] ?? '';
  const lines = section.split('\n');
  const names = new Set<string>();
  lines.forEach((line, i) => {
    if (!/^\.TP\b/.test(line)) return;
    const tag = lines[i + 1] ?? '';
    for (const word of tag.match(/\bE[A-Z0-9]{2,}\b/g) ?? []) if (errnoByName(word)) names.add(word);
  });
  return [...names];
}

/** Joins roff text lines into plain text: macros keep their words (`.BR open (),` → `open(),`), comments go. */
function plainText(lines: readonly string[]): string {
  const words: string[] = [];
  for (const line of lines) {
    if (/^\.\\"/.test(line) || /^\.(PP|P|LP|IP|RS|RE|in|br|sp|nf|fi)\b/.test(line)) continue;
    const macro = /^\.(B|I|BR|BI|IR|IB|RB|RI)\s+(.*)$/.exec(line);
    // Alternating-font macros join their arguments without spaces.
    const text = macro ? macro[1]!.length > 1 ? macro[2]!.replace(/"([^"]*)"/g, '$1').replace(/\s+/g, '') : macro[2]!.replace(/"/g, '') : line;
    words.push(text.replace(/\\f[BIRP]/g, '').replace(/\\-/g, '-').replace(/\\\(em/g, '—').replace(/\\ /g, ' ').replace(/\\&/g, ''));
  }
  return words.join(' ').replace(/\s+/g, ' ').trim();
}

/**
 * The reasons the ERRORS section gives for each errno (a page may give several per errno), as plain
 * text, first sentence of each. Read from the local page at run time; never shipped.
 */
export function errorReasons(roff: string): Map<string, string[]> {
  const section = roff.match(/^\.SH ERRORS\s*\n([\s\S]*?)(?=^\.SH\b|(?![\s\S]))/m)?.[1] ?? '';
  const lines = section.split('\n');
  const reasons = new Map<string, string[]>();
  for (let i = 0; i < lines.length; i++) {
    if (!/^\.TP\b/.test(lines[i]!)) continue;
    const names = (lines[i + 1]!.match(/\bE[A-Z0-9]{2,}\b/g) ?? []).filter((word) => errnoByName(word));
    let end = i + 2;
    while (end < lines.length && !/^\.(TP|SH|SS|PP|P|LP)\b/.test(lines[end]!)) end++;
    const text = plainText(lines.slice(i + 2, end));
    const sentence = /^.*?[.;:](?=\s|$)/.exec(text)?.[0] ?? text;
    if (sentence) for (const name of names) reasons.set(name, [...reasons.get(name) ?? [], sentence]);
    i = end - 1;
  }
  return reasons;
}

const reasonCache = new Map<string, Promise<Map<string, string[]> | undefined>>();

/** errorReasons of `man 2 NAME`, or undefined when the page is not installed. Never throws; cached. */
export function manPageErrorReasons(syscallName: string): Promise<Map<string, string[]> | undefined> {
  let pending = reasonCache.get(syscallName);
  if (!pending) {
    const page = manPageName(syscallName);
    pending = /^\w+$/.test(page) ? readRoff(page).then((roff) => (roff === undefined ? undefined : errorReasons(roff))).catch(() => undefined) : Promise.resolve(undefined);
    reasonCache.set(syscallName, pending);
  }
  return pending;
}

/** The rendered text of `man 2 NAME` at a width, as man prints it to a pipe; undefined when not installed. */
export function manPageText(syscallName: string, width = 80): Promise<string | undefined> {
  const name = manPageName(syscallName);
  if (!/^\w+$/.test(name)) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    execFile('man', ['2', name], {
      timeout: 10_000, shell: false, maxBuffer: 8 * 1024 * 1024,
      // No pager, no terminal bold/underline: plain text a view can show as it is.
      env: { ...process.env, MANWIDTH: String(width), MANPAGER: 'cat', PAGER: 'cat', MAN_KEEP_FORMATTING: '' },
    }, (error, stdout) => {
      const text = stdout.replace(/.\x08/g, '');
      resolve(error || !text.trim() ? undefined : text);
    });
  });
}

/** `man -w 2 NAME` prints the page's file, following `.so` links; no shell involved. */
async function manPagePath(name: string): Promise<string | undefined> {
  return (await manPagePaths([name])).get(name);
}

/**
 * The page files of several names from ONE `man -w 2 A B C…` (a table of 370 rows would otherwise
 * start 370 processes). man prints one path per page found, in order, and "No manual entry for X"
 * on stderr for the others (LC_ALL=C keeps that sentence English), which is how the two line up.
 */
export function manPagePaths(names: readonly string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(names)].filter((name) => /^\w+$/.test(name));
  if (!wanted.length) return Promise.resolve(new Map());
  return new Promise((resolve) => {
    execFile('man', ['-w', '2', ...wanted], { timeout: 10_000, shell: false, env: { ...process.env, LC_ALL: 'C' } }, (error, stdout, stderr) => {
      const missing = new Set([...String(stderr).matchAll(/^No manual entry for (\w+)/gm)].map((m) => m[1]!));
      const found = wanted.filter((name) => !missing.has(name));
      const paths = String(stdout).split('\n').filter(Boolean);
      const result = new Map<string, string>();
      // Anything else on stderr, or a count that does not line up, means we cannot pair them: none.
      if (paths.length === found.length && !(error && (error as { killed?: boolean }).killed)) {
        found.forEach((name, i) => result.set(name, paths[i]!));
      }
      resolve(result);
    });
  });
}

/** The text after `\-` in the NAME section, roff escapes removed. */
export function nameLineDescription(roff: string): string | undefined {
  const section = roff.match(/^\.SH NAME\s*\n([\s\S]*?)^\.(SH|SS)\b/m)?.[1];
  if (!section) return undefined;
  const line = section.split('\n').filter((l) => !l.startsWith('.')).join(' ');
  const description = line.split(/\\-|\s-\s/).slice(1).join('-');
  const cleaned = description.replace(/\\f[BIRP]|\\&|\\\(em/g, '').replace(/\\(.)/g, '$1').replace(/\s+/g, ' ').trim();
  return cleaned || undefined;
}
