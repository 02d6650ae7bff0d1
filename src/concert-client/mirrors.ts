import type { ConcertMirror } from '../mirror/mirror'
import { hashOf } from './name-hash'

type Region = DurableObjectLocationHint
/** What a request's `cf` says of where it came from. */
export type RequestLocation = { continent?: string; longitude?: string; colo?: string }

/**
 * The region of the mirror that serves a request: where Cloudflare says the request came
 * from (its `cf` continent and longitude), as a Durable Object location hint.
 */
export function regionOf(cf: RequestLocation | undefined): Region {
  const longitude = Number(cf?.longitude ?? NaN)
  switch (cf?.continent) {
    case 'NA':
      return longitude < -100 ? 'wnam' : 'enam'
    case 'SA':
      return 'sam'
    case 'EU':
      return longitude > 20 ? 'eeur' : 'weur'
    case 'AF':
      return 'afr'
    case 'OC':
    case 'AN':
      return 'oc'
    case 'AS':
      // West of India: the Middle East.
      return longitude < 60 ? 'me' : 'apac'
    default:
      return 'apac'
  }
}

/**
 * The mirror serving a request: MIRRORS_PER_REGION per region and concert, a location's
 * isolates all on the same one (by a hash of its colo), so each mirror serves a share of its
 * region's locations and the concert object serves every mirror (docs/scale.md).
 */
function mirrorName(
  concertId: string,
  cf: RequestLocation | undefined,
  perRegion: number,
): { name: string; region: Region } {
  const region = regionOf(cf)
  return { name: `${concertId}/${region}/${hashOf(cf?.colo ?? '') % perRegion}`, region }
}

export function mirrorOf(
  env: Env,
  concertId: string,
  cf: RequestLocation | undefined,
): DurableObjectStub<ConcertMirror> {
  const { name, region } = mirrorName(concertId, cf, Number(env.MIRRORS_PER_REGION))
  return env.MIRROR.get(env.MIRROR.idFromName(name), { locationHint: region })
}
