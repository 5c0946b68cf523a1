// Secret material: the master key (AES-256-GCM of camera credentials) and keys derived from it.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class SecretError extends Error {
  override name = 'SecretError';
}

/** Reads the 32-byte master key from hex config or the key file, creating the file when missing. */
export function loadMasterKey(opts: { secretKey: string; secretKeyFile: string }): Buffer {
  if (opts.secretKey) return Buffer.from(opts.secretKey, 'hex');
  const file = path.resolve(opts.secretKeyFile);
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  }
  const hex = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new SecretError(`secrets: ${file} must hold 64 hex characters`);
  return Buffer.from(hex, 'hex');
}

/** Derives a purpose-bound 32-byte key (HKDF-SHA256) so one master key never signs and encrypts alike. */
export function deriveKey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `cloudeye:${purpose}`, 32));
}

/** AES-256-GCM box. Output format: "v1.<iv>.<tag>.<ciphertext>" in base64url. */
export class CredentialBox {
  private readonly key: Buffer;

  constructor(master: Buffer) {
    this.key = deriveKey(master, 'credentials');
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return ['v1', iv, c.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  open(sealed: string): string {
    const [v, iv, tag, body] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || body === undefined)
      throw new SecretError('secrets: sealed value has an unknown format');
    try {
      const d = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      d.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
    } catch {
      throw new SecretError('secrets: sealed value failed authentication (wrong key or tampered)');
    }
  }

  sealCredentials(c: { username: string; password: string } | null | undefined): string | null {
    return c && (c.username || c.password)
      ? this.seal(JSON.stringify({ username: c.username, password: c.password }))
      : null;
  }

  openCredentials(sealed: string | null | undefined): { username: string; password: string } | null {
    if (!sealed) return null;
    const v = JSON.parse(this.open(sealed)) as { username?: unknown; password?: unknown };
    return { username: String(v.username ?? ''), password: String(v.password ?? '') };
  }
}
