/**
 * D1's write after the concert object decided (a transfer, a check-in). The decision stands
 * whatever happens to this write: when it fails, the object's outbox event makes it again
 * (src/events/delivery.ts), so the answer is not turned into an error here; it is logged.
 */
export async function followUp(what: string, write: Promise<unknown>): Promise<void> {
  try {
    await write
  } catch (err) {
    console.error(
      JSON.stringify({
        level: 'error',
        msg: `ticket ${what}: D1 not updated yet (the outbox event will)`,
        error: String(err),
      }),
    )
  }
}
