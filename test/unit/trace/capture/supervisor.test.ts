// The supervisor is Python (trace/capture/supervisor.py); its unit tests are Python too and run here
// with the python3 that runs it for real.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resizeMessage, supervisorArguments, SUPERVISOR_SCRIPT } from '../../../../trace/capture/supervisor';

describe('the trace supervisor', () => {
  it('passes its own Python unit tests', () => {
    const run = spawnSync('python3', [path.join(__dirname, 'test_supervisor.py')], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toMatch(/^Ran \d+ tests/m);
    expect(run.stderr).toMatch(/^OK$/m);
    expect(run.status).toBe(0);
  });

  it('gets strace and the program as argv, strace first, the capture folder to remove if we die', () => {
    expect(supervisorArguments(['strace', '-f', '-o', '/t/trace'], ['/bin/prog', '--', 'x'], { terminal: { rows: 30.7, columns: 0 }, captureDirectory: '/t' }))
      .toEqual(['-I', '-S', SUPERVISOR_SCRIPT, '--parent', String(process.pid), '--pty', '30', '1', '--remove', '/t', 'strace', '-f', '-o', '/t/trace', '--', '/bin/prog', '--', 'x']);
    expect(resizeMessage({ rows: 0, columns: 99.5 })).toBe('resize 1 99\n');
    expect(supervisorArguments(['strace', '-k'], ['prog'], { execThrough: '/c/exec-trampoline' }))
      .toEqual(['-I', '-S', SUPERVISOR_SCRIPT, '--parent', String(process.pid), '--exec-through', '/c/exec-trampoline', 'strace', '-k', '--', 'prog']);
    // A copy of the program runs under the program's own name.
    expect(supervisorArguments(['strace'], ['/p/prog', 'a'], { execPath: '/c/unwind/prog' }))
      .toEqual(['-I', '-S', SUPERVISOR_SCRIPT, '--parent', String(process.pid), '--exec-path', '/c/unwind/prog', 'strace', '--', '/p/prog', 'a']);
  });
});
