// NDJSON payloads for the batch tests: `count` keys written once each (valid), or, with
// `invalid`, the first key written twice (one multiple-success issue).
export function ndjsonPayload(count, { invalid = false } = {}) {
  const lines = [];
  for (let i = 0; i < count; i++) {
    const t = new Date(Date.UTC(2025, 9, 9, 6, 0, i)).toISOString();
    lines.push(JSON.stringify({ timestamp: t, type: 'success', key: `k${i}`, context: { attempts: 1 }, value: 'v' }));
    if (invalid && i === 0) {
      lines.push(JSON.stringify({ timestamp: t, type: 'success', key: 'k0', context: { attempts: 1 }, value: 'w' }));
    }
  }
  return lines.join('\n') + '\n';
}
