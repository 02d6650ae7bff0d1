// A QR code as SVG elements drawn from uqr's matrix: no inline style and no innerHTML, which
// the page's Content-Security-Policy (style-src 'self') would not let an SVG string carry
// anyway. The quiet zone of 4 modules is the standard's, which phone scanners expect; error
// correction M survives a scratched or glaring screen.
import { encode } from 'uqr'

/** One path of the dark modules, each row's runs merged, so a 70×70 code is a few kB of `d`. */
export function qrPath(text: string): { size: number; d: string } {
  const { size, data } = encode(text, { ecc: 'M', border: 4 })
  let d = ''
  data.forEach((row, y) => {
    for (let x = 0; x < size; x++) {
      if (!row[x]) continue
      const start = x
      while (x + 1 < size && row[x + 1]) x++
      d += `M${start} ${y}h${x - start + 1}v1h-${x - start + 1}z`
    }
  })
  return { size, d }
}

export function QrCode({ text, label, id }: { text: string; label: string; id?: string }) {
  const { size, d } = qrPath(text)
  return (
    <svg
      id={id}
      class="qr"
      viewBox={`0 0 ${size} ${size}`}
      role="img"
      aria-label={label}
      shape-rendering="crispEdges"
      data-code={text}
    >
      <rect width={size} height={size} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  )
}
