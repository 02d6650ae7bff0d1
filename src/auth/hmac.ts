// HMAC-SHA-256 under the service's secrets (AUTH_SECRET, PHONE_HASH_KEY). Each secret's key is
// imported once per isolate: importing it on every request was the largest single cost of a
// status poll (docs/benchmarks.md).

const keys = new Map<string, Promise<CryptoKey>>()
/** 32 characters: at least 128 bits even for a secret of hex digits. */
const MIN_SECRET_LENGTH = 32

/** The HMAC key of `secret`, the setting named `name` (refused when too short to be a key). */
export function hmacKey(secret: string | undefined, name: string): Promise<CryptoKey> {
  if (!secret || secret.length < MIN_SECRET_LENGTH)
    return Promise.reject(new Error(`${name} must be at least ${MIN_SECRET_LENGTH} characters`))
  let key = keys.get(secret)
  if (!key) {
    key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ])
    keys.set(secret, key)
  }
  return key
}

/** Lowercase hex of the HMAC of `text` under `key`. */
export async function hmacHex(key: Promise<CryptoKey>, text: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', await key, new TextEncoder().encode(text))
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, '0')).join('')
}
