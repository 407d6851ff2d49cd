// Standalone entry of the debug adapter: DAP over stdio (VS Code starts it; so does `syscall-lens dap`).
import './startEarly'; // first: gdb starts while the rest of the adapter loads
import { DebugSession } from '@vscode/debugadapter';
import { SyscallGdbSession } from './session';

DebugSession.run(SyscallGdbSession);
