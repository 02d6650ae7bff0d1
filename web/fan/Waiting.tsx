// The line: the fan's place (pushed live, or polled), the estimated wait in words, or in the
// pre-queue the countdown to the draw.
import { useClock } from '../common/store'
import { duration, waitText } from '../common/wait-time'
import { clock, count, state, t } from './state'

export function Waiting() {
  const now = useClock()
  const queue = state.queue!
  const preQueue = queue.status === 'PRE_QUEUE'
  const { position } = queue
  const done =
    position !== null && state.firstPosition > 1 ? (state.firstPosition - position) / (state.firstPosition - 1) : 0
  // Past the opening the draw is giving places, a slice a second: this entry's is still to come.
  const untilDraw = queue.opensAt ? (Date.parse(queue.opensAt) - now) / 1000 : 0
  const eta = preQueue
    ? untilDraw > 0
      ? duration(untilDraw)
      : t('drawing')
    : waitText(queue.estimatedWaitSeconds, state.lang)
  return (
    <section id="queue" class="card">
      <h2 id="queue-title">{preQueue ? t('preQueue') : t('waiting')}</h2>
      {preQueue && queue.opensAt && <p id="pre-queue-note">{t('preQueueNote', { time: clock(queue.opensAt) })}</p>}
      <dl>
        <dt>{t('position')}</dt>
        <dd id="position" class={`big ${position === null ? 'pending' : ''}`}>
          {position === null ? t('positionPending') : t('positionValue', { n: count(position) })}
        </dd>
        <dt id="eta-label">{preQueue ? t('drawIn') : t('eta')}</dt>
        <dd id="eta">{eta}</dd>
      </dl>
      <p id="queue-seats" class="muted">
        {t('seatsLeft', { n: queue.seatsLeft })}
      </p>
      <progress id="progress" max="1" value={Math.max(0.03, done)} />
      <p id="connection" class="muted">
        {state.live ? t('live') : t('polling')}
      </p>
    </section>
  )
}
