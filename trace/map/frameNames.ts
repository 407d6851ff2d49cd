// The function a -k frame is in, checked against the binary's own symbols. strace (libunwind) names
// a frame after the nearest symbol before its address, and a stripped libc has only its exported
// symbols: fopen's internal helper shows as `fgets+0x219`, perror's as `__isoc99_vsscanf+0x10e`,
// the caller of main as `__libc_init_first+0x8a`. The symbol sizes say whether the named function
// reaches that far; when it does not, the frame gets the function that holds the address, or none.
import { statSync } from 'node:fs';
import type { StackFrame } from '../events';
import { functionAt, functionSpans, publicName, type FunctionSpan } from './callSites';
import { ElfFile } from './elf';

/** Larger files are not read (a frame may name anything). */
const MAX_MODULE_BYTES = 256 * 1024 * 1024;

interface ModuleSymbols {
  elf: ElfFile;
  functions: FunctionSpan[];
  starts: Set<number>;
}

export class FrameNames {
  private readonly modules = new Map<string, ModuleSymbols | undefined>();
  /** Per module, per address (doubled, plus 1 after a call): the frame as strace named it and our answer. */
  private readonly names = new Map<string, Map<number, { symbol: string; symbolOffset: number; name: string | undefined }>>();

  /**
   * @param frameAddresses what a frame's `[0x…]` is (see MapperOptions.frameAddresses).
   */
  constructor(private readonly frameAddresses: 'file-offset' | 'module-address') {}

  /**
   * The frame's function name, as strace gave it when the binary agrees (or cannot tell).
   * `afterCall`: the address follows the instruction that matters (a return address, or the ip after
   * a syscall instruction), which may be the last of its function (a call to a noreturn function
   * such as exit's), so the byte before it is looked up.
   */
  nameOf(frame: StackFrame, module: string, afterCall: boolean): string | undefined {
    if (frame.symbol === undefined || frame.symbolOffset === undefined) return frame.symbol;
    // Looked up without building a key: a -k trace asks this for every frame of every call.
    let byAddress = this.names.get(module);
    if (!byAddress) this.names.set(module, byAddress = new Map());
    const key = frame.address * 2 + (afterCall ? 1 : 0);
    const known = byAddress.get(key);
    if (known && known.symbol === frame.symbol && known.symbolOffset === frame.symbolOffset) return known.name;
    const name = this.check(frame, module, afterCall);
    byAddress.set(key, { symbol: frame.symbol, symbolOffset: frame.symbolOffset, name });
    return name;
  }

  private check(frame: StackFrame, module: string, afterCall: boolean): string | undefined {
    const symbols = this.symbolsOf(module);
    if (!symbols) return frame.symbol;
    const address = this.frameAddresses === 'module-address' ? frame.address : symbols.elf.addressOfFileOffset(frame.address);
    if (address === undefined) return frame.symbol;
    // The function strace named starts at a sized symbol of the binary: it is right when the
    // address lies inside it. Otherwise (no such symbol, a symbol without size) nothing can be checked.
    if (!symbols.starts.has(address - frame.symbolOffset!)) return frame.symbol;
    const holder = functionAt(symbols.functions, afterCall ? address - 1 : address);
    if (holder?.start === address - frame.symbolOffset!) return frame.symbol;
    return holder ? publicName(holder) : undefined;
  }

  private symbolsOf(module: string): ModuleSymbols | undefined {
    if (this.modules.has(module)) return this.modules.get(module);
    let symbols: ModuleSymbols | undefined;
    try {
      const stat = statSync(module);
      if (stat.isFile() && stat.size <= MAX_MODULE_BYTES) {
        const elf = ElfFile.read(module);
        const functions = functionSpans(elf);
        symbols = { elf, functions, starts: new Set(functions.map((f) => f.start)) };
      }
    } catch {
      symbols = undefined;
    }
    this.modules.set(module, symbols);
    return symbols;
  }
}
