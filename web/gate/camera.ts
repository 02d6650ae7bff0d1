// The phone's camera as the gate's scanner, where the browser reads QR codes itself
// (BarcodeDetector: Chrome on Android, Safari; not desktop Linux). The video is shown through
// srcObject (no blob: URL, nothing the page's CSP must allow); a frame is read a few times a
// second, and a code seen again within a few seconds is the same scan, not another one.
interface DetectedBarcode {
  rawValue: string
}
interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<DetectedBarcode[]>
}
type BarcodeDetectorClass = new (options: { formats: string[] }) => BarcodeDetectorLike

const FRAME_EVERY_MS = 200
const SAME_SCAN_MS = 4_000

export class CameraScanner {
  private stream: MediaStream | null = null
  private timer: number | undefined
  private last = { code: '', at: 0 }

  static supported = () => 'BarcodeDetector' in window

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly onCode: (code: string) => void,
  ) {}

  async start() {
    const Detector = (window as unknown as { BarcodeDetector: BarcodeDetectorClass }).BarcodeDetector
    const detector = new Detector({ formats: ['qr_code'] })
    this.stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
    this.video.srcObject = this.stream
    await this.video.play()
    const read = async () => {
      try {
        const [found] = await detector.detect(this.video)
        const now = Date.now()
        if (found && (found.rawValue !== this.last.code || now - this.last.at > SAME_SCAN_MS)) {
          this.last = { code: found.rawValue, at: now }
          this.onCode(found.rawValue)
        } else if (found) this.last.at = now
      } catch {
        // A frame not ready yet: the next one.
      }
      if (this.stream) this.timer = window.setTimeout(() => void read(), FRAME_EVERY_MS)
    }
    void read()
  }

  stop() {
    clearTimeout(this.timer)
    this.stream?.getTracks().forEach((track) => track.stop())
    this.stream = null
    this.video.srcObject = null
  }
}
