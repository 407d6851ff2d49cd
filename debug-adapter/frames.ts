// Frame names for code without debug types: gdb calls a local label `_start.loop`; people think
// "in _start, at .loop".
import type { GdbFrame } from './mi/stack';

export function frameName(frame: GdbFrame): string {
  const func = frame.func;
  if (!func) return `0x${frame.address.toString(16)}`;
  const dot = func.indexOf('.', 1);
  return dot > 0 ? `${func.slice(0, dot)} · ${func.slice(dot)}` : func;
}

/** Where a frame's source comes from, as the editor should treat it. */
export type FrameSourceKind =
  /** A file of the user's to open at the frame's line. */
  | 'user'
  /** A library's source that is on disk (under /usr, or a toolchain's): shown, but not focused on a stop. */
  | 'library'
  /** No readable file (libc's `./io/../sysdeps/…/write.c`, Rust's `/rustc/<hash>/…`): the frame shows as disassembly. */
  | 'none';

const LIBRARY_ROOTS = ['/usr/', '/lib/', '/lib64/', '/opt/'];

/** `exists` says whether a path names a readable file; gdb's fullname can be relative or from another machine. */
export function frameSourceKind(fullname: string | undefined, exists: (file: string) => boolean): FrameSourceKind {
  if (!fullname || !fullname.startsWith('/') || !exists(fullname)) return 'none';
  const home = /\/(\.cargo|\.rustup)\//.test(fullname);
  return home || LIBRARY_ROOTS.some((root) => fullname.startsWith(root)) ? 'library' : 'user';
}

/** Assembly sources (NASM's, GNU as's): code without call-frame information, which gdb cannot unwind or `finish`. */
export const isAssemblySource = (file: string | undefined): boolean => !!file && /\.(asm|nasm|inc|mac|s)$/i.test(file);
