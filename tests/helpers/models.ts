/** public/models served over HTTP, as the worker fetches it, for one describe block. */
import { afterAll, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { disposeModels, setModelsBaseUrl } from '../../src/ml/worker/registry.ts';
import { startStaticServer, type StaticServer } from '../../src/cli/static-server.ts';

export function serveModels(backend = 'cpu'): { readonly origin: string } {
  let server: StaticServer | undefined;
  beforeAll(async () => {
    await tf.setBackend(backend);
    server = await startStaticServer({ root: 'public/models', headers: 'plain' });
    setModelsBaseUrl(`${server.origin}/`);
  });
  afterAll(async () => {
    disposeModels();
    await server?.close();
  });
  return { get origin() { return server?.origin ?? ''; } };
}

