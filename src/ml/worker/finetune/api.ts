/**
 * The worker's side of FineTuneApi: each method checks its input, runs, and returns an
 * Outcome; exported weights go back transferred. Training is not retried on another backend
 * (a restart would cost the user minutes); a failure is reported as it is.
 */
import * as Comlink from 'comlink';
import * as tf from '../tf.ts';
import type { BackendInfo, BackendName, Timing } from '../../api.ts';
import type { FineTuneApi, FineTuneOptions, FineTuneProgress, ModelFiles, PreparedImage, UserModelMeta } from '../../api-finetune.ts';
import { WorkerError, outcome } from '../errors.ts';
import { cancelFineTune, fineTune, predictPrepared } from './finetune.ts';
import { forgetImages, prepareImages, preparedCount } from './prepared.ts';
import { deleteUserModel, exportUserModel, importUserModel, listUserModels, renameUserModel, saveUserModel } from './user-models.ts';

async function timed<T>(ensureBackend: () => Promise<BackendInfo>, run: () => Promise<T>): Promise<T & Timing> {
  await ensureBackend();
  const start = performance.now();
  const value = await run();
  return { ...value, backend: tf.getBackend() as BackendName, ms: performance.now() - start };
}

function list<T>(value: unknown, name: string): T[] {
  if (!Array.isArray(value)) throw new WorkerError('bad-input', `${name} must be a list`);
  return value as T[];
}

export function createFineTuneApi(ensureBackend: () => Promise<BackendInfo>): FineTuneApi {
  return {
    prepareImages: (baseModelId: string, images: PreparedImage[]) => outcome(() => timed(ensureBackend, async () => {
      await prepareImages(baseModelId, list(images, 'images'));
      return { prepared: preparedCount(baseModelId) };
    })),
    forgetImages: (ids?: string[]) => outcome(() => Promise.resolve(forgetImages(ids === undefined ? undefined : list<string>(ids, 'ids')))),
    fineTune: (options: FineTuneOptions, onProgress: (progress: FineTuneProgress) => void) => outcome(() => timed(ensureBackend, () => fineTune(options, onProgress))),
    cancelFineTune: () => {
      cancelFineTune();
      return Promise.resolve();
    },
    predictPrepared: (modelId: string, ids: string[]) => outcome(async () => {
      await ensureBackend();
      return predictPrepared(modelId, list(ids, 'ids'));
    }),
    saveUserModel: (draftId: string, meta: Omit<UserModelMeta, 'id' | 'createdAt'>) => outcome(() => saveUserModel(draftId, meta)),
    listUserModels: () => outcome(listUserModels),
    renameUserModel: (id: string, name: string) => outcome(() => renameUserModel(id, name)),
    deleteUserModel: (id: string) => outcome(() => deleteUserModel(id)),
    exportUserModel: async (id: string) => {
      const result = await outcome(() => exportUserModel(id));
      return result.ok ? Comlink.transfer(result, [result.value.weights]) : result;
    },
    importUserModel: (files: ModelFiles) => outcome(async () => {
      await ensureBackend();
      return importUserModel(files);
    }),
  };
}
