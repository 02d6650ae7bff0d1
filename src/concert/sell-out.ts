import { execJsonRows } from './json-rows'
import type { ConcertMeta } from './meta'
import type { Outbox } from './outbox'
import type { PlaceInLine } from './rpc'

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
    this.done = this.meta.number('soldOut') === 1
  }

  get happened(): boolean {
    return this.done
  }

  /** In the transaction of the last sale, with the places the line ended for it. */
  record(ended: PlaceInLine[], now: number) {
    this.done = true
    this.meta.save('soldOut', '1')
    if (ended.length === 0) return
    execJsonRows(this.sql, "INSERT INTO sold_out_places (arrival, user_id) SELECT value ->> '$.arrival', value ->> '$.userId' FROM json_each(?)", ended)
    this.outbox.recordAll('token.sold_out', now, ended)
  }

  /** Whether this place ended because every seat was sold. */
  ended({ arrival, userId }: PlaceInLine): boolean {
    return this.done && this.sql.exec('SELECT 1 FROM sold_out_places WHERE arrival = ? AND user_id = ?', arrival, userId).toArray().length > 0
  }
}
