import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { fail, failWith } from '../_internal/errors.js';
import { checkOptions } from '../_internal/validate.js';

/** Options of {@link fileIOHandler}. */
export interface FileIOHandlerOptions {
  /** The JSON file name. @defaultValue 'model.json' */
  readonly modelFile?: string;
  /** The weights file name. @defaultValue 'weights.bin' */
  readonly weightsFile?: string;
}

/** A file-system IO handler (both directions). */
export interface FileIOHandler extends tf.io.IOHandler {
  /** Stores the artifacts (the tfjs `IOHandler.save` contract). */
  save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult>;
  /** Returns the stored artifacts (the tfjs `IOHandler.load` contract); throws when nothing was saved. */
  load(): Promise<tf.io.ModelArtifacts>;
  /** The directory it reads and writes. */
  readonly directory: string;
}

/**
 * A `tf.io.IOHandler` for Node that saves to and loads from a directory, without tfjs-node: a
 * `model.json` (topology or trainer metadata, plus a weights manifest) and one `weights.bin`, the
 * layout of tfjs's `file://` handler. Works for trainer checkpoints (`trainer.save(handler)`) and
 * tfjs-layers models (`model.save(handler)`, `tf.loadLayersModel(handler)`). Each file is written
 * to a temporary name and renamed, so a crash never leaves a half-written file; use one
 * directory per checkpoint to keep the pair consistent.
 *
 * @param directory - created (with parents) on save.
 * @throws If `directory` is not a non-empty string; `load()` throws if the files are missing or
 *   malformed, naming the file.
 * @example
 * ```ts
 * import { fileIOHandler } from 'smoothgan/node';
 * await trainer.save(fileIOHandler('runs/ring/step-1000'));
 * await trainer.load(fileIOHandler('runs/ring/step-1000'));
 * ```
 */
export function fileIOHandler(directory: string, options: FileIOHandlerOptions = {}): FileIOHandler {
  const fn = 'fileIOHandler';
  if (typeof directory !== 'string' || directory.length === 0) fail(fn, 'directory', 'a non-empty path', directory);
  const o = checkOptions(fn, 'options', options);
  const modelFile = o.modelFile ?? 'model.json';
  const weightsFile = o.weightsFile ?? 'weights.bin';
  for (const [arg, name] of [['options.modelFile', modelFile], ['options.weightsFile', weightsFile]] as const) {
    if (typeof name !== 'string' || name.length === 0 || /[\\/]/.test(name)) fail(fn, arg, 'a file name without a directory', name);
  }
  const atomicWrite = (file: string, data: string | Uint8Array) => {
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  };
  return Object.freeze({
    directory,
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        failWith('fileIOHandler.save', 'binary model topologies (ArrayBuffer) are not supported; save a JSON topology');
      }
      mkdirSync(directory, { recursive: true });
      const data = artifacts.weightData == null ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJSON: Record<string, unknown> = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [`./${weightsFile}`], weights: artifacts.weightSpecs ?? [] }],
      };
      for (const k of ['trainingConfig', 'signature', 'userDefinedMetadata', 'modelInitializer', 'initializerSignature'] as const) {
        if (artifacts[k] != null) modelJSON[k] = artifacts[k];
      }
      atomicWrite(join(directory, weightsFile), new Uint8Array(data));
      atomicWrite(join(directory, modelFile), JSON.stringify(modelJSON));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON({ ...artifacts, weightData: data }) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const fnl = 'fileIOHandler.load';
      const path = join(directory, modelFile);
      let modelJSON: tf.io.ModelJSON;
      try {
        modelJSON = JSON.parse(readFileSync(path, 'utf8')) as tf.io.ModelJSON;
      } catch (e) {
        failWith(fnl, `cannot read '${path}': ${(e as Error).message}`);
      }
      if (modelJSON == null || typeof modelJSON !== 'object' || modelJSON.modelTopology == null) {
        failWith(fnl, `'${path}' has no modelTopology`);
      }
      return tf.io.getModelArtifactsForJSON(modelJSON, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const p of group.paths) {
            const file = join(directory, p);
            let buf: Buffer;
            try {
              buf = readFileSync(file);
            } catch (e) {
              failWith(fnl, `cannot read weights file '${file}': ${(e as Error).message}`);
            }
            buffers.push(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
          }
        }
        return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
      });
    },
  });
}
