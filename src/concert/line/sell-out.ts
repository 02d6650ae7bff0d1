import { execJsonRows } from '../runtime/json-rows'
import type { ConcertMeta } from '../runtime/meta'
import type { Outbox } from '../fan-out/outbox'
import type { PlaceInLine } from '../../shared/rpc'

/** meta.soldOut: 0 never sold out, 1 sold out now, 2 sold out once and reopened by a refund. */
const SOLD_OUT = 1
const REOPENED = 2

/**
 * The sell-out. Once every seat is sold, the places that were still waiting (table
 * `sold_out_places`) answer SOLD_OUT for good, and nobody new may enter.
 */
export class SellOut {
  private done = false

  constructor(
    private readonly sql: SqlStorage,
    private readonly meta: ConcertMeta,
    private readonly outbox: Outbox,
  ) {}

  load() {
    this.done = this.meta.number('soldOut') === SOLD_OUT
  }

  get happened(): boolean {
    return this.done
  }

  /** In the transaction of the last sale, with the places the line ended for it. */
  record(ended: PlaceInLine[], now: number) {
    this.done = true
    this.meta.save('soldOut', String(SOLD_OUT))
    if (ended.length === 0) return
    execJsonRows(
      this.sql,
      "INSERT INTO sold_out_places (arrival, user_id) SELECT value ->> '$.arrival', value ->> '$.userId' FROM json_each(?)",
      ended,
    )
    this.outbox.recordAll('token.sold_out', now, ended)
  }

  /** A refund put seats back on sale: new entries are taken again (the places that ended stay ended). */
  reopen() {
    if (!this.done) return
    this.done = false
    this.meta.save('soldOut', String(REOPENED))
  }

  /** Whether this place ended because every seat was sold. */
  ended({ arrival, userId }: PlaceInLine): boolean {
    return (
      this.meta.number('soldOut') !== 0 &&
      this.sql.exec('SELECT 1 FROM sold_out_places WHERE arrival = ? AND user_id = ?', arrival, userId).toArray()
        .length > 0
    )
  }
}
