// Frame names for code without debug types: gdb calls a local label `_start.loop`; people think
// "in _start, at .loop".
import type { GdbFrame } from './mi/stack';

export function frameName(frame: GdbFrame): string {
  const func = frame.func;
  if (!func) return `0x${frame.address.toString(16)}`;
  const dot = func.indexOf('.', 1);
  return dot > 0 ? `${func.slice(0, dot)} · ${func.slice(dot)}` : func;
}
