/**
 * The part of the ML client the Teach view uses: the fine-tuning contract (ml/api-finetune.ts)
 * with errors thrown as HilumError instead of returned, as every other client call does. The
 * one place where the Teach state meets the page's ML client.
 */
import type { FineTuneOptions, FineTuneProgress, FineTuneResult, ModelFiles, PreparedImage, PrepareResult, UserModelMeta } from '../ml/api-finetune.ts';
import { ml } from './ml.ts';

export interface TeachClient {
  prepareImages(baseModelId: string, images: PreparedImage[], signal?: AbortSignal): Promise<PrepareResult>;
  forgetImages(ids?: string[]): Promise<number>;
  fineTune(options: FineTuneOptions, onProgress: (progress: FineTuneProgress) => void): Promise<FineTuneResult>;
  cancelFineTune(): Promise<void>;
  predictPrepared(modelId: string, ids: string[], signal?: AbortSignal): Promise<{ id: string; probabilities: number[] }[]>;
  saveUserModel(draftId: string, meta: Omit<UserModelMeta, 'id' | 'createdAt'>): Promise<UserModelMeta>;
  listUserModels(): Promise<UserModelMeta[]>;
  renameUserModel(id: string, name: string): Promise<UserModelMeta>;
  deleteUserModel(id: string): Promise<void>;
  exportUserModel(id: string): Promise<ModelFiles>;
  importUserModel(files: ModelFiles): Promise<UserModelMeta>;
}

export const teachClient: TeachClient = ml;
