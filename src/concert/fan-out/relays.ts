import { CoalescedPush } from '../../shared/coalesced-push'
import type { LineView, ViewVersion } from '../../shared/line-view'

/** What the object calls on a relay (src/relay/relay.ts): how many follow there after it, 0 to be forgotten. */
export interface RelayStub {
  update(view: LineView): Promise<number>
}

/**
 * The relays holding this concert's sockets and streams (table `relays`): after a change each
 * is sent one message, the line's change since the version it was last sent (built once for
 * all relays at the same version), at most once per PUSH_INTERVAL_MS. A relay works out each
 * of its listeners' statuses itself, so a change costs the object one message per relay
 * however many fans listen. Sent, never awaited: a relay that missed one asks for the whole line.
 */
export class Relays {
  /** Each relay and the version it was last sent (undefined: send it the whole line). */
  private readonly sent = new Map<string, ViewVersion | undefined>()
  private readonly pushes: CoalescedPush

  constructor(
    private readonly sql: SqlStorage,
    private readonly relay: (name: string) => RelayStub,
    /** Runs when a push is due: the object sweeps, then calls push. */
    pushDue: () => void,
  ) {
    this.pushes = new CoalescedPush(pushDue)
  }

  load() {
    for (const { name } of this.sql.exec<{ name: string }>('SELECT name FROM relays')) this.sent.set(name, undefined)
  }

  get count(): number {
    return this.sent.size
  }

  /** A relay fetched the line itself (its first listener, or a missed message): it has this version now. */
  fetched(name: string, version: ViewVersion) {
    if (!this.sent.has(name)) this.sql.exec('INSERT OR IGNORE INTO relays (name) VALUES (?)', name)
    this.sent.set(name, version)
  }

  /** Positions or deadlines may have moved: push once the interval allows (pushDue does). */
  schedule() {
    if (this.sent.size > 0) this.pushes.schedule()
  }

  push(viewSince: (have: ViewVersion | undefined) => LineView) {
    const built = new Map<string, LineView>()
    for (const [name, have] of this.sent) {
      const key = have ? `${have.epoch}/${have.version}` : ''
      let view = built.get(key)
      if (!view) built.set(key, (view = viewSince(have)))
      this.sent.set(name, { epoch: view.epoch, version: view.version })
      this.relay(name)
        .update(view)
        .then(
          // Unless it fetched the line since (a new listener): then it is still following.
          (following) => following === 0 && this.sent.get(name)?.version === view.version && this.forget(name),
          () => this.sent.set(name, undefined),
        )
    }
  }

  private forget(name: string) {
    this.sent.delete(name)
    this.sql.exec('DELETE FROM relays WHERE name = ?', name)
  }
}
