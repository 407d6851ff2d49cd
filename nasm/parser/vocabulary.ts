// The words NASM reserves: registers, mnemonics, directives, data keywords. Data, not logic.
import { GPR_VIEWS, INSTRUCTION_POINTERS, OTHER_REGISTER_FILES, SEGMENT_REGISTERS, type GprFamily } from '../../x86';

export interface RegisterInfo {
  name: string;
  /** The 64-bit general-purpose register this one is part of; undefined for non-GPRs. */
  family?: GprFamily;
  bits: number;
  /** ah/bh/ch/dh: bits 8–15 of the family. */
  high?: boolean;
}

export const REGISTERS = new Map<string, RegisterInfo>();
for (const view of GPR_VIEWS) {
  const info: RegisterInfo = { name: view.name, family: view.family, bits: view.bits, ...(view.shift ? { high: true } : {}) };
  REGISTERS.set(view.name, info);
  for (const alias of view.altregAliases) REGISTERS.set(alias, { ...info, name: alias });
}
for (const seg of SEGMENT_REGISTERS) REGISTERS.set(seg, { name: seg, bits: 16 });
for (const { name, bits } of INSTRUCTION_POINTERS) REGISTERS.set(name, { name, bits });
for (const { prefix, count, bits } of OTHER_REGISTER_FILES) {
  for (let n = 0; n < count; n++) REGISTERS.set(`${prefix}${n}`, { name: `${prefix}${n}`, bits });
}

export { registerOfWidth } from '../../x86';

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
