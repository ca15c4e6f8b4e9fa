// JSON with object keys sorted at every level, so two settings objects compare equal whatever
// order their keys were written in (a checkpoint saved by older code lists a later-added key last).
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}

export interface SettingDifference {
  /** Dotted path of the differing leaf, e.g. "selection.gamma". */
  path: string;
  saved: unknown;
  now: unknown;
}

/** The leaves that differ between two settings objects (keys compared in any order). */
export function differingSettings(saved: unknown, now: unknown, prefix = ''): SettingDifference[] {
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObject(saved) && isObject(now)) {
    const keys = [...new Set([...Object.keys(saved), ...Object.keys(now)])].sort();
    return keys.flatMap((k) => differingSettings(saved[k], now[k], prefix ? `${prefix}.${k}` : k));
  }
  return canonicalJson(saved) === canonicalJson(now) ? [] : [{ path: prefix || '(value)', saved, now }];
}

/** "lr (saved 0.05, now 0.1), selection.gamma (saved 2, now 3)" for an error message. */
export function describeDifferences(differences: readonly SettingDifference[]): string {
  const show = (v: unknown) => (v === undefined ? 'absent' : canonicalJson(v));
  return differences.map((d) => `${d.path} (saved ${show(d.saved)}, now ${show(d.now)})`).join(', ');
}
