/** Node hosts (CLI, tests): the codecs' .wasm files straight from node_modules. */
import { createRequire } from 'node:module';
import { setCodecLocator, type CodecName } from '../dicom/codecs/wasm-codecs.ts';

const require = createRequire(import.meta.url);

const WASM: Record<CodecName, string> = {
  'libjpeg-turbo': '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm',
  charls: '@cornerstonejs/codec-charls/decodewasm',
  openjpeg: '@cornerstonejs/codec-openjpeg/decodewasm',
  openjph: '@cornerstonejs/codec-openjph/wasm',
};

export function useNodeCodecs(): void {
  setCodecLocator((codec) => require.resolve(WASM[codec]));
}
