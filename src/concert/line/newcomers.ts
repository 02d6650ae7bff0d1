import type { Failure } from '../../errors/catalogue'

export interface Newcomer {
  userId: string
  arrival: number
}

/**
 * Who of a batch of entries gets a new place at the back, in the batch's order, numbered from
 * `nextArrival`: not a user who has a place (or got one earlier in the batch), nobody once
 * `hasRoom` says the line is full for the `waiting` count it is given (those already there
 * plus the batch's newcomers so far), and not a user `refuse` answers for (its proof of work).
 */
export function chooseNewcomers(
  userIds: readonly string[],
  hasPlace: (userId: string) => boolean,
  nextArrival: number,
  hasRoom: (newcomersSoFar: number) => boolean,
  refuse: (userId: string) => Failure | null,
): { newcomers: Newcomer[]; refused: Map<string, Failure> } {
  const newcomers: Newcomer[] = []
  const chosen = new Set<string>()
  const refused = new Map<string, Failure>()
  for (const userId of userIds) {
    if (hasPlace(userId) || chosen.has(userId) || !hasRoom(newcomers.length)) continue
    const refusal = refuse(userId)
    if (refusal) {
      refused.set(userId, refusal)
      continue
    }
    chosen.add(userId)
    newcomers.push({ userId, arrival: nextArrival + newcomers.length })
  }
  return { newcomers, refused }
}
