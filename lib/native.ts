/**
 * The only place that loads the native addon. Everything else imports
 * `native` from here; its type is the contract in binding.d.ts.
 *
 * TORCHLET_ADDON=/path/to/torchlet.node loads a specific build (used when
 * developing several builds side by side).
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as Binding from '../binding';

/** The package root: the nearest folder above this file with torchlet's package.json. */
function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        if (JSON.parse(fs.readFileSync(pj, 'utf8')).name === 'torchlet') return dir;
      } catch {
        /* keep looking */
      }
    }
    const up = path.dirname(dir);
    if (up === dir) return path.resolve(__dirname, '..');
    dir = up;
  }
}

function load(): typeof Binding {
  const explicit = process.env.TORCHLET_ADDON;
  try {
    if (explicit) return require(path.resolve(explicit)) as typeof Binding;
    return require('bindings')({ bindings: 'torchlet', module_root: packageRoot() }) as typeof Binding;
  } catch (e) {
    const first = String((e as Error).message).split('\n')[0];
    throw new Error(
      `torchlet: the native addon could not be loaded (${first}). ` +
        'Run `npm install` (or `npm run build:native`) in the torchlet folder; it needs cmake and a C++17 compiler.',
    );
  }
}

export const native: typeof Binding = load();
export type { FloatArray, AnyArray } from '../binding';
