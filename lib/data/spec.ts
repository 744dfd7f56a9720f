/**
 * How datasets and transforms travel to worker threads.
 *
 * A worker cannot receive a JS object with its methods: it rebuilds the
 * dataset from a spec, a structured-cloneable description. Built-in datasets
 * write their own spec (their data in SharedArrayBuffers, which every worker
 * reads without a copy, plus the specs of their transforms); a user's Dataset
 * class is rebuilt from a recipe naming the module that exports it, as
 * PyTorch needs a dataset to be importable by its worker processes.
 */

/** How a worker rebuilds a user's dataset: `require(module)[export](...args)` (a class is constructed with `new`). */
export interface WorkerRecipe {
  /** Absolute path of the module (or a package name resolvable from the current folder). */
  module: string;
  /** Name of the export: a Dataset class or a function returning a Dataset (or a Promise of one). Default: `default`, else the module itself. */
  export?: string;
  /** Arguments for the constructor or function; they are structured-cloned (numbers, strings, arrays, plain objects, typed arrays). */
  args?: unknown[];
}

/** A structured-cloneable description of a dataset or transform, rebuilt by the worker. */
export interface Spec {
  kind: string;
  [key: string]: unknown;
}

/** Thrown when a dataset or transform cannot be described for a worker; the message says what and how to fix it. */
export class NotSendableError extends TypeError {}

/** Datasets and transforms that know how to describe themselves implement this. */
export interface WorkerSendable {
  /** The spec to rebuild this object in a worker. `dry` only checks (no data copied). */
  _workerSpec(dry: boolean): Spec;
}

const builders = new Map<string, (spec: Spec) => unknown>();

/** Registers how a worker rebuilds objects of `kind`. */
export function registerKind(kind: string, build: (spec: Spec) => unknown): void {
  builders.set(kind, build);
}

export function checkRecipe(op: string, r: WorkerRecipe): void {
  if (!r || typeof r !== 'object' || typeof r.module !== 'string' || r.module === '')
    throw new TypeError(`${op}: a worker recipe is { module: '/absolute/path/to/module.js', export?: 'Name', args?: [...] }; got ${JSON.stringify(r)}`);
  if (r.export !== undefined && typeof r.export !== 'string') throw new TypeError(`${op}: recipe export must be a string, got ${typeof r.export}`);
  if (r.args !== undefined && !Array.isArray(r.args)) throw new TypeError(`${op}: recipe args must be an array, got ${typeof r.args}`);
  if (r.module.startsWith('.'))
    throw new TypeError(`${op}: recipe module '${r.module}' is relative; give an absolute path (e.g. require.resolve('${r.module}') or path.join(__dirname, ...))`);
  try {
    require.resolve(r.module, { paths: [process.cwd()] });
  } catch (e) {
    throw new TypeError(`${op}: recipe module '${r.module}' cannot be found: ${(e as Error).message.split('\n')[0]}`);
  }
  try {
    structuredClone(r.args ?? []);
  } catch (e) {
    throw new TypeError(`${op}: recipe args cannot be sent to a worker (${(e as Error).message}); use numbers, strings, arrays, plain objects or typed arrays`);
  }
}

function className(x: unknown): string {
  if (typeof x === 'function') return x.name ? `function ${x.name}` : 'an anonymous function';
  const c = (x as { constructor?: { name?: string } })?.constructor?.name;
  return c ? `a ${c}` : typeof x;
}

/**
 * The spec of a dataset for the workers: its recipe (a `workerRecipe()`
 * method) or its built-in spec. Throws NotSendableError saying how to fix it.
 */
export function datasetSpec(ds: unknown, dry: boolean): Spec {
  const d = ds as { workerRecipe?: () => WorkerRecipe; _workerSpec?: (dry: boolean) => Spec };
  if (typeof d.workerRecipe === 'function') {
    const r = d.workerRecipe();
    checkRecipe('workerRecipe()', r);
    return { kind: 'recipe', recipe: r };
  }
  if (typeof d._workerSpec === 'function') return d._workerSpec(dry);
  throw new NotSendableError(
    `${className(ds)} cannot be sent to worker threads: a worker must rebuild the dataset itself. ` +
      `Give the DataLoader a workerDataset: { module: '/absolute/path/to/its/module.js', export: 'ClassName', args: [...] } recipe, ` +
      `or define workerRecipe() returning one on the dataset class, or use numWorkers: 0`,
  );
}

/** The spec of a transform (or null when there is none). */
export function transformSpec(t: unknown, where: string): Spec | null {
  if (t === undefined || t === null) return null;
  const s = t as { workerRecipe?: () => WorkerRecipe; _workerSpec?: (dry: boolean) => Spec };
  if (typeof s.workerRecipe === 'function') {
    const r = s.workerRecipe();
    checkRecipe('workerRecipe()', r);
    return { kind: 'recipe', recipe: r };
  }
  if (typeof s._workerSpec === 'function') return s._workerSpec(false);
  throw new NotSendableError(
    `${where} is ${className(t)}, which cannot be sent to worker threads (a function's code and closure do not travel). ` +
      `Use data.transforms classes (Compose, ToTensor, Normalize, RandomCrop, ...), give your Transform subclass a workerRecipe(), ` +
      `give the DataLoader a workerDataset recipe that builds the dataset with its transform, or use numWorkers: 0`,
  );
}

/** Rebuilds a dataset or transform from its spec (in a worker). Recipes may return a Promise. */
export function build(spec: Spec | null): unknown {
  if (spec === null) return undefined;
  if (spec.kind === 'recipe') return fromRecipe(spec.recipe as WorkerRecipe);
  const b = builders.get(spec.kind);
  if (!b) throw new Error(`worker: unknown spec kind '${spec.kind}'`);
  return b(spec);
}

/** Builds what a recipe names: constructs a class, calls a factory. */
export function fromRecipe(r: WorkerRecipe): unknown {
  const resolved = require.resolve(r.module, { paths: [process.cwd()] });
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const mod = require(resolved);
  const name = r.export ?? 'default';
  let target = mod?.[name];
  if (target === undefined && r.export === undefined) target = mod;
  if (typeof target !== 'function')
    throw new TypeError(`worker recipe: module '${r.module}' has no export '${name}' that is a class or function (exports: ${Object.keys(mod ?? {}).join(', ') || 'none'})`);
  const args = r.args ?? [];
  const isClass = /^class[\s{]/.test(Function.prototype.toString.call(target)) ||
    (target.prototype && Object.getOwnPropertyNames(target.prototype).length > 1);
  return isClass ? new target(...args) : target(...args);
}
