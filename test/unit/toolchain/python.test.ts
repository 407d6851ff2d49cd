import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pythonInterpreter } from '../../../toolchain/python';
import { findSupervisorInterpreter } from '../../../trace/capture/supervisor';

describe('the python3 that runs the helpers (keeper, pty relay, strace supervisor)', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'keeper-python-'));
  const shims = path.join(root, 'shims');
  const bin = path.join(root, 'bin');
  mkdirSync(shims);
  mkdirSync(bin);
  writeFileSync(path.join(shims, 'python3'), '#!/bin/sh\nexec python3 "$@"\n');
  chmodSync(path.join(shims, 'python3'), 0o755);
  symlinkSync(process.execPath, path.join(bin, 'python3')); // any ELF binary stands for a real interpreter here

  it('prefers a real binary to a wrapper script earlier on the PATH (a pyenv shim costs 200 ms a start)', () => {
    expect(pythonInterpreter([shims, bin].join(path.delimiter))).toBe(path.join(bin, 'python3'));
  });

  it('is the one the trace supervisor runs on, so a shim\'s variables (PYENV_VERSION, …) never reach the traced program', () => {
    const saved = process.env.PATH;
    process.env.PATH = [shims, bin].join(path.delimiter);
    try {
      expect(findSupervisorInterpreter()).toBe(path.join(bin, 'python3'));
    } finally {
      process.env.PATH = saved;
    }
  });

  it('takes the script when nothing else is there, and nothing when there is no python3', () => {
    expect(pythonInterpreter(shims)).toBe(path.join(shims, 'python3'));
    expect(pythonInterpreter(root)).toBeUndefined();
  });
});
