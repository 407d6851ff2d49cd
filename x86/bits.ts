// Two's complement on bigints: registers hold bit patterns; people read them signed or unsigned.

/** All ones in the low `bits` bits. */
export function mask(bits: number): bigint {
  return (1n << BigInt(bits)) - 1n;
}

/** The low `bits` of `value` read as a two's complement number (0x80 at 8 bits → -128). */
export function toSigned(value: bigint, bits: number): bigint {
  const v = value & mask(bits);
  return v >= 1n << BigInt(bits - 1) ? v - (1n << BigInt(bits)) : v;
}

/** The low `bits` of `value` read as an unsigned number (-2 at 8 bits → 0xfe). */
export function toUnsigned(value: bigint, bits: number): bigint {
  return value & mask(bits);
}
