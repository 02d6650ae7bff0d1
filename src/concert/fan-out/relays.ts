import { CoalescedPush } from '../../shared/coalesced-push'
import type { LineView, ViewVersion } from '../../shared/line-view'
import type { RelayTold, RelaysTold, WaitlistNews } from '../../shared/rpc'
import { relayBranches } from './relay-tree'

/** What the object calls on a relay (src/relay/relay.ts), which passes the view on to `also`. */
export interface RelayStub {
  update(view: LineView, also: string[], news?: WaitlistNews[]): Promise<RelaysTold>
}

/**
 * The relays holding this concert's sockets and streams (table `relays`): after a change each
 * is sent one message, the line's change since the version it was last sent (built once for
 * all relays at the same version), at most once per PUSH_INTERVAL_MS. A relay works out each
 * of its listeners' statuses itself, so a change costs one message per relay however many fans
 * listen; the object sends it to at most `width` relays per version, which pass it on
 * (relay-tree.ts). Sent, never awaited: a relay that missed one asks for the whole line.
 * Waitlist entries that moved since the last push ride along (`news`, the same short list to
 * every relay: offers are rare); each relay tells the sockets and streams of their users.
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
    /** Branches of the relays' tree: the object's calls per version and change. */
    private readonly width: number,
    /** Arrivals a relay reported in its answer as followed there: present. */
    private readonly seen: (arrivals: number[]) => void,
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

  push(viewSince: (have: ViewVersion | undefined) => LineView, news: WaitlistNews[] = []) {
    const versions = new Map<string, { view: LineView; names: string[] }>()
    for (const [name, have] of this.sent) {
      const key = have ? `${have.epoch}/${have.version}` : ''
      let group = versions.get(key)
      if (!group) versions.set(key, (group = { view: viewSince(have), names: [] }))
      group.names.push(name)
      this.sent.set(name, { epoch: group.view.epoch, version: group.view.version })
    }
    for (const { view, names } of versions.values()) {
      for (const { carrier, also } of relayBranches(names, this.width)) {
        const branch = [carrier, ...also]
        this.relay(carrier)
          .update(view, also, news)
          .then(
            (told) => branch.forEach((name, i) => this.told(name, view, told[i] ?? null)),
            () => branch.forEach((name) => this.sent.set(name, undefined)),
          )
      }
    }
  }

  /** A relay's answer (null: the message did not reach it). */
  private told(name: string, view: LineView, told: RelayTold | null) {
    if (told === null) return this.sent.set(name, undefined)
    if (told.seen.length > 0) this.seen(told.seen)
    // Unless it fetched the line since (a new listener): then it is still following.
    if (told.following === 0 && this.sent.get(name)?.version === view.version) this.forget(name)
  }

  private forget(name: string) {
    this.sent.delete(name)
    this.sql.exec('DELETE FROM relays WHERE name = ?', name)
  }
}
