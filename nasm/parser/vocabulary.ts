// The words NASM reserves: registers, mnemonics, directives, data keywords. Data, not logic.

export interface RegisterInfo {
  name: string;
  /** The 64-bit general-purpose register this one is part of; undefined for non-GPRs. */
  family?: string;
  bits: number;
  /** ah/bh/ch/dh: bits 8–15 of the family. */
  high?: boolean;
}

const GPR_TABLE: [string, string, string, string, string?][] = [
  // 64, 32, 16, 8-low, 8-high
  ['rax', 'eax', 'ax', 'al', 'ah'],
  ['rbx', 'ebx', 'bx', 'bl', 'bh'],
  ['rcx', 'ecx', 'cx', 'cl', 'ch'],
  ['rdx', 'edx', 'dx', 'dl', 'dh'],
  ['rsi', 'esi', 'si', 'sil'],
  ['rdi', 'edi', 'di', 'dil'],
  ['rbp', 'ebp', 'bp', 'bpl'],
  ['rsp', 'esp', 'sp', 'spl'],
  ...[8, 9, 10, 11, 12, 13, 14, 15].map((n): [string, string, string, string] => [`r${n}`, `r${n}d`, `r${n}w`, `r${n}b`]),
];

export const REGISTERS = new Map<string, RegisterInfo>();
for (const [r64, r32, r16, r8, r8h] of GPR_TABLE) {
  REGISTERS.set(r64, { name: r64, family: r64, bits: 64 });
  REGISTERS.set(r32, { name: r32, family: r64, bits: 32 });
  REGISTERS.set(r16, { name: r16, family: r64, bits: 16 });
  REGISTERS.set(r8, { name: r8, family: r64, bits: 8 });
  if (r8h) REGISTERS.set(r8h, { name: r8h, family: r64, bits: 8, high: true });
}
// NASM also accepts r8l..r15l for the low bytes.
for (let n = 8; n <= 15; n++) REGISTERS.set(`r${n}l`, { name: `r${n}l`, family: `r${n}`, bits: 8 });
for (const seg of ['cs', 'ds', 'es', 'fs', 'gs', 'ss']) REGISTERS.set(seg, { name: seg, bits: 16 });
for (const r of ['rip', 'eip', 'ip']) REGISTERS.set(r, { name: r, bits: r === 'rip' ? 64 : r === 'eip' ? 32 : 16 });
for (let n = 0; n < 32; n++) {
  REGISTERS.set(`xmm${n}`, { name: `xmm${n}`, bits: 128 });
  REGISTERS.set(`ymm${n}`, { name: `ymm${n}`, bits: 256 });
  REGISTERS.set(`zmm${n}`, { name: `zmm${n}`, bits: 512 });
}
for (let n = 0; n < 8; n++) {
  REGISTERS.set(`st${n}`, { name: `st${n}`, bits: 80 });
  REGISTERS.set(`mm${n}`, { name: `mm${n}`, bits: 64 });
  REGISTERS.set(`k${n}`, { name: `k${n}`, bits: 64 });
  REGISTERS.set(`cr${n}`, { name: `cr${n}`, bits: 64 });
  REGISTERS.set(`dr${n}`, { name: `dr${n}`, bits: 64 });
}

/** The register of `family` with the given width, e.g. (rdi, 32) → edi. */
export function registerOfWidth(family: string, bits: number): string | undefined {
  for (const info of REGISTERS.values()) {
    if (info.family === family && info.bits === bits && !info.high && !/^r\d+l$/.test(info.name)) return info.name;
  }
  return undefined;
}

export const CONDITION_CODES = [
  'o', 'no', 'b', 'c', 'nae', 'ae', 'nb', 'nc', 'e', 'z', 'ne', 'nz', 'be', 'na', 'a', 'nbe',
  's', 'ns', 'p', 'pe', 'np', 'po', 'l', 'nge', 'ge', 'nl', 'le', 'ng', 'g', 'nle',
];

