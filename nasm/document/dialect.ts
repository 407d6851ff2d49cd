// Whether a `.s` file is NASM. The extension is the GNU assembler's by convention, but NASM users use
// it too (course projects assemble `ft_strlen.s` with `nasm -f elf64`). NASM announces itself with its
// directives at the start of a line (section, global, extern, bits, default, %define, %macro, ...);
// GNU as with its dot directives (.globl, .section, .intel_syntax, ...) and AT&T's %-prefixed registers.

const NASM_DIRECTIVE = /^[ \t]*(?:\[?(?:section|segment|global|extern|bits|default|cpu)[ \t]|%(?:define|xdefine|assign|macro|imacro|include|ifdef|ifndef|if)\b)/im;
const GAS_DIRECTIVE = /^[ \t]*(?:[A-Za-z_.$][\w.$]*:[ \t]*)?\.(?:globl|global|section|text|data|bss|rodata|intel_syntax|att_syntax|type|size|file|loc|p2align|balign|byte|short|word|long|quad|ascii|asciz|string|code16|code32|code64|cfi_\w+|ident|weak|comm|lcomm|macro|include|equ|set)\b/im;
const ATT_REGISTER = /%(?:[re]?(?:ax|bx|cx|dx|si|di|sp|bp|ip)|r(?:[89]|1[0-5])[dwb]?|[abcd][lh]|[sd]il|[sb]pl|[xyz]mm\d+)\b/i;

/** True when `text` reads as NASM source rather than GNU as. */
export function isNasmSyntax(text: string): boolean {
  return NASM_DIRECTIVE.test(text) && !GAS_DIRECTIVE.test(text) && !ATT_REGISTER.test(text);
}
