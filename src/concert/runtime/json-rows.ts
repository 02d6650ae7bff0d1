/**
 * Rows sent to SQLite as one JSON argument (`json_each(?)`), one statement per slice: a
 * Durable Object's SQLite refuses a string that is too big (SQLITE_TOOBIG; Cloudflare documents
 * 2 MB). The sell-out of 40,000 waiting places writes about 12 MB of events: without slices its
 * payment failed (test/line/sold-out.test.ts). 2,000 rows of the widest kind here (sale events,
 * about 300 bytes) are 600 KB.
 */
const ROWS_PER_STATEMENT = 2_000

export function execJsonRows(sql: SqlStorage, query: string, rows: readonly object[], ...before: SqlStorageValue[]) {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT)
    sql.exec(query, ...before, JSON.stringify(rows.slice(i, i + ROWS_PER_STATEMENT)))
}
