import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'

// Mirrors migrations/ (0001_ledger.sql, 0003_sale_schedule.sql, 0004_orders_refunds.sql, 0005_identity.sql, 0006_tickets.sql, 0007_waitlist.sql), which are the source of truth for constraints.

export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  name: text('name'),
  balance: integer('balance').notNull().default(0),
  createdAt: text('created_at').notNull(),
})

export const charges = sqliteTable('charges', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull(),
  amount: integer('amount').notNull(),
  idempotencyKey: text('idempotency_key'),
  balanceAfter: integer('balance_after'),
  createdAt: text('created_at').notNull(),
})

export const concerts = sqliteTable('concerts', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  venue: text('venue'),
  seatsPerDate: integer('seats_per_date').notNull(),
  createdAt: text('created_at').notNull(),
  opensAt: text('opens_at'),
  preQueueOpensAt: text('pre_queue_opens_at'),
})

export const payments = sqliteTable('payments', {
  id: text('id').primaryKey(),
  reservationId: text('reservation_id').notNull(),
  userId: text('user_id').notNull(),
  concertId: text('concert_id').notNull(),
  date: text('date').notNull(),
  /** The order's first seat. */
  seatNumber: integer('seat_number').notNull(),
  /** The order's seats, JSON; null for a payment of one seat made before orders. */
  seatNumbers: text('seat_numbers'),
  amount: integer('amount').notNull(),
  idempotencyKey: text('idempotency_key'),
  paidAt: text('paid_at').notNull(),
})

/** One row per seat sold. */
export const bookings = sqliteTable(
  'bookings',
  {
    paymentId: text('payment_id').notNull(),
    userId: text('user_id').notNull(),
    concertId: text('concert_id').notNull(),
    date: text('date').notNull(),
    seatNumber: integer('seat_number').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.paymentId, t.seatNumber] })],
)

export const refunds = sqliteTable('refunds', {
  id: text('id').primaryKey(),
  reservationId: text('reservation_id').notNull(),
  paymentId: text('payment_id').notNull(),
  userId: text('user_id').notNull(),
  concertId: text('concert_id').notNull(),
  /** What was credited. */
  amount: integer('amount').notNull(),
  fee: integer('fee').notNull(),
  idempotencyKey: text('idempotency_key'),
  refundedAt: text('refunded_at').notNull(),
})

/** A code sent to a phone (migrations/0005_identity.sql): the phone and the code only as keyed hashes. */
export const phoneVerifications = sqliteTable('phone_verifications', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull(),
  phoneHash: text('phone_hash').notNull(),
  codeHash: text('code_hash').notNull(),
  attempts: integer('attempts').notNull().default(0),
  createdAt: text('created_at').notNull(),
  expiresAt: text('expires_at').notNull(),
  confirmedAt: text('confirmed_at'),
})

/** An account's verified phone; UNIQUE phone_hash: one phone, one account. */
export const identities = sqliteTable('identities', {
  userId: text('user_id').primaryKey(),
  phoneHash: text('phone_hash').notNull().unique(),
  verifiedAt: text('verified_at').notNull(),
})

/** A paid seat's ticket (migrations/0006_tickets.sql): created with its payment, deleted with its refund. */
export const tickets = sqliteTable('tickets', {
  ticketId: text('ticket_id').primaryKey(),
  paymentId: text('payment_id').notNull(),
  concertId: text('concert_id').notNull(),
  date: text('date').notNull(),
  startsAt: text('starts_at').notNull(),
  seatNumber: integer('seat_number').notNull(),
  section: text('section').notNull(),
  buyerId: text('buyer_id').notNull(),
  holderId: text('holder_id').notNull(),
  version: integer('version').notNull().default(1),
  checkedInAt: text('checked_in_at'),
  transferredAt: text('transferred_at'),
  createdAt: text('created_at').notNull(),
})

/** Where each waitlist entry is: the index the Worker finds a user's entries and an offer's concert by (the object holds the rest). */
export const waitlistEntries = sqliteTable('waitlist_entries', {
  waitlistId: text('waitlist_id').primaryKey(),
  userId: text('user_id').notNull(),
  concertId: text('concert_id').notNull(),
  reservationId: text('reservation_id').notNull(),
  createdAt: text('created_at').notNull(),
})
