// The register table against the real tools: nasm accepts every name it lists, and gdb reads every
// view by the name the table gives for gdb, with the bits the table says.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GPR_FAMILIES, GPR_VIEWS, mask, type GprView } from '../../../x86';
import { kernelRunsI386 } from '../../../toolchain/kernel';

const work = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-x86-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A distinct byte in every position of every register: family i, byte k holds i*8 + k + 1. */
function familyValue(index: number): bigint {
  let value = 0n;
  for (let k = 7; k >= 0; k--) value = (value << 8n) | BigInt(index * 8 + k + 1);
  return value;
}

/** Sets each register, stops at `stop`, then exits; `names` are assembled after the exit, never run. */
function program(families: readonly string[], names: readonly string[], bits: 32 | 64, preamble: string[] = []): string {
  const width = bits === 64 ? 64 : 32;
  const exit = bits === 64 ? ['mov eax, 60', 'xor edi, edi', 'syscall'] : ['mov eax, 1', 'xor ebx, ebx', 'int 0x80'];
  return [
    `bits ${bits}`, ...preamble, 'global _start', 'section .text', '_start:',
    ...families.map((f, i) => `  mov ${f}, 0x${(familyValue(i) & mask(width)).toString(16)}`),
    'stop:', '  nop', ...exit.map((l) => `  ${l}`),
    'unused:', ...names.map((n) => `  mov ${n}, 1`), '',
  ].join('\n');
}

function build(source: string, name: string, bits: 32 | 64): string {
  assemble(source, name, bits);
  const exe = path.join(work, name);
  execFileSync('ld', [...(bits === 32 ? ['-m', 'elf_i386'] : []), '-o', exe, path.join(work, `${name}.o`)], { timeout: 30_000 });
  return exe;
}

function assemble(source: string, name: string, bits: 32 | 64): void {
  const asm = path.join(work, `${name}.asm`);
  const object = path.join(work, `${name}.o`);
  writeFileSync(asm, source);
  execFileSync('nasm', ['-f', bits === 64 ? 'elf64' : 'elf32', '-o', object, asm], { timeout: 30_000, stdio: 'pipe' });
}

/** What gdb prints for `p/x $name`, name by name, with the program stopped at `stop`. */
function gdbValues(exe: string, names: readonly string[]): string[] {
  const out = execFileSync('gdb', [
    '-batch', '-nx', '-ex', 'set startup-with-shell off', '-ex', 'break stop', '-ex', 'run',
    ...names.flatMap((n) => ['-ex', `p/x $${n}`]), exe,
  ], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return [...out.matchAll(/^\$\d+ = (.*)$/gm)].map((m) => m[1]!);
}

const expected = (view: GprView, families: readonly string[]) =>
  `0x${((familyValue(families.indexOf(view.family)) >> BigInt(view.shift)) & mask(view.bits)).toString(16)}`;

describe('x86-64: nasm and gdb agree with the table', () => {
  const exe = build(program(GPR_FAMILIES, GPR_VIEWS.map((v) => v.name), 64), 'gpr64', 64);
  const aliases = GPR_VIEWS.flatMap((v) => v.altregAliases);

  it('nasm accepts the altreg aliases (r8l) only after %use altreg', () => {
    expect(aliases).toContain('r8l');
    expect(() => assemble(program([], aliases, 64), 'plain', 64)).toThrow(/r8l/);
    expect(() => assemble(program([], aliases, 64, ['%use altreg']), 'altreg', 64)).not.toThrow();
  });

  it('gdb reads every view under its gdb name with the bits the table gives', () => {
    const named = GPR_VIEWS.filter((v) => v.gdbName);
    expect(gdbValues(exe, named.map((v) => v.gdbName!))).toEqual(named.map((v) => expected(v, GPR_FAMILIES)));
  });

  it('gdb has no register under NASM\'s name where the table gives another (r8b is void)', () => {
    const differing = GPR_VIEWS.filter((v) => v.gdbName && v.gdbName !== v.name);
    expect(differing.map((v) => v.name)).toContain('r8b');
    expect(gdbValues(exe, differing.map((v) => v.name))).toEqual(differing.map(() => 'void'));
  });

  it('gdb\'s $sp is the whole stack pointer, not NASM\'s 16-bit sp, so the table gives sp no gdb name', () => {
    expect(GPR_VIEWS.filter((v) => !v.gdbName).map((v) => v.name)).toEqual(['sp']);
    expect(gdbValues(exe, ['sp'])).toEqual([`0x${familyValue(GPR_FAMILIES.indexOf('rsp')).toString(16)}`]);
  });
});

describe.skipIf(!kernelRunsI386())('i386: the legacy views exist in a 32-bit program under the same names', () => {
  const legacy = GPR_VIEWS.filter((v) => v.legacy);
  const families = GPR_FAMILIES.filter((f) => legacy.some((v) => v.family === f && v.bits === 32));
  const exe = build(program(families.map((f) => legacy.find((v) => v.family === f && v.bits === 32)!.name), legacy.map((v) => v.name), 32), 'gpr32', 32);

  it('gdb reads each legacy view, and nothing else of the 64-bit table', () => {
    const named = legacy.filter((v) => v.gdbName);
    expect(gdbValues(exe, named.map((v) => v.gdbName!))).toEqual(named.map((v) => expected(v, families)));
    const modern = GPR_VIEWS.filter((v) => !v.legacy && v.bits < 64).map((v) => v.gdbName!);
    expect(gdbValues(exe, modern)).toEqual(modern.map(() => 'void'));
  });
});
