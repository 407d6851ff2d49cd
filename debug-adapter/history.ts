// Step Back and Reverse Continue: gdb's process record (`record full`) from the first stop, made exact
// by record.py. record.py follows each instruction gdb 13 records wrongly with register writes of its
// own; the positions between those entries are "inside" an instruction, and replay never stops there.
import type { Gdb } from './mi/gdb';
import * as record from './mi/record';
import * as exec from './mi/exec';
import * as data from './mi/data';
import { deleteBreakpoints, insertBreakpoint } from './mi/breakpoint';
import { listFrames, type GdbFrame } from './mi/stack';
import { isAssemblySource } from './frames';
import { pythonHelper } from './keeper';
import { breakpointAt, type Outcome, type ResumeKind } from './syscallResume';

/** Instructions kept for Step Back; past it the oldest go (launch attribute `stepBackLimit`). */
export const DEFAULT_STEP_BACK_LIMIT = 100_000;

export type BackKind = 'line' | 'instruction' | 'continue';
type Run = (command: () => Promise<unknown>) => Promise<Outcome>;
type Stopped = Outcome & { kind: 'stopped' };

/** Instructions one Step Back by line walks one at a time before it leaves the rest to gdb's reverse-next. */
const MAX_LINE_STEPS = 512;
/** Bytes of stack Step Over searches for the return address of a call it finishes live. */
const MAX_CALL_STACK = 1n << 20n;

/** A stop that ends one step of a walk (not the start of the recording, not a breakpoint in a procedure run back). */
const isStep = (outcome: Outcome): outcome is Stopped => outcome.kind === 'stopped' && outcome.stop.reason === 'end-stepping-range';
const sameLine = (a: GdbFrame, b: GdbFrame) => a.line === b.line && a.fullname === b.fullname;

export class History {
  private position: record.RecordPosition = { active: false };

  private constructor(private readonly gdb: Gdb, readonly limit: number) {}

  /** Starts recording at the current stop; rejects with gdb's reason when it cannot. */
  static async start(gdb: Gdb, limit: number): Promise<History> {
    const history = new History(gdb, limit);
    await record.startRecording(gdb, pythonHelper('record.py'), limit);
    await history.refresh();
    return history;
  }

  get active(): boolean { return this.position.active; }
  get replaying(): boolean { return this.position.active && this.position.replaying; }

  async refresh(replay = false): Promise<record.RecordPosition> {
    this.position = await record.recordPosition(this.gdb, replay);
    return this.position;
  }

  /** Ends the recording (and record.py's breakpoints); the program goes on live. */
  async stop(): Promise<void> {
    if (this.position.active && this.position.replaying) await record.gotoRecordEnd(this.gdb);
    this.position = await record.stopRecording(this.gdb);
  }

  /** The recording ended by itself (the program exits, or gdb could not record an instruction). */
  forget(): void {
    this.position = { active: false };
  }

  /**
   * Step Back (by line or instruction) or Reverse Continue. By line in assembly the walk is ours: gdb's
   * reverse-next, arriving backwards at a procedure's `ret`, takes the label before it (`count.done`) for
   * the procedure's start and, unable to unwind past its pushes without CFI, runs back to the start.
   */
  async back(run: Run, kind: BackKind): Promise<Outcome> {
    if (kind === 'line') {
      const from = (await listFrames(this.gdb, 1))[0];
      if (from?.line !== undefined && isAssemblySource(from.fullname)) return this.backLine(run, from);
    }
    return this.reverse(run, kind);
  }

  /** One reverse command of gdb's, ending at a real state. */
  private async reverse(run: Run, kind: BackKind): Promise<Outcome> {
    // Right after an instruction record.py completed, undo its writes first: the next entry back is
    // then the instruction itself, so stepping back one instruction undoes exactly one.
    let position = await this.refresh(true);
    while (position.active && position.afterWrites) {
      await run(() => record.execReverse(this.gdb, 'instruction'));
      position = await this.refresh(true);
    }
    return this.settle(run, await run(() => record.execReverse(this.gdb, kind)));
  }

