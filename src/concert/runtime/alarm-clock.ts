import { nextDeadline } from '../../shared/policy'

/** Where the object's deadlines come from: those a request sweeps for, and the alarm's own. */
export interface DeadlineSources {
  /** Expiries and admissions due: any request past the earliest sweeps before it answers. */
  sweep(now: number): Array<number | null>
  /** Deadlines only the alarm acts on (a stuck payment, the outbox's relay). */
  alarmOnly(): Array<number | null>
}

/**
 * The object's one alarm, armed at the earliest deadline any mechanism reports and re-armed
 * after every change. Inside a group commit it is re-armed once, at the group's end: the
 * deadlines its changes add all lie in the future, so none falls due before then.
 */
export class AlarmClock {
  private armedAt: number | null = null
  private sweepDue: number | null = null
  private rearmAtGroupEnd = false

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly group: { readonly running: boolean },
    private readonly sources: DeadlineSources,
  ) {}

  async load() {
    this.armedAt = await this.storage.getAlarm()
  }

  /** When the alarm is set for, or null. */
  get at(): number | null {
    return this.armedAt
  }

  sweepIsDue(now: number): boolean {
    return this.sweepDue !== null && now >= this.sweepDue
  }

  /** The alarm fired: it is no longer set, and the sweep it runs is due whatever was computed. */
  fired(now: number) {
    this.armedAt = null
    this.sweepDue = now
  }

  rearm() {
    this.rearmAtGroupEnd = this.group.running
    if (this.group.running) return
    this.sweepDue = nextDeadline(this.sources.sweep(Date.now()))
    const due = nextDeadline([this.sweepDue, ...this.sources.alarmOnly()])
    if (due === this.armedAt) return
    this.armedAt = due
    if (due === null) void this.storage.deleteAlarm()
    else void this.storage.setAlarm(due)
  }

  /** Inside the group's transaction, after its changes. */
  groupEnded() {
    if (this.rearmAtGroupEnd) this.rearm()
  }
}
