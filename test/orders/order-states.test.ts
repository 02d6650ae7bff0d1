import { describe, expect, it } from 'vitest'
import {
  canMove,
  ORDER_STATES,
  wasPaid,
  whyNotHeld,
  whyNotRefundable,
  type OrderState,
} from '../../src/concert/orders/order-states'

const moves = (from: OrderState) => ORDER_STATES.filter((to) => canMove(from, to))

describe("an order's life", () => {
  it('allows exactly the moves a hold, a payment and a refund make', () => {
    expect(Object.fromEntries(ORDER_STATES.map((s) => [s, moves(s)]))).toEqual({
      HELD: ['PAYING', 'PAID', 'RELEASED', 'EXPIRED'],
      PAYING: ['HELD', 'PAID', 'EXPIRED'],
      PAID: ['REFUNDING', 'REFUNDED'],
      RELEASED: ['PAID'],
      EXPIRED: ['PAID'],
      REFUNDING: ['PAID', 'REFUNDED'],
      REFUNDED: [],
    })
  })

  it('never lets a refunded order or a paid one back to a hold', () => {
    for (const from of ['PAID', 'REFUNDING', 'REFUNDED'] as const)
      for (const to of ['HELD', 'PAYING', 'RELEASED', 'EXPIRED'] as const) expect(canMove(from, to)).toBe(false)
  })

  it('says why an order no longer held cannot be paid or released', () => {
    for (const state of ['PAID', 'REFUNDING', 'REFUNDED'] as const) {
      expect(wasPaid(state)).toBe(true)
      expect(whyNotHeld(state)).toMatchObject({ ok: false, code: 'ALREADY_PAID' })
    }
    expect(whyNotHeld('EXPIRED')).toMatchObject({ ok: false, code: 'RESERVATION_EXPIRED' })
    expect(whyNotHeld('RELEASED')).toMatchObject({
      ok: false,
      code: 'RESERVATION_EXPIRED',
      message: 'This reservation was released',
    })
  })

  it('refunds only what was paid, once', () => {
    expect(whyNotRefundable('PAID')).toBeNull()
    expect(whyNotRefundable('REFUNDING')).toBeNull()
    expect(whyNotRefundable('REFUNDED')).toMatchObject({ code: 'ALREADY_REFUNDED' })
    for (const state of ['HELD', 'PAYING', 'RELEASED', 'EXPIRED'] as const)
      expect(whyNotRefundable(state)).toMatchObject({ code: 'RESERVATION_NOT_FOUND' })
  })
})
