// Resuming from a syscall stop. gdb stops at a caught syscall with rip already past the 2-byte
// instruction, while the editor shows the `syscall` line; every resume must behave as if the program
// stood on that line: the call completes first, and a step ends at the start of the following line.
import { existsSync } from 'node:fs';
import type { Gdb } from './mi/gdb';
import * as exec from './mi/exec';
import * as data from './mi/data';
import { enableBreakpoints, listBreakpoints } from './mi/breakpoint';
import { listFrames, selectFrame, type GdbFrame } from './mi/stack';
import { frameSourceKind } from './frames';
import type { StopRecord } from './mi/stop';
import type { SyscallState } from './syscallStop';

/** What a resumed program did next. */
export type Outcome = { kind: 'stopped'; stop: StopRecord } | { kind: 'exited'; code: number; signal?: string };

/** The user's command, as far as leaving a syscall stop cares. */
export type ResumeKind = 'continue' | 'line' | 'instruction' | 'other';

export interface SyscallResumeHost {
  gdb: Gdb;
  /** Sends one resume command and waits for the outcome. */
  run(command: () => Promise<unknown>): Promise<Outcome>;
  /** The user asked to stop when this call returns. */
  returnWanted(number: number): boolean;
  /** Whether the call the stopped thread made was cut short, to be restarted by the kernel (rax -ERESTART…). */
  cutShort(): Promise<boolean>;
}

/** The stop being left: its pc (gdb's, after the instruction), the line shown, and the decoded call. */
export interface SyscallStopPlace {
  address: bigint;
  fullname?: string;
  line?: number;
  syscall?: Pick<SyscallState, 'phase' | 'number'>;
  /** gdb's id of the thread stopped in the call. */
  thread?: string;
}

/**
 * Whether a stop is of the thread the call was made in. In a program of several threads the others run
 * while the call completes, and one of them may stop first (its own syscall, a breakpoint): that stop is
 * news of its own, and the call goes on in its thread, to be reported (or passed) when it returns.
 */
function ofThread(stop: StopRecord, thread: string | undefined): boolean {
  return thread === undefined || stop.thread === undefined || stop.thread === thread;
}

/**
 * Leaves a syscall stop. Returns the outcome to report instead of the user's command, or undefined
 * when the command can now run as usual (the call is complete and pc is where gdb's command should start).
 */
export async function leaveSyscallStop(host: SyscallResumeHost, from: SyscallStopPlace, kind: ResumeKind): Promise<Outcome | undefined> {
  const phase = from.syscall?.phase;
  if (phase !== 'entry' && phase !== 'return' && phase !== 'blocked') return undefined;
  if (phase === 'blocked' && kind === 'continue') return continueBlockedCall(host, from.address, from.thread);
  // A Continue from an entry goes on as gdb would (it reports the return itself, in the right thread,
  // while other threads run), unless a breakpoint right after the `syscall` needs the call completed
  // first (finishSyscall).
  if (phase === 'entry' && kind === 'continue' && !(await breakpointsAt(host.gdb, from.address)).length) return undefined;
  let settled: StopRecord;
  if (phase === 'return') {
    settled = { reason: 'end-stepping-range', frame: (await listFrames(host.gdb, 1))[0] ?? { level: 0, address: from.address } };
  } else {
    const outcome = await finishSyscall(host, from.address, from.thread);
    // The program exited (exit, exit_group) or a signal arrived during the call: that is the news.
    if (outcome.kind !== 'stopped' || !ofThread(outcome.stop, from.thread)) return outcome;
    if (outcome.stop.frame.address !== from.address) {
      // rt_sigreturn resumes the code the signal interrupted: the call is complete, elsewhere. A
      // Continue goes on; a step ends there, where the program now is.
      const resumedElsewhere = outcome.stop.reason === 'end-stepping-range' && !outcome.stop.signal && !outcome.stop.breakpoint;
      if (!resumedElsewhere) return outcome;
      return kind === 'continue' || kind === 'other' ? undefined : outcome;
    }
    const number = from.syscall!.number;
    if (phase === 'entry' && host.returnWanted(number)) {
      return { kind: 'stopped', stop: { ...outcome.stop, reason: 'syscall-return', syscall: { phase: 'return', number } } };
    }
    settled = { ...outcome.stop, reason: 'end-stepping-range' };
  }
  switch (kind) {
    case 'instruction':
      return { kind: 'stopped', stop: settled }; // the instruction stepped was the syscall itself
    case 'line': {
      // A call made inside a library (libc's write under fputs): the line shown is the user's frame's.
      const left = await finishToUserFrame(host);
      if (left) return left.back ? stepOnUnlessAtNextLine(host, left.outcome.stop, left.frame) : left.outcome;
      const here = await data.sourceAt(host.gdb, from.address).catch(() => undefined);
      const sameLine = here !== undefined && here.line === from.line && (!from.fullname || here.fullname === from.fullname);
      return sameLine ? undefined : { kind: 'stopped', stop: settled }; // already at the start of the next line
    }
    case 'continue':
    case 'other': {
      // gdb resumes over a breakpoint at pc without reporting it (a continue, Step Out, Run to Next
      // Syscall); without the catch it would have hit.
      const hit = await breakpointAt(host.gdb, from.address);
      return hit ? { kind: 'stopped', stop: { ...settled, reason: 'breakpoint-hit', breakpoint: hit } } : undefined;
    }
  }
}

