// Which files an `%include` may make the server read. Everything read can end up on screen (hover
// shows a definition's line), so: NASM sources only, regular files only, nothing outside the
// workspace folders while the folder is untrusted, and a budget of bytes for all includes together.
import { realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';

export const NASM_EXTENSIONS = ['.asm', '.nasm', '.inc', '.s', '.mac'];
/** One file larger than this is not read (nor indexed). */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;
/**
 * Files read only because something includes them, together: 60 system headers took V8 out of
 * memory, and a parsed MiB of `equ` lines holds about 46 MB of heap.
 */
export const MAX_INCLUDE_BYTES = 8 * 1024 * 1024;

function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MiB`;
  return bytes >= 1024 ? `${Math.round(bytes / 1024)} KiB` : `${bytes} bytes`;
}

export function isNasmSourceName(file: string): boolean {
  return NASM_EXTENSIONS.includes(path.extname(file).toLowerCase());
}

export class IncludePolicy {
  /** VS Code workspace trust; other editors start trusted. */
  trusted = true;
  private roots: string[] = [];
  /** Bytes read for includes, by path; only files the workspace still holds count. */
  private readonly charged = new Map<string, number>();

  /** `held(file)`: whether the workspace still holds the document read from `file`. */
  constructor(
    private readonly held: (file: string) => boolean,
    private readonly limits = { fileBytes: MAX_FILE_BYTES, totalBytes: MAX_INCLUDE_BYTES },
  ) {}

  setFolders(folders: readonly string[]): void {
    this.roots = folders.map((folder) => realPath(folder) ?? path.resolve(folder));
  }

  /** Whether `file`, links followed, lies inside a workspace folder. */
  insideWorkspace(file: string): boolean {
    const real = realPath(file);
    return !!real && this.roots.some((root) => real === root || !path.relative(root, real).startsWith('..') && !path.isAbsolute(path.relative(root, real)));
  }

  /** Whether the server may hold a file it is not asked to read: anything when trusted, else only the workspace's. */
  mayKeep(file: string): boolean {
    return this.trusted || this.insideWorkspace(file);
  }

  /**
   * Why `file` may not be read for an `%include`, or undefined when it may: then its size is charged
   * to the budget until the workspace lets go of it.
   */
  refusal(file: string): string | undefined {
    const real = realPath(file);
    let size: number;
    try {
      const stat = statSync(real ?? file);
      if (!stat.isFile()) return 'it is not a regular file';
      size = stat.size;
    } catch {
      return undefined; // gone: nothing to read, nothing to refuse
    }
    if (!isNasmSourceName(file) || (real && !isNasmSourceName(real))) {
      return `only NASM sources (${NASM_EXTENSIONS.join(' ')}) are read for includes`;
    }
    if (!this.trusted && !this.insideWorkspace(file)) {
      return this.roots.length ? 'it is outside the workspace folder, and the folder is not trusted' : 'this window is not trusted and has no workspace folder';
    }
    if (size > this.limits.fileBytes) return `it is larger than ${formatSize(this.limits.fileBytes)}`;
    const used = this.usedBytes(file);
    if (used + size > this.limits.totalBytes) {
      return `the includes already read total ${formatSize(used)}, and this one would pass the ${formatSize(this.limits.totalBytes)} limit`;
    }
    this.charged.set(file, size);
    return undefined;
  }

  private usedBytes(except: string): number {
    let used = 0;
    for (const [file, bytes] of this.charged) {
      if (file !== except && this.held(file)) used += bytes;
      else if (file !== except) this.charged.delete(file);
    }
    return used;
  }
}

function realPath(file: string): string | undefined {
  try { return realpathSync(file); } catch { return undefined; }
}
