/**
 * Which secrets a log shows. Each secret is looked for as it is, percent-encoded (as in a URL's
 * query) and JSON-escaped; the answer names the secret and the log line it was found on, with the
 * secret itself masked so the test's own output does not leak it either.
 */
export function secretsInLog(log: string, secrets: Record<string, Iterable<string>>): string[] {
  const found: string[] = [];
  for (const [what, values] of Object.entries(secrets)) {
    for (const value of new Set(values)) {
      // Short values (an errcode, "1") would match by chance: every secret we mint is longer.
      if (!value || value.length < 6) continue;
      const forms = new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]);
      for (const form of forms) {
        const at = log.indexOf(form);
        if (at < 0) continue;
        const lineStart = log.lastIndexOf('\n', at) + 1;
        const lineEnd = log.indexOf('\n', at);
        const line = log.slice(lineStart, lineEnd < 0 ? undefined : lineEnd).split(form).join(`<${what}>`);
        found.push(`${what} (${mask(value)}) in: ${line.slice(0, 300)}`);
        break;
      }
    }
  }
  return found;
}

function mask(value: string): string {
  return value.length <= 8 ? '***' : `${value.slice(0, 3)}…${value.slice(-2)}`;
}