const BASE_MNEMONICS = `
aaa aad aam aas adc adcx add addpd addps addsd addss adox and andn andnpd andnps andpd andps
bextr blsi blsmsk blsr bsf bsr bswap bt btc btr bts bzhi call cbw cdq cdqe clc cld clflush cli clts cmc
cmp cmpsb cmpsd cmpsq cmpsw cmps cmpxchg cmpxchg8b cmpxchg16b comisd comiss cpuid cqo crc32 cvtsd2si cvtsi2sd
cvtsi2ss cvtss2si cvttsd2si cvttss2si cwd cwde daa das dec div divpd divps divsd divss emms endbr64 endbr32 enter
f2xm1 fabs fadd faddp fchs fcom fcomp fdiv fdivp fild fist fistp fld fld1 fldz fmul fmulp fninit fnstsw fsqrt fst fstp fsub fsubp fwait fxch
hlt idiv imul in inc ins insb insd insw int int3 int1 into invd invlpg iret iretd iretq jcxz jecxz jrcxz jmp
lahf lar lddqu ldmxcsr lea leave lfence lgdt lidt lods lodsb lodsd lodsq lodsw loop loope loopne loopnz loopz lzcnt
maxpd maxps maxsd maxss mfence minpd minps minsd minss monitor mov movabs movapd movaps movbe movd movdqa movdqu movhlps
movhpd movhps movlhps movlpd movlps movmskpd movmskps movntdq movnti movntps movq movs movsb movsd movsq movss movsw
movsx movsxd movupd movups movzx mul mulpd mulps mulsd mulss mulx mwait neg nop not or orpd orps out outs outsb outsd outsw
pabsb pabsd pabsw packssdw packsswb packuswb paddb paddd paddq paddw pand pandn pause pavgb pavgw pcmpeqb pcmpeqd pcmpeqw
pcmpgtb pcmpgtd pcmpgtw pcmpistri pdep pext pextrb pextrd pextrq pextrw pinsrb pinsrd pinsrq pinsrw pmaxsw pmaxub pminsw
pminub pmovmskb pmulhw pmullw pop popa popad popcnt popf popfd popfq por prefetchnta prefetcht0 prefetcht1 prefetcht2 pshufb
pshufd pslld pslldq psllq psllw psrad psraw psrld psrldq psrlq psrlw psubb psubd psubq psubw ptest punpckhbw punpcklbw
punpckldq punpcklqdq push pusha pushad pushf pushfd pushfq pxor rcl rcr rdmsr rdpmc rdrand rdseed rdtsc rdtscp ret retf retn
rol ror rorx rsm sahf sal sar sarx sbb scas scasb scasd scasq scasw sfence sgdt shl shld shlx shr shrd shrx shufpd shufps sidt
sldt smsw sqrtpd sqrtps sqrtsd sqrtss stc std sti stmxcsr stos stosb stosd stosq stosw str sub subpd subps subsd subss swapgs
syscall sysenter sysexit sysret test tzcnt ucomisd ucomiss ud2 unpckhpd unpckhps unpcklpd unpcklps verr verw wait wbinvd
wrmsr xadd xchg xgetbv xlat xlatb xor xorpd xorps xrstor xsave
vaddpd vaddps vaddsd vaddss vandpd vandps vbroadcastss vmovapd vmovaps vmovdqa vmovdqu vmovups vmovupd vmulpd vmulps
vpaddd vpxor vpand vpor vsubpd vsubps vxorpd vxorps vzeroupper vzeroall vpbroadcastb vpcmpeqb vpmovmskb vptest
`;

export const MNEMONICS = new Set<string>(BASE_MNEMONICS.split(/\s+/).filter(Boolean));
for (const cc of CONDITION_CODES) {
  MNEMONICS.add(`j${cc}`);
  MNEMONICS.add(`set${cc}`);
  MNEMONICS.add(`cmov${cc}`);
}

export const PREFIXES = new Set(['lock', 'rep', 'repe', 'repz', 'repne', 'repnz', 'a16', 'a32', 'a64', 'o16', 'o32', 'o64', 'bnd', 'xacquire', 'xrelease']);

/** Data definitions and the size in bytes of one element. */
export const DATA_SIZES: Record<string, number> = { db: 1, dw: 2, dd: 4, dq: 8, dt: 10, do: 16, dy: 32, dz: 64 };
export const RESERVE_SIZES: Record<string, number> = { resb: 1, resw: 2, resd: 4, resq: 8, rest: 10, reso: 16, resy: 32, resz: 64 };

/** Assembler directives (as opposed to preprocessor `%` directives). */
export const DIRECTIVES = new Set([
  'bits', 'use16', 'use32', 'use64', 'default', 'section', 'segment', 'absolute', 'extern', 'extrn', 'global', 'common',
  'static', 'required', 'cpu', 'float', 'org', 'align', 'alignb', 'struc', 'endstruc', 'istruc', 'at', 'iend', 'incbin',
  'times', 'equ', 'sectalign', 'warning', 'list', 'map', 'group', 'uppercase', 'import', 'export', 'osabi',
]);

export const SIZE_KEYWORDS = new Set(['byte', 'word', 'dword', 'qword', 'tword', 'oword', 'yword', 'zword', 'far', 'near', 'short', 'strict', 'rel', 'abs', 'nosplit', 'ptr']);

/** Mnemonics after which control does not simply continue to the next line: they end a basic block. */
export function endsBlock(mnemonic: string): boolean {
  return mnemonic === 'jmp' || mnemonic === 'call' || mnemonic === 'ret' || mnemonic === 'retn' || mnemonic === 'retf'
    || mnemonic === 'iret' || mnemonic === 'iretq' || mnemonic === 'iretd' || mnemonic === 'sysret' || mnemonic === 'hlt'
    || mnemonic === 'ud2' || mnemonic.startsWith('loop') || mnemonic === 'jcxz' || mnemonic === 'jecxz' || mnemonic === 'jrcxz'
    || (mnemonic[0] === 'j' && MNEMONICS.has(mnemonic));
}
