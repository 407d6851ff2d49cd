// Node-only: reads the one-line description of a syscall from the locally installed man page at run
// time, for syscalls our own summaries do not cover. Kept out of ./index so browser bundles never
// pull in child_process. Man-page text is read on the user's machine, never shipped.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';

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
  const path = await manPagePath(name);
  if (!path) return undefined;
  const raw = await readFile(path);
  const text = path.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  return nameLineDescription(text);
}

/** `man -w 2 NAME` prints the page's file, following `.so` links; no shell involved. */
function manPagePath(name: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('man', ['-w', '2', name], { timeout: 5000, shell: false }, (error, stdout) => {
      const path = stdout.trim().split('\n')[0];
      resolve(error || !path ? undefined : path);
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
