/** Browser hosts (page, workers): the codecs' .wasm files served from our own origin and precached. */
import libjpegUrl from '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm?url';
import charlsUrl from '@cornerstonejs/codec-charls/decodewasm?url';
import openjpegUrl from '@cornerstonejs/codec-openjpeg/decodewasm?url';
import openjphUrl from '@cornerstonejs/codec-openjph/wasm?url';
import { setCodecLocator, type CodecName } from './wasm-codecs.ts';

const URLS: Record<CodecName, string> = { 'libjpeg-turbo': libjpegUrl, charls: charlsUrl, openjpeg: openjpegUrl, openjph: openjphUrl };

export function useBrowserCodecs(): void {
  setCodecLocator((codec) => URLS[codec]);
}
