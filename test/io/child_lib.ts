/**
 * torchlet's lib/ as plain JavaScript for child processes (which run outside
 * ts-jest): every lib/**.ts is transpiled into a temp folder, and the child
 * loads the addon this checkout built through TORCHLET_ADDON. Built fresh per
 * test file, so children always run the code under test, never a stale dist/.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');

export interface ChildLib {
  /** The folder holding lib/ (require(path.join(dir, 'lib')) is torchlet). */
  dir: string;
  /** Environment for the child: TORCHLET_ADDON set to this checkout's addon. */
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

export function buildChildLib(): ChildLib {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchlet-childlib-'));
  // A full compile, not transpileModule: lib/ uses binding.d.ts's const enums, which only a program can inline.
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.build.json'), { outDir: dir, declaration: false, sourceMap: false, noEmitOnError: false }, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  })!;
  const files = config.fileNames.filter((f) => f.startsWith(path.join(ROOT, 'lib') + path.sep) || f.endsWith('binding.d.ts'));
  const program = ts.createProgram(files, config.options);
  const result = program.emit();
  if (result.emitSkipped) throw new Error('buildChildLib: TypeScript emitted nothing');
  const addon = process.env.TORCHLET_ADDON ? path.resolve(process.env.TORCHLET_ADDON) : path.join(ROOT, 'build/Release/torchlet.node');
  return {
    dir,
    env: { ...process.env, TORCHLET_ADDON: addon },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
