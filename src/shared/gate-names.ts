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

/** The one gate that fetches the draw's order from the concert object, for all the others (src/gate/gate.ts). */
export const orderGateName = (concertId: string) => `${concertId}/gate/order`

/**
 * The draw's order reaches the place gates through a tree: the order gate sends it to
 * ORDER_FANOUT forwarding gates, and each of those to its share of the place gates, so that
 * no gate sends a copy of it (4 bytes an entry) more than the larger of ORDER_FANOUT and
 * (place gates) / ORDER_FANOUT times: 8 and 9 with 72 place gates, where one gate sent 72.
 */
export const ORDER_FANOUT = 8

/** A place gate at random, and the gates it fetches the draw's order through: its forwarding gate, then the order gate. */
export function placeGate(concertId: string, gates: number): { name: string; orderFrom: string[] } {
  const k = Math.floor(Math.random() * gates * PLACE_GATES_PER_GATE)
  const forwarder = `${orderGateName(concertId)}/${k % ORDER_FANOUT}`
  return { name: `${concertId}/gate/${k}`, orderFrom: [forwarder, orderGateName(concertId)] }
}
