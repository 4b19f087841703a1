import { createHash, timingSafeEqual } from 'node:crypto';
import type { Actor } from '@qms/domain-kernel';
import type { ApiKeyEntry } from '../config/app-config';

/** Maps a presented API key to its principal; compares SHA-256 digests in constant time. */
export class ApiKeyAuthenticator {
  private readonly entries: readonly { digest: Buffer; actor: Actor }[];

  constructor(entries: readonly ApiKeyEntry[]) {
    this.entries = entries.map((entry) => ({
      digest: entry.keySha256 ? Buffer.from(entry.keySha256, 'hex') : sha256(entry.key ?? ''),
      actor: { userId: entry.userId, role: entry.role, ...(entry.department ? { department: entry.department } : {}) },
    }));
  }

  authenticate(presentedKey: string): Actor | undefined {
    const digest = sha256(presentedKey);
    return this.entries.find((entry) => timingSafeEqual(entry.digest, digest))?.actor;
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
