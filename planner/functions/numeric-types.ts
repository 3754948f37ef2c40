// Result types of numeric arithmetic, following Flink (INT op INT stays INT) with DECIMAL capped at 18 digits.
import { MAX_DECIMAL_PRECISION, type SqlType } from '../types.ts';

export function isNumberLike(t: SqlType): boolean {
  return t.id === 'INT' || t.id === 'BIGINT' || t.id === 'DOUBLE' || t.id === 'DECIMAL' || t.id === 'NULL';
}

/** Precision/scale an exact type contributes when mixed with DECIMAL. */
function asDecimal(t: SqlType): { p: number; s: number } {
  if (t.id === 'DECIMAL') return { p: t.precision, s: t.scale };
  if (t.id === 'INT') return { p: 10, s: 0 };
  return { p: 18, s: 0 }; // BIGINT (19 digits, capped)
}

function dec(p: number, s: number): SqlType {
  const precision = Math.min(MAX_DECIMAL_PRECISION, Math.max(p, 1));
  return { id: 'DECIMAL', precision, scale: Math.min(s, precision) };
}

/** The type both sides of a comparison or arithmetic widen to. */
export function widen(a: SqlType, b: SqlType): SqlType {
  if (a.id === 'NULL') return b.id === 'NULL' ? { id: 'INT' } : b;
  if (b.id === 'NULL') return a;
  if (a.id === 'DOUBLE' || b.id === 'DOUBLE') return { id: 'DOUBLE' };
  if (a.id === 'DECIMAL' || b.id === 'DECIMAL') {
    const x = asDecimal(a);
    const y = asDecimal(b);
    const s = Math.max(x.s, y.s);
    return dec(Math.max(x.p - x.s, y.p - y.s) + s, s);
  }
  if (a.id === 'BIGINT' || b.id === 'BIGINT') return { id: 'BIGINT' };
  return { id: 'INT' };
}

export function addType(a: SqlType, b: SqlType): SqlType {
  const w = widen(a, b);
  if (w.id !== 'DECIMAL') return w;
  const x = asDecimal(a.id === 'NULL' ? b : a);
  const y = asDecimal(b.id === 'NULL' ? a : b);
  const s = Math.max(x.s, y.s);
  return dec(Math.max(x.p - x.s, y.p - y.s) + s + 1, s);
}

export function multiplyType(a: SqlType, b: SqlType): SqlType {
  const w = widen(a, b);
  if (w.id !== 'DECIMAL') return w;
  const x = asDecimal(a.id === 'NULL' ? b : a);
  const y = asDecimal(b.id === 'NULL' ? a : b);
  return dec(x.p + y.p, x.s + y.s);
}

/** INT / INT is integer division (Flink); anything with DECIMAL or DOUBLE divides as DOUBLE. */
export function divideType(a: SqlType, b: SqlType): SqlType {
  const w = widen(a, b);
  return w.id === 'DECIMAL' ? { id: 'DOUBLE' } : w;
}
