import { describe, expect, it } from 'vitest';
import { Foreground } from '../../../../server/lsp/foreground';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Foreground.idle', () => {
  it('waits while a message is handled in every turn, and resolves two quiet turns after the last', async () => {
    const foreground = new Foreground();
    let idle = false;
    const waiting = foreground.idle().then(() => { idle = true; });
    for (let i = 0; i < 20; i++) {
      foreground.noteMessage();
      await turn();
    }
    expect(idle).toBe(false);
    await waiting;
    expect(idle).toBe(true);
  });

  it('resolves without a message in two turns', async () => {
    const foreground = new Foreground();
    let turns = 0;
    let idle = false;
    const waiting = foreground.idle().then(() => { idle = true; });
    while (!idle && turns < 10) { await turn(); turns++; }
    await waiting;
    expect(turns).toBeLessThanOrEqual(3);
  });
});
