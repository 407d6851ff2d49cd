// Reads constant values from the installed kernel uapi and C library headers at test time, so our
// decoder tables are checked against the real headers rather than against themselves.
import { existsSync, readFileSync } from 'node:fs';

const INCLUDE = '/usr/include';
const ASM = `${INCLUDE}/x86_64-linux-gnu/asm`;

/** Kernel uapi headers first: glibc redefines some (O_LARGEFILE is 0 in glibc's 64-bit headers). */
export const HEADER_FILES = [
  `${INCLUDE}/asm-generic/fcntl.h`, `${INCLUDE}/linux/fcntl.h`, `${INCLUDE}/asm-generic/mman-common.h`,
  `${INCLUDE}/asm-generic/mman.h`, `${ASM}/mman.h`, `${INCLUDE}/linux/mman.h`, `${INCLUDE}/linux/sched.h`,
  `${INCLUDE}/linux/wait.h`, `${INCLUDE}/linux/random.h`, `${INCLUDE}/linux/fs.h`, `${INCLUDE}/linux/stat.h`,
  `${INCLUDE}/linux/in.h`, `${INCLUDE}/linux/in6.h`, `${ASM}/prctl.h`, `${INCLUDE}/linux/watch_queue.h`,
  `${INCLUDE}/asm-generic/signal-defs.h`, `${INCLUDE}/linux/net.h`,
  `${INCLUDE}/x86_64-linux-gnu/bits/socket.h`, `${INCLUDE}/x86_64-linux-gnu/bits/socket_type.h`,
  `${INCLUDE}/x86_64-linux-gnu/sys/socket.h`, `${INCLUDE}/x86_64-linux-gnu/sys/eventfd.h`,
  `${INCLUDE}/x86_64-linux-gnu/bits/eventfd.h`, `${INCLUDE}/unistd.h`, `${INCLUDE}/x86_64-linux-gnu/bits/sigaction.h`,
  `${INCLUDE}/x86_64-linux-gnu/bits/fcntl-linux.h`, `${INCLUDE}/asm-generic/resource.h`, `${INCLUDE}/linux/futex.h`,
  `${INCLUDE}/asm-generic/ioctls.h`, `${INCLUDE}/linux/time.h`,
];

/** Every `#define NAME expr` and `NAME = expr,` (enums) in the header files; the first definition wins. */
export function headerDefinitions(files = HEADER_FILES): Map<string, string> {
  const definitions = new Map<string, string>();
  for (const file of files) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\\\n/g, ' ');
    for (const match of text.matchAll(/^[ \t]*#[ \t]*define[ \t]+(\w+)[ \t]+([^\n]+)$/gm)) {
      const value = match[2]!.trim();
      // glibc writes `#define SOCK_STREAM SOCK_STREAM` after the enum member; the enum holds the value.
      if (!definitions.has(match[1]!) && value !== match[1]) definitions.set(match[1]!, value);
    }
    // Enum members; a member without a value is the previous one plus one.
    for (const block of text.matchAll(/\benum\b[^{;]*\{([^}]*)\}/g)) {
      let previous: string | undefined;
      for (const member of block[1]!.replace(/^[ \t]*#.*$/gm, '').split(',')) {
        const m = member.trim().match(/^(\w+)(?:\s*=\s*(.+))?$/s);
        if (!m) continue;
        const value = m[2]?.trim() ?? (previous === undefined ? '0' : `${previous} + 1`);
        if (!definitions.has(m[1]!)) definitions.set(m[1]!, value);
        previous = m[1]!;
      }
    }
  }
  return definitions;
}

/** Evaluates a header expression such as `(__O_SYNC|O_DSYNC)`, `0x100000000ULL` or `(1 << 2)`. */
export function headerValue(definitions: Map<string, string>, name: string, depth = 0): bigint | undefined {
  const expression = definitions.get(name);
  if (expression === undefined || depth > 10) return undefined;
  const tokens = expression.replace(/\b(0x[0-9a-f]+|\d+)[uUlL]+\b/gi, '$1').match(/0x[0-9a-f]+|\d+|\w+|<<|\||\(|\)|\+|\S/gi) ?? [];
  let pos = 0;
  const primary = (): bigint | undefined => {
    const token = tokens[pos++];
    if (token === undefined) return undefined;
    if (token === '(') {
      const value = or();
      pos++;
      return value;
    }
    if (/^0x/i.test(token)) return BigInt(token);
    if (/^0\d+$/.test(token)) return BigInt(`0o${token.slice(1)}`);
    if (/^\d+$/.test(token)) return BigInt(token);
    if (/^\w+$/.test(token)) return headerValue(definitions, token, depth + 1);
    return undefined;
  };
  const sum = (): bigint | undefined => {
    let value = primary();
    while (tokens[pos] === '+' || tokens[pos] === '<<') {
      const op = tokens[pos++];
      const right = primary();
      if (value === undefined || right === undefined) return undefined;
      value = op === '+' ? value + right : value << right;
    }
    return value;
  };
  const or = (): bigint | undefined => {
    let value = sum();
    while (tokens[pos] === '|') {
      pos++;
      const right = sum();
      if (value === undefined || right === undefined) return undefined;
      value |= right;
    }
    return value;
  };
  const value = or();
  return pos === tokens.length ? value : undefined;
}
