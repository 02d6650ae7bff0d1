/**
 * The gate an entry goes through (src/gate/gate.ts). Any gate takes any entry: in the
 * pre-queue entries carry no order, and in line a place is the order in which batches reach
 * the concert object, a gate's interval (100 ms) at most after the entry reached the gate.
 * One at random spreads the rush evenly; so for pre-queue entries' places, which any gate
 * finds from the draw's order.
 */
export const gateName = (concertId: string, gates: number) => `${concertId}/gate/${Math.floor(Math.random() * gates)}`
