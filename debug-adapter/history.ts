// Step Back and Reverse Continue: gdb's process record (`record full`) from the first stop, made exact
// by record.py. record.py follows each instruction gdb 13 records wrongly with register writes of its
// own; the positions between those entries are "inside" an instruction, and replay never stops there.
import type { Gdb } from './mi/gdb';
import * as record from './mi/record';
import * as exec from './mi/exec';
import { listFrames } from './mi/stack';
import { pythonHelper } from './keeper';
import { breakpointAt, type Outcome, type ResumeKind } from './syscallResume';

/** Instructions kept for Step Back; past it the oldest go (launch attribute `stepBackLimit`). */
export const DEFAULT_STEP_BACK_LIMIT = 100_000;

export type BackKind = 'line' | 'instruction' | 'continue';
type Run = (command: () => Promise<unknown>) => Promise<Outcome>;

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

  /** Step Back (by line or instruction) or Reverse Continue. */
  async back(run: Run, kind: BackKind): Promise<Outcome> {
    // Right after an instruction record.py completed, undo its writes first: the next entry back is
    // then the instruction itself, so stepping back one instruction undoes exactly one.
    let position = await this.refresh(true);
    while (position.active && position.afterWrites) {
      await run(() => record.execReverse(this.gdb, 'instruction'));
      position = await this.refresh(true);
    }
    return this.settle(run, await run(() => record.execReverse(this.gdb, kind)));
  }

  /** A forward command while replaying; past the end of the recording it goes on live. */
  async forward(run: Run, kind: ResumeKind, command: () => Promise<unknown>): Promise<Outcome> {
    await this.refresh();
    const from = (await listFrames(this.gdb, 1))[0];
    let outcome = await this.settle(run, await this.stepForward(run, kind === 'instruction' ? undefined : command));
    if (this.replaying || kind === 'instruction' || outcome.kind !== 'stopped') return outcome;
    // At the end of the recording: a continue goes on; a line step goes on unless the line changed.
    const here = outcome.stop.frame;
    const lineDone = kind === 'line' && (here.line !== from?.line || here.fullname !== from?.fullname);
    if (lineDone || outcome.stop.reason === 'breakpoint-hit') return outcome;
    // The recording ended where a breakpoint is (the present, reached by a continue before Reverse
    // Continue): the continue stops there again, as live; gdb would resume over it unreported.
    const hit = kind === 'continue' ? await breakpointAt(this.gdb, here.address) : undefined;
    if (hit) return { kind: 'stopped', stop: { ...outcome.stop, reason: 'breakpoint-hit', breakpoint: hit } };
    return run(command);
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
