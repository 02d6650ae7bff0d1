import type { Failure } from '../../errors/catalogue'

/**
 * Who of a batch of entries gets a new place, in the batch's order (a line's or a pre-queue's):
 * not a user who has one (or got one earlier in the batch), nobody once `hasRoom` says there is
 * no room for the count it is given (the newcomers chosen so far), and not a user `refuse`
 * answers for (its proof of work).
 */
export function chooseNewcomers(
  userIds: readonly string[],
  hasPlace: (userId: string) => boolean,
  hasRoom: (newcomersSoFar: number) => boolean,
  refuse: (userId: string) => Failure | null,
): { newcomers: string[]; refused: Map<string, Failure> } {
  const newcomers: string[] = []
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
    newcomers.push(userId)
  }
  return { newcomers, refused }
}
