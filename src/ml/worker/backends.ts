/**
 * Backend choice inside the worker: WebGPU on a real adapter that passes a correctness
 * check, then WASM (SIMD, threads when cross-origin isolated), then WebGL, then CPU.
 * A software WebGPU adapter (SwiftShader) is about 40x slower than WASM, so it counts
 * as "no GPU" unless the user asks for WebGPU explicitly.
 */
import * as tf from './tf.ts';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { BACKEND_ORDER, type BackendAttempt, type BackendInfo, type BackendName, type BackendPreference, type InitOptions } from '../api.ts';
import { passesConvCheck } from './conv-check.ts';
import { registerWasmGradients } from './wasm-gradients.ts';

// Served from our own origin (and precached), never a CDN.
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlainUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
});

interface AdapterProbe {
  usable: boolean;
  description: string;
  reason?: string;
}

async function probeWebGpu(explicit: boolean): Promise<AdapterProbe> {
  if (!('gpu' in navigator)) return { usable: false, description: '', reason: 'this browser has no WebGPU' };
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return { usable: false, description: '', reason: 'no WebGPU adapter on this device' };
  const info = adapter.info;
  const description = [info.vendor, info.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  const software = (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter === true
    || /swiftshader|llvmpipe|software/i.test(`${info.vendor} ${info.architecture} ${info.description}`);
  if (software && !explicit) {
    return { usable: false, description, reason: `software WebGPU adapter (${description}) is slower than WASM` };
  }
  return { usable: true, description };
}

async function startBackend(name: BackendName, options: InitOptions, explicit: boolean): Promise<{ ok: boolean; reason?: string; adapter?: string }> {
  let adapter: string | undefined;
  if (name === 'webgpu') {
    const probe = await probeWebGpu(explicit);
    if (!probe.usable) return { ok: false, reason: probe.reason ?? 'unusable adapter' };
    adapter = probe.description;
    // Loaded only for a usable adapter: on machines without a GPU its code is never parsed,
    // which takes a few hundred ms off the worker's start (drop to first verdict).
    await import('@tensorflow/tfjs-backend-webgpu');
  }
  // The fallbacks are loaded the same way: a machine that starts WASM never parses them.
  if (name === 'webgl') await import('@tensorflow/tfjs-backend-webgl');
  if (name === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
  if (name === 'wasm') prepareWasmThreads(options.wasmThreads);
  // setBackend resolves false rather than throwing when a backend cannot start.
  let started: boolean;
  try {
    started = await tf.setBackend(name);
  } catch (error) {
    return { ok: false, reason: `failed to start: ${String(error)}` };
  }
  if (!started || tf.getBackend() !== name) return { ok: false, reason: 'failed to start in this browser' };
  if (!(await passesConvCheck())) {
    return { ok: false, reason: 'gave wrong results in a convolution self-test' };
  }
  // So that fine-tuning convolutions works on machines without WebGPU.
  if (name === 'wasm') registerWasmGradients();
  return adapter === undefined ? { ok: true } : { ok: true, adapter };
}

/**
 * One thread (asked for, or tfjs's default of half the cores on a 2-core machine) runs on the
 * single-threaded SIMD binary: the threaded one starts a pool of 8 helper workers that each
 * compile the module, about 1.5 s of CPU on 2 cores, for no speed-up.
 */
function prepareWasmThreads(asked: number | undefined): void {
  if (asked !== undefined && asked > 0) setThreadsCount(asked);
  const threads = asked !== undefined && asked > 0 ? asked : Math.floor((navigator.hardwareConcurrency || 1) / 2);
  if (threads <= 1) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
}

async function describe(name: BackendName, attempts: BackendAttempt[], preferred: BackendPreference, adapter?: string): Promise<BackendInfo> {
  const info: BackendInfo = { name, attempts, crossOriginIsolated: self.crossOriginIsolated, preferred };
  if (name === 'wasm') {
    info.threads = getThreadsCount();
    info.simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
    info.multithread = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true;
  }
  if (adapter !== undefined) info.adapter = adapter;
  return info;
}

/**
 * Start the first backend that works, beginning with the user's choice if there is one.
 * `exclude` lists backends that already failed at run time (device lost, kernel error).
 */
export async function chooseBackend(options: InitOptions, exclude: ReadonlySet<BackendName> = new Set()): Promise<BackendInfo> {
  const preferred = options.preferred ?? 'auto';
  const order = preferred === 'auto' ? [...BACKEND_ORDER] : [preferred, ...BACKEND_ORDER.filter((b) => b !== preferred)];
  const attempts: BackendAttempt[] = [];
  for (const name of order) {
    if (exclude.has(name)) {
      attempts.push({ backend: name, ok: false, reason: 'failed during an earlier run' });
      continue;
    }
    const result = await startBackend(name, options, name === preferred);
    if (result.ok) {
      attempts.push({ backend: name, ok: true });
      return describe(name, attempts, preferred, result.adapter);
    }
    attempts.push({ backend: name, ok: false, reason: result.reason ?? 'unavailable' });
  }
  throw new Error(`no backend could start: ${attempts.map((a) => `${a.backend}: ${a.reason ?? ''}`).join('; ')}`);
}

/** The live WebGPU device, if the current backend is WebGPU; used to watch for and test device loss. */
export function currentGpuDevice(): GPUDevice | undefined {
  if (tf.getBackend() !== 'webgpu') return undefined;
  const backend = tf.backend() as unknown as { device?: GPUDevice };
  return backend.device;
}
