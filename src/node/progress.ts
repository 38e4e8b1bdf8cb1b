/** A one-line progress display on a TTY (samples done, rate, ETA); silent otherwise. */

export interface Progress {
  update(done: number, total: number): void;
  done(): void;
}

export function makeProgress(label: string, enabled: boolean, unit = "samples"): Progress {
  const stream = process.stderr;
  const active = enabled && stream.isTTY === true && !process.env.CI;
  const t0 = Date.now();
  let last = 0;
  let shown = false;
  return {
    update(done, total) {
      if (!active) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const secs = (now - t0) / 1000;
      const rate = done / Math.max(secs, 1e-3);
      const eta = rate > 0 ? (total - done) / rate : 0;
      const pct = ((100 * done) / total).toFixed(0).padStart(3);
      stream.write(
        `\r${label}: ${pct}% ${done}/${total} ${unit}, ${formatRate(rate)} ${unit}/s, ETA ${eta.toFixed(1)} s   `,
      );
      shown = true;
    },
    done() {
      if (shown) stream.write("\r\x1b[K");
    },
  };
}

function formatRate(r: number): string {
  if (r >= 1e6) return `${(r / 1e6).toFixed(2)}M`;
  if (r >= 1e3) return `${(r / 1e3).toFixed(1)}k`;
  return r.toFixed(0);
}