  /**
   * Step Back by line in assembly, as gdb's reverse-next means it: back over calls to the previous line,
   * then to where that line was entered (its first instruction, or the one a jump came to).
   */
  private async backLine(run: Run, from: GdbFrame): Promise<Outcome> {
    let here = from;
    let sp = await data.evaluateInteger(this.gdb, '$sp');
    let steps = 0;
    const walk = async (): Promise<Outcome> => {
      const outcome = await this.backOverCall(run, here, sp);
      if (isStep(outcome)) sp = await data.evaluateInteger(this.gdb, '$sp');
      return outcome;
    };
    do {
      if (++steps > MAX_LINE_STEPS) return this.reverse(run, 'line'); // a long loop within one line
      const outcome = await walk();
      if (!isStep(outcome)) return outcome; // the start of the recording, or a breakpoint in a procedure
      here = outcome.stop.frame;
    } while (sameLine(here, from));
    const line = await data.lineRangeAt(this.gdb, here.address);
    while (line && here.address !== line.start && steps++ < MAX_LINE_STEPS) {
      const position = this.position;
      const outcome = await walk();
      if (!isStep(outcome)) return outcome;
      if (!sameLine(outcome.stop.frame, here)) {
        // The instruction before came from another line: the line was entered here, one step later.
        if (position.active && position.replaying) {
          await this.gdb.cli(`record goto ${position.current}`);
          await this.refresh();
        }
        break;
      }
      here = outcome.stop.frame;
    }
    const frame = (await listFrames(this.gdb, 1))[0] ?? here;
    return { kind: 'stopped', stop: { reason: 'end-stepping-range', frame } };
  }

  /**
   * One instruction back from `here` (stack pointer `sp`). When that instruction was the `ret` of a
   * procedure this line called, the whole call runs back: to its `call` with the same stack pointer.
   */
  private async backOverCall(run: Run, here: GdbFrame, sp: bigint): Promise<Outcome> {
    let outcome = await this.reverse(run, 'instruction');
    // One instruction back onto a breakpoint is still one step.
    if (outcome.kind === 'stopped' && outcome.stop.reason === 'breakpoint-hit') outcome = { kind: 'stopped', stop: { ...outcome.stop, reason: 'end-stepping-range', breakpoint: undefined } };
    if (!isStep(outcome)) return outcome;
    const nowSp = await data.evaluateInteger(this.gdb, '$sp');
    if (nowSp >= sp) return outcome;
    const top = (await data.readMemory(this.gdb, nowSp, 8).catch(() => undefined))?.bytes;
    if (top?.length !== 8 || top.readBigUInt64LE() !== here.address) return outcome;
    const call = await data.callEndingAt(this.gdb, here.address);
    if (call === undefined) return outcome;
    const target = await insertBreakpoint(this.gdb, `*0x${call.toString(16)}`, { temporary: true, condition: `$sp == 0x${sp.toString(16)}` });
    try {
      const back = await this.reverse(run, 'continue');
      if (back.kind !== 'stopped' || back.stop.breakpoint !== target.number) return back;
      return { kind: 'stopped', stop: { ...back.stop, reason: 'end-stepping-range', breakpoint: undefined } };
    } finally {
      await deleteBreakpoints(this.gdb, [target.number]).catch(() => undefined);
    }
  }

  /**
   * A forward command while replaying; past the end of the recording it goes on live. `over`: the
   * command steps over calls (Step Over), not into them.
   */
  async forward(run: Run, kind: ResumeKind, command: () => Promise<unknown>, over = false): Promise<Outcome> {
    await this.refresh();
    const from = (await listFrames(this.gdb, 1))[0];
    const fromSp = kind === 'line' && over ? await data.evaluateInteger(this.gdb, '$sp') : 0n;
    let outcome = await this.settle(run, await this.stepForward(run, kind === 'instruction' ? undefined : command));
    if (this.replaying || kind === 'instruction' || outcome.kind !== 'stopped') return outcome;
    // At the end of the recording: a continue goes on; a line step goes on unless the line changed.
    const here = outcome.stop.frame;
    // The recording ended inside a procedure the line called (the present was there): Step Over runs
    // the rest of that call live, back to the line.
    if (kind === 'line' && over && from && outcome.stop.reason !== 'breakpoint-hit' && await data.evaluateInteger(this.gdb, '$sp') < fromSp) {
      const back = await this.returnTo(run, from, fromSp);
      if (!back) return run(command);
      if (back.kind !== 'stopped' || back.stop.reason !== 'end-stepping-range') return back;
      return sameLine(back.stop.frame, from) ? run(command) : back;
    }
    const lineDone = kind === 'line' && (here.line !== from?.line || here.fullname !== from?.fullname);
    if (lineDone || outcome.stop.reason === 'breakpoint-hit') return outcome;
    // The recording ended where a breakpoint is (the present, reached by a continue before Reverse
    // Continue): the continue stops there again, as live; gdb would resume over it unreported.
    const hit = kind === 'continue' ? await breakpointAt(this.gdb, here.address) : undefined;
    if (hit) return { kind: 'stopped', stop: { ...outcome.stop, reason: 'breakpoint-hit', breakpoint: hit } };
    return run(command);
  }

