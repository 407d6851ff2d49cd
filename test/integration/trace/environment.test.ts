// The traced program gets the environment the trace was started with: the python3 that runs strace's
// supervisor is a real binary, not a wrapper script earlier on the PATH (pyenv's shim exports
// PYENV_VERSION, PYENV_DIR, ... into everything it starts).
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findExecutable } from '../../../toolchain/tools';
import { TraceSession } from '../../../trace/session';

const work = mkdtempSync(path.join(os.tmpdir(), 'trace-environment-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the traced program\'s environment', () => {
  it('is the trace\'s own, whatever wrapper script comes first on the PATH as python3', async () => {
    const python = findExecutable('python3')!;
    // A shim like pyenv's: a script that exports a variable of its own, then runs the real python3.
    writeFileSync(path.join(work, 'python3'), `#!/bin/sh\nSHIM_WAS_HERE=1 exec ${python} "$@"\n`);
    chmodSync(path.join(work, 'python3'), 0o755);
    const env = { PATH: `${work}${path.delimiter}${process.env.PATH}`, TRACE_MARK: 'kept' };
    const saved = process.env.PATH;
    process.env.PATH = env.PATH;
    try {
      const session = await TraceSession.start({ file: findExecutable('env')!, args: [], stdio: 'pipe', env });
      let output = '';
      session.child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
      session.child.stdin?.end();
      await session.done;
      expect(output).toContain('TRACE_MARK=kept\n');
      expect(output).not.toContain('SHIM_WAS_HERE');
    } finally {
      process.env.PATH = saved;
    }
  });
});
