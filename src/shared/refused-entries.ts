import type { ErrorCode } from '../errors/catalogue'

/** Why a queue entry was refused, as operators see it counted (GET .../queue, refusedEntries). */
export const REFUSAL_REASONS = ['unverified', 'proof', 'turnstile', 'rate'] as const
export type RefusalReason = (typeof REFUSAL_REASONS)[number]
export type RefusedCounts = Record<RefusalReason, number>

export const noRefusals = (): RefusedCounts => ({ unverified: 0, proof: 0, turnstile: 0, rate: 0 })

/** The reason an entry refused with this code is counted under, or null: not one of the entry's defences. */
export function refusalReason(code: ErrorCode): RefusalReason | null {
  switch (code) {
    case 'VERIFICATION_REQUIRED':
      return 'unverified'
    case 'PROOF_REQUIRED':
    case 'PROOF_INVALID':
      return 'proof'
    case 'TURNSTILE_REQUIRED':
    case 'TURNSTILE_FAILED':
      return 'turnstile'
    case 'RATE_LIMITED':
      return 'rate'
    default:
      return null
  }
}
