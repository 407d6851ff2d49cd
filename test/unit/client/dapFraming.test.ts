import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameReader, type DapMessage } from '../../../client/dapFraming';

function reader() {
  const messages: DapMessage[] = [];
  const problems: string[] = [];
  return { messages, problems, frames: new FrameReader((m) => messages.push(m), (p) => problems.push(p)) };
}

describe('DAP frames', () => {
  it('round-trips messages whatever the chunking, counting bytes not characters', () => {
    const sent = [
      { seq: 1, type: 'event', event: 'output', body: { output: 'héllo → wörld\n' } },
      { seq: 2, type: 'request', command: 'runInTerminal', arguments: { args: ['a b', ''] } },
    ];
    const wire = Buffer.concat(sent.map(encodeFrame));
    for (const size of [1, 2, 7, 64, wire.length]) {
      const { messages, problems, frames } = reader();
      for (let i = 0; i < wire.length; i += size) frames.push(wire.subarray(i, i + size));
      expect(messages).toEqual(sent);
      expect(problems).toEqual([]);
    }
  });

  it('waits for a whole body, and reports a frame it cannot read instead of guessing', () => {
    const { messages, problems, frames } = reader();
    const frame = encodeFrame({ seq: 3, type: 'response' });
    frames.push(frame.subarray(0, frame.length - 1));
    expect(messages).toEqual([]);
    frames.push(frame.subarray(frame.length - 1));
    expect(messages).toHaveLength(1);
    frames.push(Buffer.from('X-Other: 1\r\n\r\nContent-Length: 2\r\n\r\n{]'));
    frames.push(encodeFrame({ seq: 4, type: 'event' }));
    expect(problems).toEqual([expect.stringMatching(/without Content-Length/), expect.stringMatching(/not JSON/)]);
    expect(messages.map((m) => m.seq)).toEqual([3, 4]);
  });
});
