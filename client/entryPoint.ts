// Where a program starts, for the Debug and Trace CodeLenses: `_start:` (or `main:` when a NASM
// program is linked with libc) in assembly, `int main(` or `void main(` in C. vscode-free.

/** The 0-based line that defines the program's entry point, or undefined. */
export function entryPointLine(languageId: string, lines: readonly string[]): number | undefined {
  const entry = languageId === 'c' ? /^\s*(?:int|void)\s+main\s*\(/ : /^\s*(_start|main)\s*:/;
  const index = lines.findIndex((line) => entry.test(line));
  return index < 0 ? undefined : index;
}
