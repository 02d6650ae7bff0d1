/** A short stable hash of a name, to spread names over a fixed number of objects (gates, relays, mirrors). */
export function hashOf(name: string): number {
  let hash = 0
  for (const c of name) hash = (Math.imul(hash, 31) + c.charCodeAt(0)) | 0
  return hash >>> 0
}
