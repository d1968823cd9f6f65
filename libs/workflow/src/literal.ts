import type { JsonObject, JsonValue } from '@ivoryos/contracts';
import { setOwn } from './names';

/**
 * A small reader for Python literals and JSON text, standing in for Python's `ast.literal_eval` when
 * table cells are converted: numbers, quoted strings, `True/False/None` (and `true/false/null`), lists,
 * tuples (also bare: `1,2,3`), dicts and sets. Tuples and sets become lists; dict keys become text.
 */
class LiteralReader {
  private pos = 0;
  private depth = 0;

  constructor(private readonly src: string) {}

  readTop(): JsonValue {
    const first = this.readValue();
    this.skipSpace();
    if (this.pos === this.src.length) return first;
    // A bare tuple, as literal_eval reads `1, 2, 3`.
    const items = [first];
    while (this.eat(',')) {
      this.skipSpace();
      if (this.pos === this.src.length) break;
      items.push(this.readValue());
      this.skipSpace();
    }
    if (this.pos !== this.src.length) this.fail();
    return items;
  }

  private fail(): never {
    throw new SyntaxError(`not a literal at character ${this.pos}`);
  }

  private skipSpace(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos])) this.pos++;
  }

  private eat(ch: string): boolean {
    this.skipSpace();
    if (this.src[this.pos] !== ch) return false;
    this.pos++;
    return true;
  }

  private readValue(): JsonValue {
    this.skipSpace();
    const ch = this.src[this.pos];
    if (ch === '[' || ch === '(' || ch === '{') {
      // Nested containers recurse; a cap keeps hostile cells from exhausting the stack.
      if (++this.depth > 32) this.fail();
      const value = ch === '{' ? this.readBraces() : this.readSequence(ch === '[' ? ']' : ')');
      this.depth--;
      return value;
    }
    if (ch === '"' || ch === "'") return this.readString(ch);
    const word = /^[A-Za-z]+/.exec(this.src.slice(this.pos))?.[0];
    if (word) {
      const words: Record<string, JsonValue> = { True: true, False: false, None: null, true: true, false: false, null: null };
      if (!Object.hasOwn(words, word)) this.fail();
      this.pos += word.length;
      return words[word];
    }
    const num = /^[+-]?(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)([eE][+-]?\d+)?/.exec(this.src.slice(this.pos))?.[0];
    if (!num) this.fail();
    const value = Number(num.replace(/_/g, ''));
    if (!Number.isFinite(value)) this.fail();
    this.pos += num.length;
    return value;
  }

  private readString(quote: string): string {
    const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
    let out = '';
    this.pos++;
    while (this.pos < this.src.length) {
      const ch = this.src[this.pos++];
      if (ch === quote) return out;
      if (ch === '\\') {
        const next = this.src[this.pos++] ?? '';
        out += escapes[next] ?? `\\${next}`;
      } else out += ch;
    }
    return this.fail();
  }

  private readSequence(close: string): JsonValue[] {
    this.pos++;
    const items: JsonValue[] = [];
    while (!this.eat(close)) {
      if (items.length && !this.eat(',')) this.fail();
      if (this.eat(close)) break;
      items.push(this.readValue());
    }
    return items;
  }

  private readBraces(): JsonValue {
    this.pos++;
    const dict: JsonObject = {};
    const set: JsonValue[] = [];
    let kind: 'dict' | 'set' | null = null;
    while (!this.eat('}')) {
      if (kind && !this.eat(',')) this.fail();
      if (this.eat('}')) break;
      const key = this.readValue();
      if (this.eat(':')) {
        if (kind === 'set' || (key !== null && typeof key === 'object')) this.fail();
        kind = 'dict';
        setOwn(dict, typeof key === 'string' ? key : JSON.stringify(key), this.readValue());
      } else {
        if (kind === 'dict') this.fail();
        kind = 'set';
        set.push(key);
      }
    }
    return kind === 'set' ? set : dict;
  }
}

/** Reads `text` as a Python literal or JSON; `undefined` when it is neither. */
export function readLiteral(text: string): JsonValue | undefined {
  if (text.length > 100_000) return undefined;
  try {
    return new LiteralReader(text).readTop();
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}
