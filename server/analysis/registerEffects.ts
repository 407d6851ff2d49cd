// Which registers an instruction changes or reads without naming them as a written first operand.
// Data used by the dataflow analysis and the "read after syscall" lint.

/** Registers (64-bit families) an instruction overwrites implicitly. */
export const IMPLICIT_WRITES: Record<string, string[]> = {
  mul: ['rax', 'rdx'], div: ['rax', 'rdx'], idiv: ['rax', 'rdx'],
  cpuid: ['rax', 'rbx', 'rcx', 'rdx'], rdtsc: ['rax', 'rdx'], rdtscp: ['rax', 'rdx', 'rcx'], rdmsr: ['rax', 'rdx'],
  rdpmc: ['rax', 'rdx'], xgetbv: ['rax', 'rdx'],
  cbw: ['rax'], cwde: ['rax'], cdqe: ['rax'], cwd: ['rdx'], cdq: ['rdx'], cqo: ['rdx'], lahf: ['rax'], xlat: ['rax'], xlatb: ['rax'],
  lodsb: ['rax', 'rsi'], lodsw: ['rax', 'rsi'], lodsd: ['rax', 'rsi'], lodsq: ['rax', 'rsi'], lods: ['rax', 'rsi'],
  stosb: ['rdi'], stosw: ['rdi'], stosd: ['rdi'], stosq: ['rdi'], stos: ['rdi'],
  movsb: ['rsi', 'rdi'], movsw: ['rsi', 'rdi'], movsq: ['rsi', 'rdi'], movs: ['rsi', 'rdi'],
  cmpsb: ['rsi', 'rdi'], cmpsw: ['rsi', 'rdi'], cmpsd: ['rsi', 'rdi'], cmpsq: ['rsi', 'rdi'], cmps: ['rsi', 'rdi'],
  scasb: ['rdi'], scasw: ['rdi'], scasd: ['rdi'], scasq: ['rdi'], scas: ['rdi'],
  loop: ['rcx'], loope: ['rcx'], loopne: ['rcx'], loopz: ['rcx'], loopnz: ['rcx'],
  leave: ['rsp', 'rbp'], cmpxchg: ['rax'], in: ['rax'], insb: ['rdi'], outsb: ['rsi'],
  // The kernel returns in rax and the syscall instruction itself overwrites rcx (return rip) and r11 (rflags).
  syscall: ['rax', 'rcx', 'r11'], sysenter: ['rax'], int: ['rax'],
};

/** Registers an instruction reads implicitly (beyond its operands). */
export const IMPLICIT_READS: Record<string, string[]> = {
  mul: ['rax'], div: ['rax', 'rdx'], idiv: ['rax', 'rdx'], cdq: ['rax'], cqo: ['rax'], cwd: ['rax'], cdqe: ['rax'], cwde: ['rax'],
  loop: ['rcx'], loope: ['rcx'], loopne: ['rcx'], jrcxz: ['rcx'], jecxz: ['rcx'],
  stosb: ['rax', 'rdi'], stosw: ['rax', 'rdi'], stosd: ['rax', 'rdi'], stosq: ['rax', 'rdi'],
  movsb: ['rsi', 'rdi'], movsq: ['rsi', 'rdi'], lodsb: ['rsi'], lodsq: ['rsi'],
  syscall: ['rax', 'rdi', 'rsi', 'rdx', 'r10', 'r8', 'r9'],
};

/** Instructions whose first operand is only read (or that have no destination). */
export const NO_DESTINATION = new Set([
  'cmp', 'test', 'push', 'bt', 'out', 'call', 'jmp', 'ret', 'int', 'syscall', 'sysenter', 'nop', 'hlt', 'mul', 'div', 'idiv',
  'ptest', 'comiss', 'comisd', 'ucomiss', 'ucomisd', 'prefetchnta', 'prefetcht0', 'clflush', 'loop', 'jrcxz', 'jecxz',
]);

/** Instructions that overwrite their first operand without reading it. */
export const PURE_WRITE = new Set([
  'mov', 'movzx', 'movsx', 'movsxd', 'lea', 'pop', 'movabs', 'rdrand', 'rdseed', 'popcnt', 'lzcnt', 'tzcnt', 'bsf', 'bsr',
  'movd', 'movq', 'cvttsd2si', 'cvtsd2si', 'cvttss2si', 'cvtss2si',
]);
