import { randomHex } from '../random-hex.js';

/**
 * A record name never used before: `<loop>-YYYYmmddTHHMMSS` as `ll-loop run` names its records
 * (UTC here), then random hex that keeps two acquisitions in one second apart. A name must never
 * come back, because the Python original unlinks a record it read as stale without holding the
 * sentinel: had we reaped that record meanwhile and published a new one under the same name,
 * Python would delete the live one.
 */
export function freshInstance(loopName: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `${loopName}-${stamp}-${randomHex(4)}`;
}
