import { IsolateCaches, type KeepAlive } from './isolate-cache'

/**
 * The policy's entryProofCost, as this isolate last read it (at most a second old): the Worker
 * makes challenges and refuses a bad proof with it, without the object. The object checks the
 * policy in force itself when it makes a place, so a change of policy is never missed there.
 */
const costs = new IsolateCaches<{ cost: number | null }>(1_000)

export async function cachedProofCost(
  concertId: string,
  load: () => Promise<number | null>,
  keepAlive?: KeepAlive,
): Promise<number | null> {
  const read = async () => ({ cost: await load() })
  return ((await costs.for(concertId).get(read, keepAlive)) ?? (await read())).cost
}

/** After a change of policy through this isolate: read it afresh. */
export function invalidateProofCost(concertId: string): void {
  costs.invalidate(concertId)
}
