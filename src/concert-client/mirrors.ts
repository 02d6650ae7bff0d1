import type { ConcertMirror } from '../mirror/mirror'

type Region = DurableObjectLocationHint

/**
 * The region of the mirror that serves a request: where Cloudflare says the request came
 * from (its `cf` continent and longitude), as a Durable Object location hint. One mirror
 * per region and concert, so a concert has at most nine, each near the isolates it serves.
 */
export function regionOf(cf: { continent?: string; longitude?: string } | undefined): Region {
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

export function mirrorOf(env: Env, concertId: string, region: Region): DurableObjectStub<ConcertMirror> {
  return env.MIRROR.get(env.MIRROR.idFromName(`${concertId}/${region}`), { locationHint: region })
}
