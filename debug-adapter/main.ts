// Standalone entry of the debug adapter: DAP over stdio (VS Code starts it; so does `syscall-lens dap`).
import { DebugSession } from '@vscode/debugadapter';
import { SyscallGdbSession } from './session';

DebugSession.run(SyscallGdbSession);
