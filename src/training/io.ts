/**
 * Saving and loading TensorFlow.js models on the local file system without
 * tfjs-node (which brings its own `file://` handler but is optional here):
 *
 *   await model.save(fileHandler(dir));              // dir/model.json + dir/weights.bin
 *   const m = await tf.loadLayersModel(fileHandler(dir));
 *
 * The layout is the standard one (what tfjs-node and the Python converter
 * write), so a saved model also loads elsewhere.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

const SCHEME = 'file://';

function stripScheme(path: string): string {
  return path.startsWith(SCHEME) ? path.slice(SCHEME.length) : path;
}

/** Writes through a temporary file and a rename, so a reader never sees half a file. */
async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/** A weights path from a manifest, confined to the model's directory. */
function weightsPath(dir: string, path: string): string {
  const full = resolve(dir, path);
  const rel = relative(dir, full);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new Error(`Weights path '${path}' in ${MODEL_JSON} points outside ${dir}`);
  return full;
}

/**
 * An IOHandler that saves to and loads from `dir` (created when saving):
 * `dir/model.json` and `dir/weights.bin`. `dir` may carry a `file://` prefix,
 * and may name the JSON file itself (`…/model.json`, as tfjs-node's loader
 * expects), in which case the weights go next to it.
 */
export function fileHandler(dir: string): tf.io.IOHandler {
  const target = resolve(stripScheme(dir));
  const namesJson = target.endsWith('.json');
  const root = namesJson ? dirname(target) : target;
  const jsonName = namesJson ? basename(target) : MODEL_JSON;
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const topology = artifacts.modelTopology;
      if (topology == null || topology instanceof ArrayBuffer) {
        throw new Error('fileHandler saves models with a JSON topology (Layers models), not binary graph topologies');
      }
      await mkdir(root, { recursive: true });
      const weights =
        artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: topology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig) modelJson.trainingConfig = artifacts.trainingConfig;
      if (artifacts.signature) modelJson.signature = artifacts.signature;
      if (artifacts.userDefinedMetadata) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      if (artifacts.modelInitializer) modelJson.modelInitializer = artifacts.modelInitializer;
      if (artifacts.initializerSignature) modelJson.initializerSignature = artifacts.initializerSignature;
      // Weights first: model.json appearing is what says the model is complete.
      await writeAtomic(join(root, WEIGHTS_BIN), new Uint8Array(weights));
      await writeAtomic(join(root, jsonName), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const jsonPath = join(root, jsonName);
      let modelJson: tf.io.ModelJSON;
      try {
        modelJson = JSON.parse(await readFile(jsonPath, 'utf8')) as tf.io.ModelJSON;
      } catch (err) {
        throw new Error(`Cannot read model from ${jsonPath}: ${(err as Error).message}`);
      }
      if (modelJson.modelTopology == null) throw new Error(`${jsonPath} has no modelTopology`);
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const path of group.paths) {
            const bytes = await readFile(weightsPath(root, path));
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
          }
        }
        return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
      });
    },
  };
}

/**
 * Lets `model.save('file://dir')` and `tf.loadLayersModel('file://dir')` use
 * fileHandler. Does nothing when a `file://` handler already exists (tfjs-node
 * registers its own); call it once at start-up, not at import.
 */
export function registerFileRouters(): void {
  const probe = `${SCHEME}.`;
  // The registry skips a router that answers null; its type does not say so.
  const router = ((url: string | string[]) =>
    typeof url === 'string' && url.startsWith(SCHEME) ? fileHandler(url) : null) as unknown as Parameters<typeof tf.io.registerSaveRouter>[0];
  if (tf.io.getSaveHandlers(probe).length === 0) tf.io.registerSaveRouter(router);
  if (tf.io.getLoadHandlers(probe).length === 0) tf.io.registerLoadRouter(router);
}
