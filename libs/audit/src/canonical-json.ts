/**
 * Canonical JSON: object keys sorted, no whitespace. The hash of an event must not depend on the
 * key order a driver or a database happened to return.
 *
 * Every command hashes its command and its events with it, so the text is built in one pass
 * without the intermediate arrays of entries and parts; the output must never change, or stored
 * hash chains stop verifying (canonical-json.spec.ts holds it to the original definition).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let text = '[';
    for (let index = 0; index < value.length; index++) {
      if (index > 0) text += ',';
      // A hole stays empty, as Array.prototype.map and join leave it.
      if (index in value) text += canonicalJson(value[index]);
    }
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  // The default sort orders by UTF-16 code units, as comparing strings with < does.
  const keys = Object.keys(record).sort();
  let text = '{';
  for (const key of keys) {
    const entry = record[key];
    if (entry === undefined) continue;
    if (text.length > 1) text += ',';
    text += `${JSON.stringify(key)}:${canonicalJson(entry)}`;
  }
  return `${text}}`;
}
