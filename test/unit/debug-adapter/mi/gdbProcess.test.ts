import { describe, expect, it } from 'vitest';
import { gdbEnvironment, withGdbEnvironment } from '../../../../debug-adapter/mi/gdbProcess';
import { cacheDirectory } from '../../../../toolchain/cacheDirectory';

describe("gdb's environment", () => {
  it('gives gdb English messages, a dumb terminal and a bytecode cache of our own, writable even when the user turned writing off', () => {
    const env = withGdbEnvironment({ PATH: '/usr/bin', PYTHONDONTWRITEBYTECODE: '1', LC_ALL: 'de_DE.UTF-8' });
    expect(env).toEqual({ PATH: '/usr/bin', LC_ALL: 'C', TERM: 'dumb', PYTHONPYCACHEPREFIX: cacheDirectory('gdb-python') });
  });

  it("keeps a cache prefix the user chose, and the user's wish not to write bytecode with it", () => {
    const host = { PYTHONPYCACHEPREFIX: '/mine', PYTHONDONTWRITEBYTECODE: '1' };
    expect(withGdbEnvironment(host)).toEqual({ ...host, LC_ALL: 'C', TERM: 'dumb' });
  });

  it('names every variable it changes, so that the program gets the host value back (or none)', () => {
    expect(Object.keys(gdbEnvironment({})).sort()).toEqual(['LC_ALL', 'PYTHONDONTWRITEBYTECODE', 'PYTHONPYCACHEPREFIX', 'TERM']);
  });
});
