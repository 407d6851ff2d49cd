// The syscall database shared by the language server, the debug adapter and the trace engine.
// vscode-free and browser-safe (no node modules); the man-page helper lives apart in ./manpage.
export * from './types';
export { lookupSyscall, lookupSyscallByName, allSyscalls, tableOrigin, manUrl, abiLabel } from './table';
export { CALLING_CONVENTIONS, argumentIndexOfRegister, registerOfArgument, canonicalRegister, registerWidth } from './conventions';
export {
  decodeArgument, decodeResult, decodeMode, encodeFlags, constantsForArgument, argumentDecoder, cTypeOf, resultKind,
  type ArgumentDecoder,
} from './decode';
export { argumentUse } from './argumentUse';
export { errnoByNumber, errnoByName, allErrnos, documentedErrnos } from './errno';
export { signalName, signalNumber, standardSignals } from './signals';
export { formatCall, syscallMarkdown, signature, declaration, likelyErrnos, failureErrnos, resultText, type CallArgument } from './format';
export { CONSTANT_SETS, AT_FDCWD, type ConstantSetName } from './constants';
export {
  parseSyscallQuery, searchSyscalls, matchesSyscallQuery, isImplemented, nearestSyscallNames, type SyscallQuery, type QueryWord,
} from './search';
export { syscallCallLines } from './snippet';
