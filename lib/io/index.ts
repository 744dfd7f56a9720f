/**
 * torch.io: checkpoints in the safetensors format.
 *
 *   torch.save(obj, path) / torch.load(path)     state dicts and training checkpoints
 *   io.saveFile / io.loadFile                    plain safetensors files (safetensors.torch.save_file / load_file)
 *   io.serialize / io.deserialize                the same, in memory
 *   io.cleanStaleTempFiles(path)                 removes temp files left by killed saves (save does it too)
 */
export { save, load, saveFile, STRUCTURE_KEY } from './checkpoint';
export type { SaveOptions } from './checkpoint';
export { loadFile, serialize, deserialize, SafetensorsError, MAX_HEADER_BYTES } from './safetensors';
export type { SafetensorsContents, Storable } from './safetensors';
export { cleanStaleTempFiles } from './atomic';
