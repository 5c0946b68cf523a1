// The alarm sound: a two-tone beep generated with Web Audio (no audio file), played when an alarm arrives.

/** Hz of the two tones, and seconds each lasts. */
const TONES = [880, 660] as const;
const TONE_S = 0.18;
const GAP_S = 0.06;
/** Times the two-tone pattern repeats per alarm. */
const REPEAT = 3;

/**
 * Beeps through one lazily made AudioContext. Browsers start a context suspended until the page has had a
 * user gesture; the operator signed in by clicking, so `resume()` normally succeeds — when it does not, the
 * alarm is still shown and blinks, only silent.
 */
export class AlarmSound {
  private ctx: AudioContext | null = null;
  private muted = false;

  setMuted(on: boolean): void {
    this.muted = on;
  }

  get isMuted(): boolean {
    return this.muted;
  }

  /** Plays the alarm pattern once (a no-op when muted or when the browser has no Web Audio). */
  beep(): void {
    if (this.muted || typeof AudioContext === 'undefined') return;
    this.ctx ??= new AudioContext();
    const ctx = this.ctx;
    if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
    const gain = ctx.createGain();
    gain.gain.value = 0.15;
    gain.connect(ctx.destination);
    let at = ctx.currentTime + 0.02;
    for (let i = 0; i < REPEAT; i++)
      for (const hz of TONES) {
        const osc = ctx.createOscillator();
        osc.type = 'square';
        osc.frequency.value = hz;
        osc.connect(gain);
        osc.start(at);
        osc.stop(at + TONE_S);
        at += TONE_S + GAP_S;
      }
  }

  close(): void {
    void this.ctx?.close().catch(() => undefined);
    this.ctx = null;
  }
}
