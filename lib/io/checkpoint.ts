/**
 * torch.save / torch.load over safetensors files.
 *
 * A state dict (a Map or a plain object whose values are all tensors, as
 * nn.Module.stateDict() returns) is written as a plain safetensors file: one
 * tensor per key, under the key's own name ('0.weight', 'un.bias'), with
 * __metadata__ {"format": "pt"}. PyTorch loads it with
 * safetensors.torch.load_file + load_state_dict; torch.load gives it back as a
 * Map in the file's order.
 *
 * Anything else (a training checkpoint: {model, optimizer, epoch, rng, ...})
 * is stored as
 *   - every tensor as a safetensors tensor named by its dotted path:
 *     'model.0.weight', 'optimizer.state.0.momentum_buffer';
 *   - every Uint8Array (e.g. torch.getRngState()) as a 1-D U8 tensor, same naming;
 *   - the structure around them as JSON in __metadata__["torchlet"]:
 *     {"format": "torchlet.checkpoint", "version": 1, "root": <value>} where a
 *     value is JSON (null, booleans, strings, finite numbers, arrays, objects)
 *     or a one-key marker object:
 *        {"__tensor__": name}   a tensor of the file
 *        {"__bytes__": name}    a Uint8Array (a U8 tensor of the file)
 *        {"__map__": [[key, value], ...]}   a Map (string or number keys)
 *        {"__object__": {...}}  a plain object that has a key spelled like a marker
 *        {"__number__": "NaN" | "Infinity" | "-Infinity" | "-0"}
 *        {"__bigint__": "123"}, {"__undefined__": true}
 * torch.load rebuilds the same nested value: Maps as Maps, objects as
 * objects, tensors as tensors (requiresGrad false, like PyTorch's loads).
 * Other tools see an ordinary safetensors file of prefixed tensors.
 */
import { Tensor } from '../tensor';
import { writeAll, writeFileAtomic } from './atomic';
import { JsonObject, JsonSyntaxError, JsonValue, parseJsonStrict } from './json';
import { entriesOf, HeaderEntry, OpenedFile, planFile, Storable, withFile } from './safetensors';

/** __metadata__ key of the structure of a nested checkpoint. */
export const STRUCTURE_KEY = 'torchlet';
const STRUCTURE_FORMAT = 'torchlet.checkpoint';
const STRUCTURE_VERSION = 1;
/** Nesting a checkpoint's structure may have (checked when saving, so whatever saves also loads). */
const MAX_DEPTH = 200;
/**
 * The JSON nesting load accepts: what MAX_DEPTH levels encode to at most. The
 * document is 1 level; a Map is 3 per level ({"__map__": [[key, value]]});
 * a value at the last level adds up to 2 (an empty Map: {"__map__": []}).
 */
const MAX_JSON_DEPTH = 1 + 3 * MAX_DEPTH + 2;
const MARKERS = new Set(['__tensor__', '__bytes__', '__map__', '__object__', '__number__', '__bigint__', '__undefined__']);

