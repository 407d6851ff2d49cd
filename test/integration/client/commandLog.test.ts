// What the "Syscall Lens" log shows is what really ran: the build's nasm and ld lines run again
// unchanged give the same program, and a trace reports its strace line and when it ended.
import { mkdtempSync, readFileSync, copyFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../toolchain/build';
import { onCommandRun, type CommandRecord } from '../../../toolchain/commandLog';
import { runProgram } from '../../../toolchain/tools';
import { TraceSession } from '../../../trace/session';

const EXAMPLES = path.resolve(__dirname, '../../../examples');

function recording(): { records: CommandRecord[]; stop: () => void } {
  const records: CommandRecord[] = [];
  return { records, stop: onCommandRun((record) => records.push(record)) };
}

describe('the commands Syscall Lens reports', () => {
  it('the build: nasm and ld, which rerun as logged give the same program', async () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'command-log-'));
    copyFileSync(path.join(EXAMPLES, 'hello.asm'), path.join(work, 'hello.asm'));
    const { records, stop } = recording();
    const built = await buildProgram({ source: path.join(work, 'hello.asm'), buildDirectory: path.join(work, 'build') });
    stop();
    expect(built.ok).toBe(true);
    expect(records.map((r) => path.basename(r.file))).toEqual(['nasm', 'ld']);
    const first = readFileSync(built.program);
    for (const record of records) {
      const again = await runProgram(record.file, record.args, { cwd: record.cwd, timeoutMs: 30_000 });
      expect(again.exitCode, again.stderr).toBe(0);
    }
    expect(readFileSync(built.program).equals(first)).toBe(true);
  });

  it('a trace: the strace line with the program after --, and when it ended', async () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'command-log-trace-'));
    copyFileSync(path.join(EXAMPLES, 'hello.asm'), path.join(work, 'hello.asm'));
    const { records, stop } = recording();
    const session = await TraceSession.start({ file: path.join(work, 'hello.asm'), args: [], cwd: work, stdio: 'output', workspaceRoots: [work] });
    const result = await session.done;
    stop();
    // Besides the probes (strace -V, --help), the run itself: the one that reports its end.
    const strace = records.find((r) => path.basename(r.file) === 'strace' && r.ended);
    expect(strace).toBeDefined();
    expect(strace!.args[strace!.args.indexOf('--') + 1]).toBe(result.target.program);
    await expect(Promise.race([strace!.ended, new Promise((_, reject) => setTimeout(() => reject(new Error('not ended')), 5_000))])).resolves.toBeUndefined();
  });
});
