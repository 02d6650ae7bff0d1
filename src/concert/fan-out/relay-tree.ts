/** One message from the concert object: to `carrier`, which passes it on to each of `also`. */
export interface RelayBranch {
  carrier: string
  also: string[]
}

/**
 * Relays at one version, in at most `width` branches of near-equal size, each led by its first
 * relay. The object sends one message a branch, so its calls per change stay at `width` however
 * many relays a crowd needs (docs/scale.md); a carrier's extra work is one call per relay it
 * passes the message to.
 */
export function relayBranches(names: readonly string[], width: number): RelayBranch[] {
  const branches = Math.min(Math.max(1, width), names.length)
  const out: RelayBranch[] = []
  for (let i = 0, start = 0; i < branches; i++) {
    const end = start + Math.ceil((names.length - start) / (branches - i))
    out.push({ carrier: names[start]!, also: names.slice(start + 1, end) })
    start = end
  }
  return out
}
