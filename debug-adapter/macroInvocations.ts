// Where the code of a NASM macro invocation starts. nasm's line table gives each instruction of an
// expansion the line of the macro body that made it, so an invocation line (`print msg, len`) has no
// code of its own: gdb slides a breakpoint there to the next line with code, after the expansion
// has run. nasm's listing says which instructions each invocation made; the trace reads it the
// same way to credit calls to the invocation (trace/map/nasmListing.ts).
import * as path from 'node:path';
import { loadProgramImage } from '../trace/map/sourceMapper';

export class MacroInvocations {
  private firstAddresses: Map<string, number> | undefined;

  /** `listing` and `source`: nasm's -l listing of the program and its main source (toolchain/target). */
  constructor(private readonly program: string, private readonly listing: string, private readonly source: string) {}

  /** The lowest address of code the invocation at `file:line` expanded to, if it is one. */
  firstAddress(file: string, line: number): bigint | undefined {
    const address = this.index().get(`${path.resolve(file)}:${line}`);
    return address === undefined ? undefined : BigInt(address);
  }

  private index(): Map<string, number> {
    if (this.firstAddresses) return this.firstAddresses;
    const image = loadProgramImage(this.program, { listing: this.listing, mainSource: this.source });
    const first = new Map<string, number>();
    // A position-independent program's link addresses are not where gdb will find the code.
    if (image && !image.elf.isPositionIndependent) {
      for (const [address, site] of image.macroSites) {
        const key = `${path.resolve(site.file)}:${site.line}`;
        const known = first.get(key);
        if (known === undefined || address < known) first.set(key, address);
      }
    }
    this.firstAddresses = first;
    return first;
  }
}
