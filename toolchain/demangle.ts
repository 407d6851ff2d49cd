// Symbol names as their authors wrote them: C++ (`_Z…`) and Rust, legacy (`_ZN…17h<hash>E`) and v0
// (`_R…`, which std uses), demangled by binutils' c++filt — it ships with ld, so it is there
// wherever we can link. Without it, or for a name it does not know, the name stays as it is.
import { findExecutable, runProgram } from './tools';

const DEMANGLE_TIMEOUT_MS = 10_000;

const isMangled = (name: string) => /^_[ZR]/.test(name) && !name.includes('\n');

/**
 * Rust's disambiguating hashes say nothing to a reader: the crate's (`core[c1f1a4ba060b9bfa]::`) in
 * v0 names and the trailing `::h2baf012d534236ae` of legacy ones.
 */
export function withoutRustHashes(demangled: string): string {
  return demangled.replace(/(?<=\w)\[[0-9a-f]{12,16}\]/g, '').replace(/::h[0-9a-f]{16}$/, '');
}

/** Each name demangled (same order); names c++filt leaves alone, or all when it is missing, unchanged. */
export async function demangleNames(names: readonly string[], options: { cxxfiltPath?: string } = {}): Promise<string[]> {
  const mangled = names.filter(isMangled);
  if (mangled.length === 0) return [...names];
  const cxxfilt = findExecutable(options.cxxfiltPath || 'c++filt');
  if (!cxxfilt) return [...names];
  const result = await runProgram(cxxfilt, [], { input: `${mangled.join('\n')}\n`, timeoutMs: DEMANGLE_TIMEOUT_MS });
  const lines = result.stdout.split('\n');
  if (result.exitCode !== 0 || lines.length < mangled.length) return [...names];
  const demangled = new Map(mangled.map((name, i) => [name, lines[i]!]));
  return names.map((name) => {
    const readable = demangled.get(name);
    if (readable === undefined || readable === name) return name;
    return name.startsWith('_R') || /17h[0-9a-f]{16}E$/.test(name) ? withoutRustHashes(readable) : readable;
  });
}
