// A beep a gate keeper hears without looking: two rising tones to let in, one low buzz to
// refuse. Web Audio, no sound file to load; the context is made on the first tap (browsers
// start one only from a gesture) and kept.
let audio: AudioContext | null = null

/** Called from a tap or a click, so that later beeps (from the camera) may sound. */
export function unlockSound() {
  try {
    audio ??= new AudioContext()
    void audio.resume()
  } catch {
    // No Web Audio: the verdict is still shown.
  }
}

function tone(frequency: number, start: number, seconds: number, type: OscillatorType) {
  if (!audio) return
  const oscillator = audio.createOscillator()
  const gain = audio.createGain()
  oscillator.type = type
  oscillator.frequency.value = frequency
  gain.gain.setValueAtTime(0.2, audio.currentTime + start)
  gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + start + seconds)
  oscillator.connect(gain).connect(audio.destination)
  oscillator.start(audio.currentTime + start)
  oscillator.stop(audio.currentTime + start + seconds)
}

export function beep(admitted: boolean) {
  try {
    if (admitted) {
      tone(880, 0, 0.12, 'sine')
      tone(1320, 0.13, 0.18, 'sine')
    } else {
      tone(180, 0, 0.5, 'square')
    }
  } catch {
    // As above: the screen says it.
  }
}
