// Reads the SYNOPSIS of Debian's section-2 man pages (manpages-dev) at test time and extracts the
// C prototypes, so parameter counts can be compared with the kernel definitions.
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';

export const MAN2_DIR = '/usr/share/man/man2';

export interface Prototype {
  name: string;
  params: string[];
  variadic: boolean;
  /** Written as `syscall(SYS_name, ...)`: the raw system call, no glibc wrapper. */
  raw: boolean;
}

/** The roff source of `name.2`, following `.so` links; undefined when not installed. */
export function manSource(name: string, depth = 0): string | undefined {
  const path = join(MAN2_DIR, `${name}.2.gz`);
  if (!existsSync(path) || depth > 3) return undefined;
  const text = gunzipSync(readFileSync(path)).toString('utf8');
  const link = text.match(/^\.so\s+man2\/(\S+)\.2\s*$/m);
  return link ? manSource(link[1]!, depth + 1) : text;
}

/** The SYNOPSIS section as plain C text, roff font macros and escapes removed. */
export function synopsisText(roff: string): string {
  const section = roff.match(/^\.SH SYNOPSIS\n([\s\S]*?)^\.SH /m)?.[1] ?? '';
  const joined = section.replace(/\\\n/g, ' ');
  const lines = joined.split('\n').map((line) => {
    if (/^\.(B|I|BI|IB|BR|RB|IR|RI)\b/.test(line)) {
      const body = line.replace(/^\.\w+\s*/, '');
      const tokens = body.match(/"[^"]*"|\S+/g) ?? [];
      return tokens.map((t) => (t.startsWith('"') ? t.slice(1, -1) : t)).join('');
    }
    return line.startsWith('.') ? '' : line;
  });
  return lines.join('\n')
    .replace(/\\f[BIRP]/g, '')
    .replace(/\\-/g, '-')
    .replace(/\\~/g, ' ')
    .replace(/\\\(em/g, '')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\[\.[^\]]*\]/g, '')
    .replace(/_Nullable|_Nonnull|restrict/g, '');
}

/** Prototypes in a synopsis, keyed by function name (`syscall(SYS_x, ...)` keyed by x). */
export function prototypes(text: string): Map<string, Prototype> {
  const found = new Map<string, Prototype>();
  const re = /\b([A-Za-z_]\w*)\s*\(/g;
  for (let match = re.exec(text); match; match = re.exec(text)) {
    const start = match.index + match[0].length;
    const args = balanced(text, start);
    if (args === undefined) continue;
    const preceding = text.slice(Math.max(0, match.index - 40), match.index);
    // A prototype has a return type before its name: `ssize_t write(`, `void *mmap(`.
    if (!/[\w*]\s*\*?\s*$/.test(preceding) || /#\s*(include|define)[^\n]*$/.test(preceding)) continue;
    let params = splitArgs(args);
    let name = match[1]!;
    let raw = false;
    if (name === 'syscall' && params[0]?.startsWith('SYS_')) {
      name = params[0].slice(4);
      params = params.slice(1);
      raw = true;
    }
    const variadic = params.at(-1) === '...';
    if (variadic) params = params.slice(0, -1);
    if (params.length === 1 && params[0] === 'void') params = [];
    // Pages list overloads (open with and without mode): keep the raw call, else the longest form.
    const existing = found.get(name);
    if (!existing || (raw && !existing.raw) || (raw === existing.raw && params.length > existing.params.length)) {
      found.set(name, { name, params, variadic, raw });
    }
  }
  return found;
}

function balanced(text: string, start: number): string | undefined {
  let depth = 1;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(start, i);
    else if (text[i] === ';' || text[i] === '{') return undefined;
  }
  return undefined;
}

function splitArgs(args: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of args) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current.replace(/\s+/g, ' ').trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) parts.push(current.replace(/\s+/g, ' ').trim());
  return parts;
}

/** The prototype the man page gives for `name`, if it has one. */
export function manPrototype(name: string, page = name): Prototype | undefined {
  const roff = manSource(page);
  return roff ? prototypes(synopsisText(roff)).get(name) : undefined;
}
