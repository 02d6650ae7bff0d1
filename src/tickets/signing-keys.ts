import { importJWK, type JWK } from 'jose'

// The keys of ticket codes (docs/tickets.md): TICKET_SIGNING_KEY, a private Ed25519 JWK with a
// kid, signs; TICKET_SIGNING_KEY_PREVIOUS (optional, during a rotation) only verifies, and its
// public half is still published, so codes made just before a rotation and gates that cached
// the old key keep working. Keys are imported once per isolate, as src/auth/hmac.ts does: an
// import per request would cost more than the signature.

export interface PublicJwk {
  kty: 'OKP'
  crv: 'Ed25519'
  x: string
  kid: string
  alg: 'EdDSA'
  use: 'sig'
}

export interface TicketKeys {
  /** The key that signs codes now. */
  signing: { kid: string; key: CryptoKey }
  /** Every key a code may be signed with, by kid. */
  verifying: Map<string, CryptoKey>
  /** Their public halves, the current one first: GET /api/tickets/keys. */
  jwks: PublicJwk[]
}

type Settings = Pick<Env, 'TICKET_SIGNING_KEY'> & { TICKET_SIGNING_KEY_PREVIOUS?: string }

const cache = new Map<string, Promise<TicketKeys>>()

/** The ticket keys of these settings, imported once per isolate; a setting that is not an Ed25519 private JWK with a kid fails loudly. */
export function ticketKeys(env: Settings): Promise<TicketKeys> {
  const current = env.TICKET_SIGNING_KEY
  const previous = env.TICKET_SIGNING_KEY_PREVIOUS || undefined
  const id = `${current}\n${previous ?? ''}`
  let keys = cache.get(id)
  if (!keys) {
    keys = load(current, previous)
    // A failed import is not kept: the next request tries again (and fails the same way until the setting is fixed).
    keys.catch(() => cache.delete(id))
    cache.set(id, keys)
  }
  return keys
}

async function load(current: string | undefined, previous: string | undefined): Promise<TicketKeys> {
  const signing = parse(current, 'TICKET_SIGNING_KEY')
  const older = previous ? [parse(previous, 'TICKET_SIGNING_KEY_PREVIOUS')] : []
  const all = [signing, ...older]
  const publics = await Promise.all(all.map((jwk) => importKey(publicHalf(jwk))))
  return {
    signing: { kid: signing.kid, key: await importKey(signing) },
    verifying: new Map(all.map((jwk, i) => [jwk.kid, publics[i]!])),
    jwks: all.map(publicHalf),
  }
}

async function importKey(jwk: JWK): Promise<CryptoKey> {
  const key = await importJWK(jwk, 'EdDSA')
  // An OKP JWK imports as a CryptoKey; only a symmetric ("oct") one would give bytes.
  if (key instanceof Uint8Array) throw new Error('a ticket key must be an Ed25519 JWK')
  return key
}

type PrivateJwk = JWK & { kty: 'OKP'; crv: 'Ed25519'; x: string; d: string; kid: string }

function parse(setting: string | undefined, name: string): PrivateJwk {
  let jwk: Partial<PrivateJwk> | undefined
  try {
    jwk = setting ? (JSON.parse(setting) as Partial<PrivateJwk>) : undefined
  } catch {
    jwk = undefined
  }
  if (!jwk || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.x || !jwk.d || !jwk.kid)
    throw new Error(`${name} must be a private Ed25519 JWK with a kid (docs/tickets.md)`)
  return jwk as PrivateJwk
}

const publicHalf = (jwk: PrivateJwk): PublicJwk => ({
  kty: 'OKP',
  crv: 'Ed25519',
  x: jwk.x,
  kid: jwk.kid,
  alg: 'EdDSA',
  use: 'sig',
})
