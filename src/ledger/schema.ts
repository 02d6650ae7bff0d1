import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'

// Mirrors migrations/ (0001_ledger.sql, 0003_sale_schedule.sql), which are the source of truth for constraints.

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
  seatNumber: integer('seat_number').notNull(),
  amount: integer('amount').notNull(),
  idempotencyKey: text('idempotency_key'),
  paidAt: text('paid_at').notNull(),
})

export const bookings = sqliteTable('bookings', {
  paymentId: text('payment_id').primaryKey(),
  userId: text('user_id').notNull(),
  concertId: text('concert_id').notNull(),
  date: text('date').notNull(),
  seatNumber: integer('seat_number').notNull(),
  createdAt: text('created_at').notNull(),
})
