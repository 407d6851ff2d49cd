// The adapter's Python helpers (debug-adapter/program_pty.py, user_terminal.py) have unittest suites
// of their own, run here by python3 against real pseudo-terminals (and gdb's Python), so `npm test` covers them.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('the Python helpers of the debug adapter', () => {
  it.each(['test_program_pty', 'test_user_terminal'])('%s passes under python3', (suite) => {
    const run = spawnSync('python3', ['-m', 'unittest', '-v', suite], {
      cwd: __dirname, encoding: 'utf8', timeout: 60_000, shell: false,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    expect(run.error).toBeUndefined();
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/\nOK\n/);
  });
});
