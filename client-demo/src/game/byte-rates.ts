/**
 * Bytes per second in and out of the connection, measured over windows of about a second, so the
 * HUD shows settled rates the moment it opens.
 */
export class ByteRates {
  inPerSec = 0;
  outPerSec = 0;
  #at = 0;
  #bytesIn = 0;
  #bytesOut = 0;

  /** Closes a window once a second has passed; `totals` is read only then. */
  sample(nowMs: number, totals: () => { readonly bytesIn: number; readonly bytesOut: number }): void {
    if (nowMs - this.#at < 1000) return;
    const s = totals();
    if (this.#at > 0) {
      const secs = (nowMs - this.#at) / 1000;
      this.inPerSec = (s.bytesIn - this.#bytesIn) / secs;
      this.outPerSec = (s.bytesOut - this.#bytesOut) / secs;
    }
    this.#at = nowMs;
    this.#bytesIn = s.bytesIn;
    this.#bytesOut = s.bytesOut;
  }
}
