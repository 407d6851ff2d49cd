import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProgram } from '../../../toolchain/tools';
import { ReferenceIndex, scanCodeReferences } from '../../../trace/map/codeReferences';

// Every way x86-64 code reaches a function, assembled by nasm at a fixed origin.
const SOURCE = `bits 64
org 0x1000
start:
    call target            ; E8 rel32
    jmp target             ; E9 rel32
    jz near target         ; 0F 84 rel32
    lea rax, [rel target]  ; 48 8D 05 disp32
    lea r9, [rel target]   ; 4C 8D 0D disp32
    call [rel slot]        ; FF 15 disp32
    jmp [rel slot]         ; FF 25 disp32
    mov rdx, [rel slot]    ; 48 8B 15 disp32
    jz short near_target   ; 74 rel8
    nop
near_target:
    ret
    times 0x100 - ($ - $$) db 0xcc
target:
    mov eax, 110
    syscall
    ret
    times 0x200 - ($ - $$) db 0xcc
slot: dq target
`;

async function assemble(): Promise<Buffer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'code-references-'));
  writeFileSync(path.join(dir, 'refs.asm'), SOURCE);
  const output = path.join(dir, 'refs.bin');
  const run = await runProgram('nasm', ['-f', 'bin', '-o', output, path.join(dir, 'refs.asm')]);
  expect(run.exitCode, run.stderr).toBe(0);
  return readFileSync(output);
}

describe('references found in machine code', () => {
  it('finds each call, jump and rip-relative operand that names a function or its slot, with its kind', async () => {
    const bytes = await assemble();
    const references = scanCodeReferences(bytes, 0x1000);
    const index = new ReferenceIndex(references);
    const intoTarget = index.into(0x1100, 0x1108).filter((r) => r.from < 0x1100);
    expect(intoTarget.map((r) => r.kind)).toEqual(['call', 'jump', 'jump', 'address', 'address']);
    // The instructions' own addresses, REX prefixes included: 5 + 5 + 6 + 7 bytes in.
    expect(intoTarget.map((r) => r.from - 0x1000)).toEqual([0, 5, 10, 16, 23]);
    const throughSlot = index.into(0x1200, 0x1208);
    expect(throughSlot.map((r) => r.kind)).toEqual(['call', 'jump', 'address']);
    expect(throughSlot.map((r) => r.from - 0x1000)).toEqual([30, 36, 42]);
    // The short jz (49 bytes in) over the nop to near_target.
    expect(references).toContainEqual({ from: 0x1000 + 49, to: 0x1000 + 52, kind: 'jump' });
  });

  it('keeps only the targets asked for', async () => {
    const bytes = await assemble();
    const kept = scanCodeReferences(bytes, 0x1000, (to) => to === 0x1200);
    expect(kept.map((r) => r.kind)).toEqual(['call', 'jump', 'address']);
  });
});