/**
 * A Continue from a pause inside a blocking call (read, nanosleep): the kernel restarts the call by itself
 * when the program resumes. pc is already after the `syscall`, so gdb would resume over a breakpoint
 * there without reporting it, and the line after a `read` is where one waits for the input. The call is
 * completed by one step first (the kernel restarts it then), and the breakpoint reported if it holds.
 */
async function continueBlockedCall(host: SyscallResumeHost, pc: bigint, thread: string | undefined): Promise<Outcome | undefined> {
  // Any breakpoint there: its condition (`rax == 0`) is for after the call, read once it completed.
  const breakpoints = await listBreakpoints(host.gdb);
  if (!breakpoints.some((bp) => bp.type === 'breakpoint' && bp.enabled && bp.address === pc)) return undefined;
  const outcome = await finishSyscall(host, pc, thread);
  if (outcome.kind !== 'stopped' || !ofThread(outcome.stop, thread) || outcome.stop.frame.address !== pc || outcome.stop.signal) return outcome;
  const hit = await breakpointAt(host.gdb, pc);
  return hit ? { kind: 'stopped', stop: { ...outcome.stop, reason: 'breakpoint-hit', breakpoint: hit } } : undefined;
}

/**
 * When frames without the user's source (a library's, shown as disassembly) sit above the nearest
 * frame of the user's own code, the editor shows that frame, so a step starts from it: finishes the
 * frame that it called. `back`: the program is in the user's frame again; otherwise something else
 * stopped it first (a breakpoint, another caught syscall). Undefined when there is no such frame
 * (the top frame is the user's, or none is).
 */
async function finishToUserFrame(host: SyscallResumeHost): Promise<{ outcome: Outcome & { kind: 'stopped' }; frame: GdbFrame; back: boolean } | { outcome: Outcome; back: false } | undefined> {
  const frames = await listFrames(host.gdb).catch(() => []);
  const user = frames.findIndex((frame) => frameSourceKind(frame.fullname, existsSync) === 'user');
  if (user <= 0) return undefined;
  await selectFrame(host.gdb, user - 1);
  const outcome = await host.run(() => exec.execFinish(host.gdb));
  const frame = frames[user]!;
  if (outcome.kind === 'stopped' && outcome.stop.reason === 'function-finished' && outcome.stop.frame.address === frame.address) {
    return { outcome, frame, back: true };
  }
  return { outcome, back: false };
}

/**
 * Back in the user's frame after the call its line made: a call that ended the line returns to the
 * start of the next one, which is where the step ends; otherwise the rest of the line runs first.
 */
export async function stepOnUnlessAtNextLine(host: Pick<SyscallResumeHost, 'gdb'>, stop: StopRecord, before: GdbFrame): Promise<Outcome | undefined> {
  const here = await data.sourceAt(host.gdb, stop.frame.address).catch(() => undefined);
  const sameLine = here !== undefined && here.line === before.line && here.fullname === before.fullname;
  return sameLine ? undefined : { kind: 'stopped', stop: { ...stop, reason: 'end-stepping-range' } };
}

/**
 * Completes the call the program is stopped in, with pc left after the instruction. A single step does
 * it; the breakpoints at pc are lifted meanwhile, because gdb 13 stepping over a breakpoint at the return
 * address of a caught syscall cancels the call (rax = -ENOSYS, the call never runs).
 */
async function finishSyscall(host: SyscallResumeHost, pc: bigint, thread: string | undefined): Promise<Outcome> {
  if (thread !== undefined) await host.gdb.selectThread(thread);
  const lifted = await breakpointsAt(host.gdb, pc);
  await enableBreakpoints(host.gdb, lifted, false);
  try {
    for (let attempt = 0; ; attempt++) {
      const outcome = await host.run(() => exec.execStep(host.gdb, true));
      if (outcome.kind !== 'stopped' || !ofThread(outcome.stop, thread) || outcome.stop.signal || outcome.stop.breakpoint) return outcome;
      if (attempt === RESTARTS) return outcome;
      // The call did not complete yet when the step ends
      //  - 2 bytes back, at the kernel entry: the kernel rewound to restart an interrupted call (rax =
      //    restart_syscall, after a pause inside a blocking call under Step Back's recording); or
      //  - at pc with rax -ERESTART…: the call was cut short, and the kernel restarts it on the next step
      //    (gdb stopped this thread in the call because another thread stopped, in a program of several).
      // One more step runs it.
      const at = outcome.stop.frame.address;
      if (at !== pc - 2n && !(at === pc && (await host.cutShort()))) return outcome;
    }
  } finally {
    await enableBreakpoints(host.gdb, lifted, true).catch(() => undefined);
  }
}

/** The numbers of the enabled breakpoints at `address`. */
async function breakpointsAt(gdb: Gdb, address: bigint): Promise<string[]> {
  return (await listBreakpoints(gdb)).filter((b) => b.enabled && b.address === address).map((b) => b.number);
}

/** How many times a call cut short is run again before the step is reported as it ended. */
const RESTARTS = 4;

/** The number of an enabled user breakpoint at `address` whose condition holds, if any. */
export async function breakpointAt(gdb: Gdb, address: bigint): Promise<string | undefined> {
  for (const bp of await listBreakpoints(gdb)) {
    if (bp.type !== 'breakpoint' || !bp.enabled || bp.address !== address) continue;
    if (!bp.condition) return bp.number;
    const value = await data.evaluateInteger(gdb, bp.condition).catch(() => 1n);
    if (value !== 0n) return bp.number;
  }
  return undefined;
}
