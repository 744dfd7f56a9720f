/**
 * A strict JSON parser for headers read from files that may be hostile.
 *
 * JSON.parse is not enough for a safetensors header: it silently keeps the
 * last of two duplicate keys (a file could then show one tensor to torchlet and
 * another to a different reader), it reorders integer-like keys ("0", "1")
 * ahead of the others, and deep nesting overflows the stack. This parser
 * keeps every object as an ordered list of entries, rejects duplicate keys,
 * and limits nesting. Errors say what was expected and at which character.
 */

/** A parsed JSON object: its entries in file order (keys are unique). */
export class JsonObject {
  constructor(readonly entries: [string, JsonValue][]) {}
  get(key: string): JsonValue | undefined {
    for (const [k, v] of this.entries) if (k === key) return v;
    return undefined;
  }
  has(key: string): boolean {
    return this.entries.some(([k]) => k === key);
  }
  keys(): string[] {
    return this.entries.map(([k]) => k);
  }
}
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

/** The most levels of arrays/objects inside each other a header may have (safetensors needs 3). */
export const MAX_JSON_DEPTH = 64;

export class JsonSyntaxError extends Error {
  constructor(message: string, readonly position: number) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

/** Parses `text` as one JSON value (whitespace around it allowed). Throws JsonSyntaxError. */
export function parseJsonStrict(text: string, maxDepth = MAX_JSON_DEPTH): JsonValue {
  let i = 0;
  const n = text.length;
  const fail = (what: string): never => {
    const found = i < n ? `'${text[i] === "'" ? "\\'" : text[i]}'` : 'the end of the text';
    throw new JsonSyntaxError(`${what} at character ${i}, found ${found}`, i);
  };
  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  const str = (): string => {
    // text[i] === '"'
    i++;
    let out = '';
    let start = i;
    for (;;) {
      if (i >= n) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(start, i);
        i++;
        return out;
      }
      if (c < 0x20) fail('control character in a string');
      if (c === 0x5c) {
        out += text.slice(start, i);
        i++;
        const e = text[i];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i++;
        } else if (e === 'u') {
          const hex = text.slice(i + 1, i + 5);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          i += 5;
        } else fail('bad escape in a string');
        start = i;
        continue;
      }
      i++;
    }
  };
  const num = (): number => {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (!m) fail('expected a value');
    i += m![0].length;
    return Number(m![0]);
  };
  // Recursive descent; maxDepth bounds the recursion, so a hostile '[[[[...' cannot overflow the stack.
  const value = (depth: number): JsonValue => {
    ws();
    if (i >= n) fail('expected a value');
    const c = text[i];
    if (c === '{') {
      if (depth >= maxDepth) fail(`nesting deeper than ${maxDepth} levels`);
      i++;
      const entries: [string, JsonValue][] = [];
      const seen = new Set<string>();
      ws();
      if (text[i] === '}') {
        i++;
        return new JsonObject(entries);
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a string key');
        const keyAt = i;
        const k = str();
        if (seen.has(k)) {
          i = keyAt;
          throw new JsonSyntaxError(`duplicate key ${JSON.stringify(k)} at character ${keyAt}`, keyAt);
        }
        seen.add(k);
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        entries.push([k, value(depth + 1)]);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return new JsonObject(entries);
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      if (depth >= maxDepth) fail(`nesting deeper than ${maxDepth} levels`);
      i++;
      const arr: JsonValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) return (i += 4), true;
    if (text.startsWith('false', i)) return (i += 5), false;
    if (text.startsWith('null', i)) return (i += 4), null;
    return num();
  };
  const v = value(0);
  ws();
  if (i < n) fail('unexpected text after the JSON value');
  return v;
}