  /**
   * Runs live until the call made by `from`'s line returns: its return address is the stack's slot
   * nearest `fromSp` (the stack pointer when the line began) that holds an address in that line, or
   * just after it. Undefined when no such slot is found.
   */
  private async returnTo(run: Run, from: GdbFrame, fromSp: bigint): Promise<Outcome | undefined> {
    const line = await data.lineRangeAt(this.gdb, from.address);
    const sp = await data.evaluateInteger(this.gdb, '$sp');
    if (!line || fromSp - sp > MAX_CALL_STACK) return undefined;
    const { bytes } = await data.readMemory(this.gdb, sp, Number(fromSp - sp));
    let slot: bigint | undefined;
    let target = 0n;
    for (let offset = bytes.length - 8; offset >= 0; offset -= 8) {
      const value = bytes.readBigUInt64LE(offset);
      if (value > line.start && value <= line.end) {
        slot = sp + BigInt(offset);
        target = value;
        break;
      }
    }
    if (slot === undefined) return undefined;
    const point = await insertBreakpoint(this.gdb, `*0x${target.toString(16)}`, { temporary: true, condition: `$sp == 0x${(slot + 8n).toString(16)}` });
    try {
      const outcome = await run(() => exec.execContinue(this.gdb));
      if (outcome.kind !== 'stopped' || outcome.stop.breakpoint !== point.number) return outcome;
      return { kind: 'stopped', stop: { ...outcome.stop, reason: 'end-stepping-range', breakpoint: undefined } };
    } finally {
      await deleteBreakpoints(this.gdb, [point.number]).catch(() => undefined);
    }
  }

  /** How a stop in the recording reads in the UI; undefined when live. */
  describe(): string | undefined {
    const p = this.position;
    if (!p.active || !p.replaying) return undefined;
    if (p.current < p.lowest) { // gdb numbers the state before the oldest entry 0
      return p.lowest > 1
        ? `The start of the recording: it keeps the last ${this.limit} instructions (launch attribute stepBackLimit).`
        : 'The start of the recording (the first stop of the program).';
    }
    return 'Showing the past (Step Back). Step forward or Continue to return to the present.';
  }

  /** Moves a stop that fell inside an instruction forward to its end: the same pc, the exact state. */
  private async settle(run: Run, outcome: Outcome): Promise<Outcome> {
    let position = await this.refresh();
    while (outcome.kind === 'stopped' && position.active && position.inside) {
      outcome = await this.stepForward(run);
      position = await this.refresh();
    }
    return outcome;
  }

  /**
   * One forward command in the recording (stepi without `command`). gdb 13 never resumes the program
   * again after stepping over a breakpoint onto the end of the recording, so the last entry is
   * replayed by `record goto end`, which steps over nothing.
   */
  private async stepForward(run: Run, command?: () => Promise<unknown>): Promise<Outcome> {
    const position = this.position.active ? this.position : await this.refresh();
    if (!position.active || !position.replaying) return run(command ?? (() => exec.execStep(this.gdb, true)));
    if (position.current < position.highest - 1) return run(command ?? (() => exec.execStep(this.gdb, true)));
    await record.gotoRecordEnd(this.gdb);
    await this.refresh();
    const frame = (await listFrames(this.gdb, 1))[0] ?? { level: 0, address: 0n };
    return { kind: 'stopped', stop: { reason: 'end-stepping-range', frame } };
  }
}
