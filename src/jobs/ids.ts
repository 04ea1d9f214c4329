/**
 * Job ids, shared by both backends: short enough for a person to type
 * (`/cancel k7mq2x9ad4`), and acceptable to BullMQ.
 */
import { randomBytes } from 'node:crypto';

const LETTERS = 'abcdefghjkmnpqrstuvwxyz';
const ID_CHARS = LETTERS + '23456789';

/**
 * A new job id: ten characters without look-alikes (no i, l, o, 0, 1), a
 * letter first, since BullMQ refuses ids that read as integers.
 */
export function newJobId(): string {
  const bytes = randomBytes(10);
  let id = LETTERS[bytes[0] % LETTERS.length];
  for (let i = 1; i < bytes.length; i++) id += ID_CHARS[bytes[i] % ID_CHARS.length];
  return id;
}
