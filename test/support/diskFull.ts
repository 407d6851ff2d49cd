// A disk that takes no more: tests wrap trace/model/privateFile's writeAll with failingWrites (in
// vi.mock) and set diskFull.now to make every later write fail as a full disk does.
export const diskFull = { now: false };

export function failingWrites<T extends { writeAll: (fd: number, bytes: Uint8Array, position: number) => number }>(actual: T): T {
  return {
    ...actual,
    writeAll: (fd: number, bytes: Uint8Array, position: number) => {
      if (diskFull.now) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return actual.writeAll(fd, bytes, position);
    },
  };
}