export interface SaveOptions {
  /** Extra __metadata__ strings (the keys "format" and "torchlet" are the writer's). */
  metadata?: Record<string, string>;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A Map or a plain object whose values are all tensors (an empty one counts). */
function isFlatStateDict(obj: unknown): boolean {
  if (obj instanceof Map) return [...obj].every(([k, v]) => typeof k === 'string' && v instanceof Tensor);
  return isPlainObject(obj) && Object.values(obj).every((v) => v instanceof Tensor);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  return (v as object).constructor?.name ?? 'object';
}

/** Turns a value into the JSON structure, collecting its tensors under their dotted paths. */
function encodeStructure(root: unknown, op: string): { json: string; tensors: [string, Storable][] } {
  const tensors: [string, Storable][] = [];
  const owner = new Map<string, string>(); // tensor name -> path shown in errors
  const stack = new Set<object>();
  const where = (parts: string[]): string => (parts.length ? parts.join('.') : '(the top level)');
  const addTensor = (parts: string[], v: Storable): string => {
    const name = parts.length ? parts.join('.') : 'tensor';
    if (owner.has(name))
      throw new RangeError(`${op}: two tensors would both be stored as ${JSON.stringify(name)} (keys with dots collide with nesting); rename one`);
    owner.set(name, name);
    tensors.push([name, v]);
    return name;
  };
  const enc = (v: unknown, parts: string[]): unknown => {
    if (parts.length > MAX_DEPTH) throw new RangeError(`${op}: the value nests deeper than ${MAX_DEPTH} levels at ${where(parts.slice(0, 8))}...`);
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (v === undefined) return { __undefined__: true };
    if (typeof v === 'number') {
      if (Number.isNaN(v)) return { __number__: 'NaN' };
      if (v === Infinity) return { __number__: 'Infinity' };
      if (v === -Infinity) return { __number__: '-Infinity' };
      if (Object.is(v, -0)) return { __number__: '-0' };
      return v;
    }
    if (typeof v === 'bigint') return { __bigint__: v.toString() };
    if (v instanceof Tensor) return { __tensor__: addTensor(parts, v) };
    if (v instanceof Uint8Array) return { __bytes__: addTensor(parts, v) };
    if (typeof v !== 'object')
      throw new TypeError(`${op}: cannot store a ${typeof v} at ${where(parts)}; a checkpoint holds tensors, Uint8Arrays, numbers, strings, booleans, null, arrays, Maps and plain objects`);
    if (stack.has(v)) throw new TypeError(`${op}: circular reference at ${where(parts)}`);
    stack.add(v);
    try {
      if (Array.isArray(v)) return v.map((x, i) => enc(x, [...parts, String(i)]));
      if (v instanceof Map) {
        return {
          __map__: [...v].map(([k, x]) => {
            if (typeof k !== 'string' && typeof k !== 'number')
              throw new TypeError(`${op}: Map keys must be strings or numbers to be stored; got a ${typeName(k)} key at ${where(parts)}`);
            // JSON has no NaN or Infinity: such a key would be written as null, which load refuses.
            if (typeof k === 'number' && !Number.isFinite(k))
              throw new RangeError(`${op}: Map key ${k} at ${where(parts)} cannot be stored; number keys must be finite (use a string key such as '${k}')`);
            return [k, enc(x, [...parts, String(k)])];
          }),
        };
      }
      if (isPlainObject(v)) {
        const out: Record<string, unknown> = {};
        let marked = false;
        for (const [k, x] of Object.entries(v)) {
          if (MARKERS.has(k)) marked = true;
          Object.defineProperty(out, k, { value: enc(x, [...parts, k]), enumerable: true, writable: true, configurable: true });
        }
        return marked ? { __object__: out } : out;
      }
      const hint = ArrayBuffer.isView(v) ? ' (make it a tensor with torch.fromTypedArray)' : '';
      throw new TypeError(`${op}: cannot store a ${typeName(v)} at ${where(parts)}${hint}; a checkpoint holds tensors, Uint8Arrays, numbers, strings, booleans, null, arrays, Maps and plain objects`);
    } finally {
      stack.delete(v);
    }
  };
  const root_ = enc(root, []);
  return { json: JSON.stringify({ format: STRUCTURE_FORMAT, version: STRUCTURE_VERSION, root: root_ }), tensors };
}

/**
 * Saves a state dict or a training checkpoint as a safetensors file
 * (PyTorch's torch.save, in the safetensors format; see the file comment for
 * the layout). The file is replaced atomically: a crash during the save
 * leaves the previous file intact.
 * @example torch.save(net.stateDict(), 'model.safetensors')
 * @example torch.save({ model: net.stateDict(), optimizer: opt.stateDict(), epoch, rng: torch.getRngState() }, 'ckpt.safetensors')
 */
export function save(obj: unknown, path: string, options: SaveOptions | null = {}): void {
  const op = 'save';
  options ??= {}; // null: the defaults, as None in PyTorch
  if (typeof options !== 'object' || Array.isArray(options)) throw new TypeError(`${op}: options must be an object such as { metadata: { epoch: '3' } }, got ${Array.isArray(options) ? 'an array' : typeof options}`);
  for (const k of Object.keys(options)) if (k !== 'metadata') throw new TypeError(`${op}: unknown option '${k}' (expected 'metadata')`);
  const extra = options.metadata ?? {};
  if (extra === null || typeof extra !== 'object' || Array.isArray(extra)) throw new TypeError(`${op}: options.metadata must be an object of strings`);
  for (const k of ['format', STRUCTURE_KEY])
    if (Object.prototype.hasOwnProperty.call(extra, k)) throw new RangeError(`${op}: options.metadata cannot set ${JSON.stringify(k)}, which the writer sets`);
  let entries: [string, Storable][];
  const metadata: Record<string, string> = { format: 'pt', ...extra };
  if (isFlatStateDict(obj)) entries = entriesOf(obj, op);
  else {
    const s = encodeStructure(obj, op);
    entries = s.tensors;
    metadata[STRUCTURE_KEY] = s.json;
  }
  const plan = planFile(entries, metadata, op); // every check before the file is touched
  writeFileAtomic(op, path, (fd) => {
    writeAll(fd, plan.head);
    for (const c of plan.chunks) writeAll(fd, c);
  });
}

/**
 * Writes tensors as a plain safetensors file (safetensors.torch.save_file),
 * atomically. Names are kept as given.
 */
export function saveFile(tensors: Map<string, Storable> | Record<string, Storable>, path: string, metadata: Record<string, string> | null = null): void {
  const plan = planFile(entriesOf(tensors, 'saveFile'), metadata, 'saveFile');
  writeFileAtomic('saveFile', path, (fd) => {
    writeAll(fd, plan.head);
    for (const c of plan.chunks) writeAll(fd, c);
  });
}

/** Rebuilds the value of a nested checkpoint from its structure JSON. */
function decodeStructure(f: OpenedFile, json: string, op: string, source: string): unknown {
  const fail = (problem: string): never => {
    throw new Error(`${op}: ${source} is not a valid torchlet checkpoint: ${problem}`);
  };
  let doc: JsonValue;
  try {
    doc = parseJsonStrict(json, MAX_JSON_DEPTH);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return fail(`__metadata__["${STRUCTURE_KEY}"] is not valid JSON (${e.message})`);
    throw e;
  }
  if (!(doc instanceof JsonObject) || doc.get('format') !== STRUCTURE_FORMAT)
    return fail(`__metadata__["${STRUCTURE_KEY}"] is not a ${STRUCTURE_FORMAT} structure`);
  const version = doc.get('version');
  if (version !== STRUCTURE_VERSION)
    return fail(`its structure has version ${JSON.stringify(version)}; this torchlet reads version ${STRUCTURE_VERSION} (written by a newer torchlet?)`);
  if (!doc.has('root')) return fail('its structure has no root');
  const byName = new Map<string, HeaderEntry>();
  for (const e of f.header.entries) byName.set(e.name, e);
  const made = new Map<string, Tensor | Uint8Array>();
  const entry = (name: JsonValue, kind: string): HeaderEntry => {
    if (typeof name !== 'string') return fail(`a ${kind} reference must be a tensor name, got ${JSON.stringify(name)}`);
    const e = byName.get(name);
    if (!e) return fail(`its structure refers to a tensor ${JSON.stringify(name)} that the file does not hold`);
    return e;
  };
  const dec = (j: JsonValue): unknown => {
    if (j === null || typeof j !== 'object') return j;
    if (Array.isArray(j)) return j.map(dec);
    const keys = j.keys();
    if (keys.length === 1 && MARKERS.has(keys[0])) {
      const k = keys[0], v = j.get(k)!;
      switch (k) {
        case '__tensor__': {
          const e = entry(v, 'tensor');
          if (!made.has(e.name)) made.set(e.name, f.tensor(e));
          return made.get(e.name);
        }
        case '__bytes__': {
          const e = entry(v, 'bytes');
          if (e.dtype !== 'U8' || e.shape.length !== 1) return fail(`${JSON.stringify(e.name)} should hold bytes (1-D U8), but is ${e.dtype} of shape [${e.shape.join(', ')}]`);
          if (!made.has(e.name)) made.set(e.name, f.bytes(e));
          return made.get(e.name);
        }
        case '__map__': {
          if (!Array.isArray(v)) return fail('a __map__ must hold an array of [key, value] pairs');
          const m = new Map<unknown, unknown>();
          for (const pair of v) {
            if (!Array.isArray(pair) || pair.length !== 2 || (typeof pair[0] !== 'string' && typeof pair[0] !== 'number'))
              return fail('a __map__ entry must be a [key, value] pair with a string or number key');
            m.set(pair[0], dec(pair[1]));
          }
          return m;
        }
        case '__object__':
          if (!(v instanceof JsonObject)) return fail('an __object__ marker must hold an object');
          return decObject(v);
        case '__number__': {
          const nums: Record<string, number> = { NaN, Infinity, '-Infinity': -Infinity, '-0': -0 };
          if (typeof v !== 'string' || !(v in nums)) return fail(`unknown __number__ ${JSON.stringify(v)}`);
          return nums[v];
        }
        case '__bigint__':
          if (typeof v !== 'string' || !/^-?\d+$/.test(v)) return fail(`bad __bigint__ ${JSON.stringify(v)}`);
          return BigInt(v);
        case '__undefined__':
          return undefined;
      }
    }
    return decObject(j);
  };
  const decObject = (o: JsonObject): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    // defineProperty: a key "__proto__" becomes an ordinary property, never the prototype.
    for (const [k, v] of o.entries) Object.defineProperty(out, k, { value: dec(v), enumerable: true, writable: true, configurable: true });
    return out;
  };
  return dec(doc.get('root')!);
}

/**
 * Loads what save() wrote, or any safetensors file (PyTorch's torch.load for
 * safetensors): a plain state dict comes back as a Map<string, Tensor> in file
 * order; a nested checkpoint as the same nested value that was saved. A
 * truncated, corrupt or hostile file throws an Error naming the file and the
 * problem, and nothing is loaded.
 * @example net.loadStateDict(torch.load('model.safetensors'))
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function load<T = any>(path: string): T {
  const op = 'load';
  return withFile(path, op, (f) => {
    const structure = f.header.metadata?.[STRUCTURE_KEY];
    if (structure !== undefined) return decodeStructure(f, structure, op, `'${path}'`) as T;
    const sd = new Map<string, Tensor>();
    for (const e of f.header.entries) sd.set(e.name, f.tensor(e));
    return sd as T;
  });
}
