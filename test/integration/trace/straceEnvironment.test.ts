// strace's own variables (trace/capture/straceEnvironment.ts): TZ naming the system time zone file
// saves strace two stats of /etc/localtime per line and changes nothing it writes; the program never
// sees it, whether the supervisor starts the program or strace does. Real gcc and strace.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { commandLine, onCommandRun, type CommandRecord } from '../../../toolchain/commandLog';
import { startStrace } from '../../../trace/capture/runner';
import { straceEnvironment } from '../../../trace/capture/straceEnvironment';
import { findSupervisorInterpreter } from '../../../trace/capture/supervisor';

const work = mkdtempSync(path.join(os.tmpdir(), 'strace-env-'));
const withoutTz = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'TZ'));

/** Prints its TZ, then stats a file whose times strace -v shows as local times. */
function buildShowEnv(): string {
  const source = path.join(work, 'showenv.c');
  writeFileSync(source, `#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
int main(int argc, char **argv) {
  struct stat st;
  const char *tz = getenv("TZ");
  printf("TZ=%s\\n", tz ? tz : "(unset)");
  for (int i = 1; i < argc; i++) stat(argv[i], &st);
  return 0;
}
`);
  const program = path.join(work, 'showenv');
  const gcc = spawnSync('gcc', ['-o', program, source], { encoding: 'utf8' });
  expect(gcc.status, gcc.stderr).toBe(0);
  return program;
}

describe("strace's own environment", () => {
  it('sets TZ to the system time zone file only when TZ is unset and the file exists', () => {
    const zone = path.join(work, 'localtime');
    writeFileSync(zone, '');
    expect(straceEnvironment({}, undefined, zone)).toEqual({ set: { TZ: `:${zone}` }, unsetForProgram: ['TZ'] });
    expect(straceEnvironment({ TZ: 'Europe/Paris' }, undefined, zone)).toEqual({ set: {}, unsetForProgram: [] });
    expect(straceEnvironment({ TZ: '' }, undefined, zone)).toEqual({ set: {}, unsetForProgram: [] });
    expect(straceEnvironment({}, undefined, path.join(work, 'missing'))).toEqual({ set: {}, unsetForProgram: [] });
    expect(straceEnvironment({ LD_PRELOAD: '/mine.so' }, '/c/u.so', path.join(work, 'missing')).set).toEqual({ LD_PRELOAD: '/c/u.so:/mine.so' });
  });

  it.runIf(existsSync('/etc/localtime'))('writes the same trace, local times included, without statting /etc/localtime per line', () => {
    const program = buildShowEnv();
    const stamped = path.join(work, 'stamped');
    writeFileSync(stamped, 'x');
    utimesSync(stamped, 1_700_000_000, 1_700_000_000);
    const { set } = straceEnvironment(withoutTz);
    expect(set).toEqual({ TZ: ':/etc/localtime' });
    const traceWith = (env: NodeJS.ProcessEnv, name: string) => {
      const out = path.join(work, `${name}.strace`);
      const meta = path.join(work, `${name}.meta`);
      // strace traced by another strace (not following its children), which counts the stats of the zone file the inner one makes.
      const run = spawnSync('strace', ['-e', 'trace=stat,newfstatat,statx', '-o', meta, 'strace', '-E', 'TZ', '-v', '-e', 'trace=stat,newfstatat', '-o', out, '--', program, stamped, stamped, stamped], { env, encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const zoneStats = readFileSync(meta, 'utf8').split('\n').filter((line) => line.includes('"/etc/localtime"')).length;
      const calls = readFileSync(out, 'utf8').split('\n').filter((line) => line.includes(stamped)).map((line) => line.replace(/st_atime=\d+( \/\*[^*]*\*\/)?, st_atime_nsec=\d+/, 'st_atime=…'));
      return { zoneStats, calls };
    };
    const plain = traceWith(withoutTz, 'plain');
    const ours = traceWith({ ...withoutTz, ...set }, 'ours');
    expect(ours.calls).toHaveLength(3);
    expect(ours.calls).toEqual(plain.calls);
    // The modification time, decoded as a local time.
    expect(ours.calls[0]).toMatch(/st_mtime=1700000000 \/\* 2023-11-1\dT\d\d:\d\d:20[.\d]*[+-]\d{4} \*\//);
    expect(plain.zoneStats).toBeGreaterThanOrEqual(6);
    expect(ours.zoneStats).toBeLessThanOrEqual(2);
  });

  for (const supervised of [true, false]) {
    it.runIf(existsSync('/etc/localtime') && (!supervised || findSupervisorInterpreter() !== undefined))(
      `gives strace TZ and the program none, or the user's own${supervised ? ' (started by the supervisor)' : ' (started by strace, told -E TZ)'}; the command shown says so`, async () => {
        const program = buildShowEnv();
        const run = async (tz: string | undefined) => {
          const commands: CommandRecord[] = [];
          const stopListening = onCommandRun((command) => commands.push(command));
          let output = '';
          let trace = '';
          try {
            const running = await startStrace({
              strace: 'strace', options: ['-f', '-e', 'trace=write'], program, args: [], cwd: work,
              env: tz === undefined ? withoutTz : { ...withoutTz, TZ: tz }, stdio: 'pipe',
              supervisor: supervised ? findSupervisorInterpreter() : undefined, capture: 'file', ownProcessGroup: false,
              onTrace: (chunk) => { trace += chunk; },
            });
            running.child.stdin?.end();
            (running.child.stdout as Readable).setEncoding('utf8').on('data', (chunk: string) => { output += chunk; });
            await running.done;
          } finally {
            stopListening();
          }
          return { output, trace, command: commands.find((command) => path.basename(command.file) === 'strace')! };
        };
        const unset = await run(undefined);
        expect(unset.output).toBe('TZ=(unset)\n');
        expect(unset.trace).toMatch(/write\(1, "TZ=\(unset\)\\n", 11\) += 11/);
        // Reported as strace (the status bar's "tracing …" looks for it), with its variables beside it.
        expect(unset.command.env).toEqual({ TZ: ':/etc/localtime' });
        expect(commandLine(unset.command)).toMatch(/^env TZ=:\/etc\/localtime strace -E TZ -f -e trace=write -o \S+ -- \S+\/showenv$/);
        const own = await run('Europe/Paris');
        expect(own.output).toBe('TZ=Europe/Paris\n');
        expect(own.command.env).toEqual({});
        expect(commandLine(own.command)).toMatch(/^strace -f -e trace=write -o \S+ -- \S+\/showenv$/);
      });
  }
});
