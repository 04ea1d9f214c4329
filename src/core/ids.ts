/** Short random ids people can read out and type: no look-alike characters (0/o, 1/l/i). */
import { randomBytes } from 'node:crypto';

const READABLE = 'abcdefghjkmnpqrstuvwxyz23456789';

/** `prefix` and `length` readable random characters (`shortId('e-', 8)` → `e-k7mq2x9a`). */
export function shortId(prefix: string, length: number): string {
  let id = prefix;
  for (const b of randomBytes(length)) id += READABLE[b % READABLE.length];
  return id;
}
