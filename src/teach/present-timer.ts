/**
 * The presenter's stopwatch as plain data: elapsed time kept as what ran before the last
 * start plus the run since, so pausing, resuming and sending it to the notes window are exact.
 */

export interface Stopwatch {
  /** Milliseconds run before `since`. */
  banked: number;
  /** When the running stretch began (ms clock), or undefined while paused. */
  since?: number;
}

export const STOPPED: Stopwatch = { banked: 0 };

export function elapsed(watch: Stopwatch, now: number): number {
  return watch.banked + (watch.since === undefined ? 0 : Math.max(0, now - watch.since));
}

export function start(watch: Stopwatch, now: number): Stopwatch {
  return watch.since === undefined ? { banked: watch.banked, since: now } : watch;
}

export function pause(watch: Stopwatch, now: number): Stopwatch {
  return watch.since === undefined ? watch : { banked: elapsed(watch, now) };
}

/** Back to zero, still running if it was. */
export function reset(watch: Stopwatch, now: number): Stopwatch {
  return watch.since === undefined ? STOPPED : { banked: 0, since: now };
}

/** 65_000 -> "1:05", 3_725_000 -> "1:02:05". */
export function clock(ms: number): string {
  const s = Math.floor(Math.max(0, ms) / 1000);
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const two = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(sec)}` : `${m}:${two(sec)}`;
}
