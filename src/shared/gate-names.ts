/**
 * The gate an entry goes through (src/gate/gate.ts). Any gate takes any entry: in the
 * pre-queue entries carry no order, and in line a place is the order in which batches reach
 * the concert object (a gate's call in flight and its interval at most after the entry reached the gate).
 * One at random spreads the rush evenly.
 */
export const gateName = (concertId: string, gates: number) => `${concertId}/gate/${Math.floor(Math.random() * gates)}`

/**
 * Pre-queue entries' places (src/gate/gate.ts, drawnArrivals) are asked of this many times
 * more gates: a whole pre-queue's first polls come within seconds of the opening, one call
 * each, and any gate finds any place from the draw's order, fetched from the order gate.
 * Gates past the first GATES_PER_CONCERT take no entries.
 */
export const PLACE_GATES_PER_GATE = 6

export const placeGateName = (concertId: string, gates: number) =>
  `${concertId}/gate/${Math.floor(Math.random() * gates * PLACE_GATES_PER_GATE)}`

/** The one gate that fetches the draw's order from the concert object, for all the others (src/gate/gate.ts). */
export const orderGateName = (concertId: string) => `${concertId}/gate/order`
