import { fail, ok, type Result } from '../../errors/catalogue'
import type { ScannerView } from '../../schemas'

type Row = { scanner_id: string; name: string; date: string | null; created_at: number }

/**
 * The concert's scanners (table `scanners`): the gate devices an operator made, each allowed to
 * check in this concert's tickets (of one date, when it has one). Their credential is a token
 * the Worker signs (src/auth/tokens.ts); the object keeps them so a check-in is counted by
 * scanner in the same change, and so a token of a scanner it does not know is refused.
 */
export class Scanners {
  constructor(private readonly sql: SqlStorage) {}

  add(scanner: { scannerId: string; name: string; date?: string }, now: number) {
    this.sql.exec(
      'INSERT INTO scanners (scanner_id, name, date, created_at) VALUES (?, ?, ?, ?)',
      scanner.scannerId,
      scanner.name,
      scanner.date ?? null,
      now,
    )
  }

  /** The scanner a check-in names, as the object knows it; FORBIDDEN for one it never made. */
  known(scannerId: string): Result<{ date?: string }> {
    const row = this.sql.exec<Row>('SELECT * FROM scanners WHERE scanner_id = ?', scannerId).toArray()[0]
    if (!row) return fail('FORBIDDEN', 'This scanner is not one of this concert')
    return ok(row.date === null ? {} : { date: row.date })
  }

  /** Every scanner, oldest first, with its check-ins. */
  list(checkIns: Map<string, { checkIns: number; last: number }>): ScannerView[] {
    return this.sql
      .exec<Row>('SELECT * FROM scanners ORDER BY created_at, scanner_id')
      .toArray()
      .map((r) => {
        const counted = checkIns.get(r.scanner_id)
        return {
          scannerId: r.scanner_id,
          name: r.name,
          ...(r.date === null ? {} : { date: r.date }),
          createdAt: new Date(r.created_at).toISOString(),
          checkIns: counted?.checkIns ?? 0,
          ...(counted ? { lastCheckInAt: new Date(counted.last).toISOString() } : {}),
        }
      })
  }
}
