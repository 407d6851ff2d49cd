// One basic block of many syscalls (a generated straight-line program): hover and code action right
// after a one-character edit in its middle. The block must be re-analysed, but in linear time: the
// figure is the cost per syscall at 50 000 syscalls against the same at 5 000, in the same run
// (1.0 = linear). The rcx-instead-of-r10 lint was quadratic: 6 s at 5 000 syscalls, 27 s at 10 000.
import { codeActionsIn } from '../../server/features/codeActions';
import { hoverAt } from '../../server/features/hover';
import { lintDocument } from '../../server/features/documentLints';
import { tuneHeapForParsing } from '../../server/runtime';
import { pathToUri, Workspace } from '../../server/workspace';

const SMALL = 5_000;
const LARGE = 50_000;
const RUNS = 3;

/** write(1, msg, len), then mmap with its 4th argument wrongly in rcx (a lint with a fix), over and over, then exit. */
function block(syscalls: number): string {
  const out = ['section .data', 'msg: db "hi", 10', 'len equ $ - msg', 'section .text', 'global _start', '_start:'];
  for (let i = 0; i < syscalls / 2; i++) {
    out.push('  mov eax, 1', '  mov edi, 1', '  lea rsi, [rel msg]', '  mov edx, len', '  syscall');
    out.push('  mov eax, 9', '  xor edi, edi', '  mov esi, 4096', '  mov ecx, 3', '  syscall');
  }
  out.push('  mov eax, 60', '  xor edi, edi', '  syscall', '');
  return out.join('\n');
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const ms = (v: number) => `${v.toFixed(0)} ms`;

function time(run: () => unknown): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

/** Best of RUNS: hover on a syscall and the code actions of a linted line, each after its own one-char edit. */
function measure(syscalls: number): { hover: number; action: number } {
  const workspace = new Workspace();
  const document = workspace.open(pathToUri(`/nonexistent/block-${syscalls}.asm`), block(syscalls), 1);
  lintDocument(workspace, document);
  const middle = 6 + 10 * Math.floor(syscalls / 4); // `mov eax, 1` of a write in the middle
  let digit = 2;
  const edit = () => document.applyChange({ range: { start: { line: middle + 1, character: 11 }, end: { line: middle + 1, character: 12 } }, text: String(digit++ % 10) });
  const best = (run: () => unknown) => Math.min(...Array.from({ length: RUNS }, () => { edit(); gc(); return time(run); }));
  return {
    hover: best(() => hoverAt(workspace, document, middle + 4, 3)),
    action: best(() => codeActionsIn(workspace, document, middle + 8, middle + 8)), // `mov ecx, 3`: use r10
  };
}

function main(): void {
  tuneHeapForParsing(); // as server/main.ts does
  measure(SMALL); // warm-up: compile the analysis before timing it
  const small = measure(SMALL);
  const large = measure(LARGE);
  const perCall = (large: number, small: number) => ((large / LARGE) / (small / SMALL)).toFixed(2);
  console.log(`one block of ${LARGE} syscalls (${LARGE * 5} lines) vs ${SMALL}, after a one-character edit:`);
  console.log(`  hover on a syscall: ${ms(large.hover)} vs ${ms(small.hover)} → cost per syscall ${perCall(large.hover, small.hover)}× (1.0 = linear)`);
  console.log(`  code action: ${ms(large.action)} vs ${ms(small.action)} → cost per syscall ${perCall(large.action, small.action)}× (1.0 = linear)`);
}

main();
