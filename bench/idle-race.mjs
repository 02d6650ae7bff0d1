// @ts-check
// `node bench/idle-race.mjs <base> [rounds] [fromMs] [toMs] [stepMs]`: issue #34's failure, aimed at.
// One client against a running `npm start` at <base>: idle for a gap, then POST /api/users,
// again, the gap stepping from fromMs to toMs (4,960 to 5,000 by 5) and round again: a
// connection kept alive across the gap is reused just as workerd closes it at 5 s idle (its
// HTTP server's timeout, `node -e` on a raw socket measures it). Prints every answer that is
// not 201, with its gap, and the counts by gap; exit 1 on any.
const [base, rounds = '4', from = '4960', to = '5000', step = '5'] = process.argv.slice(2)
if (!base) throw new Error('usage: node bench/idle-race.mjs http://127.0.0.1:8787 [rounds] [fromMs] [toMs] [stepMs]')
const gaps = []
for (let g = Number(from); g <= Number(to); g += Number(step)) gaps.push(g)
/** @type {Record<string, Record<string, number>>} */
const byGap = {}
let bad = 0
for (let round = 0; round < Number(rounds); round++) {
  for (const gap of gaps) {
    await new Promise((r) => setTimeout(r, gap))
    let status = 0
    let body
    try {
      const res = await fetch(`${base}/api/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      })
      status = res.status
      body = await res.text()
    } catch (err) {
      body = String(/** @type {any} */ (err).cause ?? err)
    }
    const counts = (byGap[gap] ??= {})
    counts[status] = (counts[status] ?? 0) + 1
    if (status !== 201) {
      bad++
      console.error(`gap ${gap} ms before: ${status} ${body.slice(0, 100)}`)
    }
  }
}
console.log(JSON.stringify({ requests: Number(rounds) * gaps.length, notCreated: bad, byGap }))
if (bad > 0) process.exitCode = 1
