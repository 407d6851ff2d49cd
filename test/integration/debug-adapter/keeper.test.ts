// Nothing outlives a debug session: the program, what it forked (even a daemon in its own session),
// gdb, the relays and a launch.json build end with disconnect, terminate, or the adapter's death —
// checked by pid against real processes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { buildDirectory, eventually, fixture, useDebugClient } from './harness';

const client = useDebugClient();
let dc: DebugClient;
beforeEach(() => { dc = client(); });

/** Running: present and not a zombie. */
function isRunning(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] !== 'Z';
  } catch {
    return false;
  }
}

/** Kills the adapter by pid; the client then only forgets it (a disconnect would write to a dead pipe). */
function killAdapter(adapter: number): void {
  dc.stop = async () => (dc as unknown as { stopAdapter(): void }).stopAdapter();
  process.kill(adapter, 'SIGKILL');
}

function parentOf(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
}


/** Launches forks.c running and resolves with the family's pids once the daemon has reported. */
async function launchFamily(): Promise<{ parent: number; others: number[] }> {
  let text = '';
  const family = new Promise<void>((resolve) => {
    dc.on('output', (event: DebugProtocol.OutputEvent) => {
      if (event.body.category !== 'stdout') return;
      text += event.body.output;
      if (/daemon \d+/.test(text) && (text.match(/child \d+/g) ?? []).length === 3) resolve();
    });
  });
  await Promise.all([dc.configurationSequence(), dc.launch({ program: fixture('forks.c'), terminal: 'none', buildDirectory: buildDirectory() })]);
  await family;
  const pids = (label: string) => [...text.matchAll(new RegExp(`${label} (\\d+)`, 'g'))].map((m) => Number(m[1]));
  return { parent: pids('parent')[0]!, others: [...pids('child'), ...pids('daemon')] };
}

/** gdb, the keeper above it and the adapter above that, from the program's parent links. */
function ancestors(program: number) {
  const gdb = parentOf(program);
  const keeper = parentOf(gdb);
  return { gdb, keeper, adapter: parentOf(keeper) };
}

describe('ending a debug session ends the whole tree', () => {
  it('disconnect: the program, its three children, its daemon and gdb', async () => {
    const { parent, others } = await launchFamily();
    const { gdb, keeper } = ancestors(parent);
    const all = [parent, ...others, gdb, keeper];
    expect(all.every(isRunning)).toBe(true);
    await dc.disconnectRequest({});
    expect(await eventually(() => !all.some(isRunning))).toBe(true);
  });

  it('terminate at a stop', async () => {
    const { parent, others } = await launchFamily();
    const { gdb } = ancestors(parent);
    const stopped = dc.waitForEvent('stopped');
    await dc.pauseRequest({ threadId: 1 });
    await stopped;
    await dc.terminateRequest({});
    expect(await eventually(() => ![parent, ...others, gdb].some(isRunning))).toBe(true);
  });

  it('the adapter killed with SIGKILL', async () => {
    const { parent, others } = await launchFamily();
    const { gdb, keeper, adapter } = ancestors(parent);
    killAdapter(adapter);
    expect(await eventually(() => ![parent, ...others, gdb, keeper].some(isRunning))).toBe(true);
  });
});

describe('a long build command', () => {
  /** Starts a launch whose build runs a shell that starts a sleeper; resolves with both pids. */
  async function launchLongBuild(): Promise<{ launched: Promise<unknown>; pids: number[] }> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-build-'));
    const pidFile = path.join(dir, 'pids');
    await dc.initializeRequest();
    const script = `echo $$ > ${pidFile}.part; sleep 300 & echo $! >> ${pidFile}.part; mv ${pidFile}.part ${pidFile}; wait`;
    const launched = dc.launchRequest({ program: '/bin/true', build: `sh -c "${script}"`, cwd: dir, terminal: 'none' } as never);
    launched.catch(() => undefined);
    expect(await eventually(() => { try { return readFileSync(pidFile, 'utf8').trim().split('\n').length === 2; } catch { return false; } }, 10_000)).toBe(true);
    return { launched, pids: readFileSync(pidFile, 'utf8').trim().split('\n').map(Number) };
  }

  it('ends with a disconnect during the build, and the launch is answered', async () => {
    const { launched, pids } = await launchLongBuild();
    expect(pids.every(isRunning)).toBe(true);
    await dc.disconnectRequest({});
    await expect(launched).rejects.toThrow(/cancelled/);
    expect(await eventually(() => !pids.some(isRunning))).toBe(true);
  });

  it('ends when the adapter dies during the build', async () => {
    const { pids } = await launchLongBuild();
    const keeper = parentOf(pids[0]!);
    const adapter = parentOf(keeper);
    killAdapter(adapter);
    expect(await eventually(() => !pids.some(isRunning))).toBe(true);
  });
});

describe('keeper.py', () => {
  it('passes its own unittest suite under python3 (real process trees, a pty, a dying parent)', () => {
    const run = spawnSync('python3', ['-m', 'unittest', 'test_keeper'], {
      cwd: __dirname, encoding: 'utf8', timeout: 60_000, shell: false, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^OK$/m);
  });
});
