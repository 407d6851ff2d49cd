// The custom parts of the protocol between the VS Code client and this server, typed in one place.
// Other LSP clients need none of it: every field has a sensible default.

/** Settings the server reads (section `syscallLens` of workspace/configuration, or initializationOptions.settings). */
export interface ServerSettings {
  nasmPath: string;
  includePaths: string[];
  /** What the project's build defines (nasm -D): `NAME` or `NAME=value`; `%ifdef` follows them. */
  defines: string[];
  outputFormat: 'elf64' | 'elf32';
  diagnosticsEnabled: boolean;
  /** Bounds on each nasm run behind diagnostics: address space (MB) and wall-clock time (s). */
  nasmLimits: { memoryMB: number; timeSeconds: number };
  /** `bytes`: the machine code at the end of each line, from nasm's listing (off unless asked for). */
  inlayHints: { syscallCall: boolean; parameterNames: boolean; bytes: boolean };
  /** syscallLens.buildDirectory as written ('' for the default): where the built program is, for label addresses. */
  buildDirectory: string;
}

export const DEFAULT_SETTINGS: ServerSettings = {
  nasmPath: 'nasm',
  includePaths: [],
  defines: [],
  outputFormat: 'elf64',
  diagnosticsEnabled: true,
  nasmLimits: { memoryMB: 1024, timeSeconds: 15 },
  inlayHints: { syscallCall: true, parameterNames: true, bytes: false },
  buildDirectory: '',
};

export interface InitializationOptions {
  settings?: Partial<ServerSettings>;
  /** VS Code workspace trust. Absent (other editors): trusted, since the user chose to run the server. */
  trusted?: boolean;
  /** The client already sends workspace/didChangeWatchedFiles for NASM files (VS Code does). */
  clientWatchesFiles?: boolean;
}

/** Client → server when workspace trust changes; in an untrusted folder the server never runs nasm. */
export const TRUST_NOTIFICATION = 'syscallLens/trustChanged';
export interface TrustParams { trusted: boolean }

/**
 * Server → client after each nasm run of a root document with a `; syscall-lens: shellcode` comment
 * (and once, with `shellcode: false`, when it no longer has one): for the status bar.
 */
export const SHELLCODE_STATUS_NOTIFICATION = 'syscallLens/shellcodeStatus';
export interface ShellcodeStatus {
  uri: string;
  shellcode: boolean;
  /** File bytes nasm's listing gives the whole unit. */
  length: number;
  /** Lines with a bad byte, and absolute addresses. */
  badLines: number;
  absolute: number;
  /** Bytes from incbin, not checked. */
  unchecked: number;
}

/** Client → server: a root document's bytes as one block, from nasm's listing of the text the editor shows. */
export const SHELLCODE_BYTES_REQUEST = 'syscallLens/shellcodeBytes';
export interface ShellcodeBytesParams { uri: string }
/** `hex`: the bytes; else why there are none (`pending`: nasm has not yet assembled this text, ask again). */
export type ShellcodeBytesResult = { hex: string } | { problem: string; pending?: boolean };

/** Merges a raw configuration object (shaped like the `syscallLens` settings section) onto the defaults. */
export function settingsFromConfiguration(raw: unknown, base: ServerSettings = DEFAULT_SETTINGS): ServerSettings {
  if (!raw || typeof raw !== 'object') return base;
  const r = raw as Record<string, unknown>;
  const str = (v: unknown, d: string) => (typeof v === 'string' && v ? v : d);
  const bool = (v: unknown, d: boolean) => (typeof v === 'boolean' ? v : d);
  const nested = (key: string) => (r[key] && typeof r[key] === 'object' ? r[key] as Record<string, unknown> : {});
  const diagnostics = nested('diagnostics');
  const hints = nested('inlayHints');
  const limits = r.nasmLimits && typeof r.nasmLimits === 'object' ? r.nasmLimits as Record<string, unknown> : {};
  const positive = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : d);
  return {
    nasmPath: str(r.nasmPath, base.nasmPath),
    includePaths: Array.isArray(r.includePaths) ? r.includePaths.filter((p): p is string => typeof p === 'string') : base.includePaths,
    defines: Array.isArray(r.defines) ? r.defines.filter((d): d is string => typeof d === 'string') : base.defines,
    outputFormat: r.outputFormat === 'elf32' || r.outputFormat === 'elf64' ? r.outputFormat : base.outputFormat,
    diagnosticsEnabled: bool(r.diagnosticsEnabled, bool(diagnostics.enable, base.diagnosticsEnabled)),
    nasmLimits: {
      memoryMB: positive(limits.memoryMB, positive(diagnostics.nasmMemoryLimitMB, base.nasmLimits.memoryMB)),
      timeSeconds: positive(limits.timeSeconds, positive(diagnostics.nasmTimeLimitSeconds, base.nasmLimits.timeSeconds)),
    },
    inlayHints: {
      syscallCall: bool(hints.syscallCall, base.inlayHints.syscallCall),
      parameterNames: bool(hints.parameterNames, base.inlayHints.parameterNames),
      bytes: bool(hints.bytes, base.inlayHints.bytes),
    },
    buildDirectory: typeof r.buildDirectory === 'string' ? r.buildDirectory : base.buildDirectory,
  };
}
