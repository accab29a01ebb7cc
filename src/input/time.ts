// Times the operator gives: durations (--timeout 5m, --stuck 2h) and moments (--since 2h, --until 2026-11-24).
import {UsageError} from '../errors.js'

const UNITS: Record<string, number> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000}

/** Parses `500ms`, `30s`, `5m`, `1h30m`, `2d` into milliseconds; a bare number is seconds. */
export function parseDuration(text: string, flag = '--timeout'): number {
  const trimmed = text.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000)
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy
  let total = 0
  let matched = 0
  for (let m = re.exec(trimmed); m; m = re.exec(trimmed)) {
    total += Number(m[1]) * UNITS[m[2]!]!
    matched = re.lastIndex
  }
  if (trimmed === '' || matched !== trimmed.length) {
    throw new UsageError(`${flag}: "${text}" is not a duration`, 'use a number with a unit: 500ms, 30s, 5m, 2h, 1h30m')
  }
  return Math.round(total)
}

/** `2h` (that long ago) or an ISO date/time. */
export function parseMoment(text: string, flag: string, now = Date.now()): Date {
  if (/^\d+(\.\d+)?(ms|s|m|h|d)/.test(text.trim())) return new Date(now - parseDuration(text, flag))
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text.trim()) ? `${text.trim()}T00:00:00Z` : text)
  if (Number.isNaN(date.getTime()))
    throw new UsageError(`${flag}: "${text}" is neither a duration nor a date`, 'use 2h, 3d, or an ISO date such as 2026-11-24 or 2026-11-24T08:00:00Z')
  return date
}
