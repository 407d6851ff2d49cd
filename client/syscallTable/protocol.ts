// Messages between the extension host and the syscall table webview. Types only: both sides import
// this file. The rows themselves the webview reads from the syscall database it bundles (syscalls/
// is browser-safe); the host adds what needs the machine: man pages and the editor.
import type { Abi } from '../../syscalls/types';

/** What the table shows; kept in the webview state and restored when the panel comes back. */
export interface TableState {
  abi: Abi;
  query: string;
  category: string;
  implementedOnly: boolean;
  selected?: string;
}

export type TableMessage =
  | { type: 'ready' }
  | { type: 'select'; abi: Abi; name: string }
  | { type: 'insert'; abi: Abi; name: string }
  | { type: 'copy'; abi: Abi; name: string }
  | { type: 'openManPage'; abi: Abi; name: string };

export type TableHostMessage =
  /** Opens the table on a syscall (from a command argument), or just restores the state. */
  | { type: 'show'; state?: Partial<TableState> }
  /** The local man page of the selected syscall: its ERRORS and its text, or why there is none. */
  | { type: 'manPage'; abi: Abi; name: string; errors?: string[]; text?: string; missing?: string }
  /** Whether Insert has an editor to insert into (the last active text editor). */
  | { type: 'editor'; name?: string };
