// Which ELF the kernel runs for a file: itself, or a #! script's interpreter.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { executableImage } from '../../../../trace/map/elf';

const dir = mkdtempSync(path.join(os.tmpdir(), 'executable-image-'));
const file = (name: string, text: string) => {
  const full = path.join(dir, name);
  writeFileSync(full, text, { mode: 0o755 });
  return full;
};

describe('executableImage', () => {
  it('is the file itself when it is no script, or cannot be read', () => {
    const elf = file('program', '\x7fELF\x02\x01\x01');
    expect(executableImage(elf)).toBe(elf);
    expect(executableImage(path.join(dir, 'missing'))).toBe(path.join(dir, 'missing'));
  });

  it('is a script\'s interpreter, its argument left aside', () => {
    expect(executableImage(file('a.sh', '#!/bin/sh\necho hi\n'))).toBe('/bin/sh');
    expect(executableImage(file('b.sh', '#! /bin/bash -eu\n'))).toBe('/bin/bash');
  });

  it('finds the program `env` names in PATH, past its options and variables', () => {
    const bin = path.join(dir, 'bin');
    const tool = path.join(bin, 'tool');
    mkdirSync(bin, { recursive: true });
    writeFileSync(tool, '\x7fELF', { mode: 0o755 });
    expect(executableImage(file('c', '#!/usr/bin/env tool\n'), bin)).toBe(tool);
    expect(executableImage(file('d', '#!/usr/bin/env -S A=1 tool --flag\n'), bin)).toBe(tool);
    expect(executableImage(file('e', '#!/usr/bin/env nosuchtool\n'), bin)).toBe('/usr/bin/env');
  });

  it('follows an interpreter that is a script itself', () => {
    const inner = file('inner', '#!/bin/sh\n');
    expect(executableImage(file('outer', `#!${inner}\n`))).toBe('/bin/sh');
  });
});
