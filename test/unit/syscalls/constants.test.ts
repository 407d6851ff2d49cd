import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONSTANT_SETS, FILE_TYPES, MODE_BITS } from '../../../syscalls/constants';
import { allErrnos, errnoByName, errnoByNumber, signalName, signalNumber } from '../../../syscalls';
import { headerDefinitions, headerValue } from './uapiHeaders';
import { extractFromTarball, TARBALL_MISSING_REASON, TARBALL_PRESENT } from './kernelSource';

/** Constants newer than Debian 12's 6.1 headers, checked against the kernel tarball's uapi instead. */
const NEWER_THAN_HEADERS = {
  F_DUPFD_QUERY: 'include/uapi/linux/fcntl.h',
  ARCH_GET_UNTAG_MASK: 'arch/x86/include/uapi/asm/prctl.h', ARCH_ENABLE_TAGGED_ADDR: 'arch/x86/include/uapi/asm/prctl.h',
  ARCH_GET_MAX_TAG_BITS: 'arch/x86/include/uapi/asm/prctl.h', ARCH_FORCE_TAGGED_SVA: 'arch/x86/include/uapi/asm/prctl.h',
  ARCH_SHSTK_ENABLE: 'arch/x86/include/uapi/asm/prctl.h', ARCH_SHSTK_DISABLE: 'arch/x86/include/uapi/asm/prctl.h',
  ARCH_SHSTK_LOCK: 'arch/x86/include/uapi/asm/prctl.h', ARCH_SHSTK_UNLOCK: 'arch/x86/include/uapi/asm/prctl.h',
  ARCH_SHSTK_STATUS: 'arch/x86/include/uapi/asm/prctl.h',
} as Record<string, string>;

function everyConstant(): Array<readonly [string, number]> {
  const pairs: Array<readonly [string, number]> = [...MODE_BITS, ...FILE_TYPES];
  for (const set of Object.values(CONSTANT_SETS)) {
    if (set.kind === 'enum') pairs.push(...set.values);
    else {
      pairs.push(...set.bits);
      if (set.field && 'values' in set.field) pairs.push(...set.field.values);
    }
  }
  return pairs;
}

describe('decoder constants match the kernel headers', () => {
  it('every value equals the installed uapi / libc header definition', () => {
    const definitions = headerDefinitions();
    const wrong = everyConstant()
      .filter(([name]) => !(name in NEWER_THAN_HEADERS))
      .filter(([name, value]) => headerValue(definitions, name) !== BigInt(value))
      .map(([name, value]) => `${name}: ours ${value}, header ${headerValue(definitions, name)} (${definitions.get(name)})`);
    expect(wrong).toEqual([]);
  });

  let kernelRoot: string | undefined;
  afterAll(() => {
    if (kernelRoot) rmSync(dirname(kernelRoot), { recursive: true, force: true });
  });

  it.skipIf(!TARBALL_PRESENT)('constants newer than those headers match the 6.12 uapi headers', async () => {
    // asm-generic/fcntl.h defines F_LINUX_SPECIFIC_BASE, which F_DUPFD_QUERY is based on.
    const files = [...new Set(Object.values(NEWER_THAN_HEADERS)), 'include/uapi/asm-generic/fcntl.h'];
    kernelRoot = await extractFromTarball(files);
    const definitions = headerDefinitions(files.map((f) => `${kernelRoot}/${f}`));
    const ours = new Map(everyConstant());
    const wrong = Object.keys(NEWER_THAN_HEADERS)
      .filter((name) => headerValue(definitions, name) !== BigInt(ours.get(name) ?? -1))
      .map((name) => `${name}: ours ${ours.get(name)}, kernel ${headerValue(definitions, name)}`);
    expect(wrong).toEqual([]);
  }, 120_000);
  if (!TARBALL_PRESENT) console.warn(TARBALL_MISSING_REASON);
});

describe('errno names and messages', () => {
  it('names every errno 1..133 (41 and 58 are unused) exactly as asm-generic/errno*.h does', () => {
    const definitions = headerDefinitions(['/usr/include/asm-generic/errno-base.h', '/usr/include/asm-generic/errno.h']);
    const fromHeader = new Map<number, string>();
    for (const [name] of definitions) {
      const value = headerValue(definitions, name);
      // EWOULDBLOCK and EDEADLOCK are aliases that resolve to the same numbers.
      if (value !== undefined && /^E[A-Z0-9]+$/.test(name) && !fromHeader.has(Number(value))) fromHeader.set(Number(value), name);
    }
    for (let n = 1; n <= 133; n++) {
      expect(errnoByNumber(n)?.name, `errno ${n}`).toBe(fromHeader.get(n));
      if (fromHeader.has(n)) expect(errnoByNumber(n)?.message.length).toBeGreaterThan(3);
    }
  });

  it('looks up by name, alias and negated kernel value', () => {
    expect(errnoByName('ENOENT')).toMatchObject({ number: 2, message: 'No such file or directory' });
    expect(errnoByName('ewouldblock')?.number).toBe(11);
    expect(errnoByNumber(-13)?.name).toBe('EACCES');
    expect(errnoByNumber(512)?.name).toBe('ERESTARTSYS');
    expect(errnoByName('EBOGUS')).toBeUndefined();
    expect(new Set(allErrnos().map((e) => e.message)).size).toBe(allErrnos().length);
  });
});

describe('signals', () => {
  it('names every signal 1..31 as asm/signal.h does, and the real-time range', () => {
    const definitions = headerDefinitions(['/usr/include/x86_64-linux-gnu/asm/signal.h']);
    for (let n = 1; n <= 31; n++) {
      const name = signalName(n)!;
      expect(headerValue(definitions, name), name).toBe(BigInt(n));
      expect(signalNumber(name)).toBe(n);
    }
    expect(signalName(32)).toBe('SIGRTMIN');
    expect(signalName(34)).toBe('SIGRT_2');
    expect(signalName(64)).toBe('SIGRT_32');
    expect(signalNumber('SIGRT_2')).toBe(34);
    expect(signalNumber('SIGRTMIN+2')).toBe(34);
    expect(signalNumber('kill')).toBe(9);
    expect(signalNumber('SIGRTMAX')).toBe(64);
    expect(signalName(0)).toBeUndefined();
    expect(signalName(65)).toBeUndefined();
  });
});
