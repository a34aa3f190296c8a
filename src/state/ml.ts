import type { BackendPreference, InitOptions } from '../ml/api.ts';
import { MlClient } from '../ml/client.ts';
import { toasts } from './toasts.svelte.ts';

const PREFERENCE_KEY = 'hilum.backend';
const PREFERENCES: readonly BackendPreference[] = ['auto', 'webgpu', 'wasm', 'webgl', 'cpu'];

export function loadPreference(): BackendPreference {
  const stored = localStorage.getItem(PREFERENCE_KEY);
  return PREFERENCES.find((p) => p === stored) ?? 'auto';
}

export function savePreference(preference: BackendPreference): void {
  localStorage.setItem(PREFERENCE_KEY, preference);
}

export function initOptions(preferred: BackendPreference): InitOptions {
  return { preferred, modelsBaseUrl: new URL('models/', document.baseURI).href };
}

/** The page's one ML client; the worker starts on its first call. */
export const ml = new MlClient(initOptions(loadPreference()), () => {
  toasts.show('The AI worker stopped and has been restarted.', 'error');
});
