/**
 * The shipped model through the worker's own code (registry, checksum check, preprocessing,
 * classify) in Node on the CPU backend: its AUC on the real PneumoniaMNIST test split, no
 * tensor leak, and refusal of a tampered weights file.
 */
import { describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { classify } from '../../src/ml/worker/classify.ts';
import { disposeModels, getModel, setModelsBaseUrl } from '../../src/ml/worker/registry.ts';
import { passesConvCheck } from '../../src/ml/worker/conv-check.ts';
import { auc } from '../../src/ml/metrics.ts';
import { readNpz } from '../../src/cli/npz.ts';
import { startStaticServer } from '../../src/cli/static-server.ts';
import { serveModels } from '../helpers/models.ts';
import { dataPath, sampleChestPng, skipWithoutData } from '../helpers/data.ts';
import { readGreyPngImage } from '../../src/cli/png.ts';
import { openDicom } from '../../src/dicom/open.ts';
import { frameToGrey } from '../../src/imaging/to-grey.ts';

const ID = 'pneumonia-mnist-tiny';

describe('the bundled model in Node', () => {
  const server = serveModels();

  it('passes the convolution self-test the backend chooser uses', async () => {
    expect(await passesConvCheck()).toBe(true);
  });

  it.skipIf(skipWithoutData)('reaches the AUC its card states on the official test split, without leaking tensors', async () => {
    await getModel(ID);
    const npz = readNpz(dataPath('pneumoniamnist-28', 'pneumoniamnist_28_reconstructed.npz'));
    const images = npz.get('test_images');
    const labels = npz.get('test_labels');
    if (!images || !labels) throw new Error('npz lacks the test split');
    const before = tf.memory().numTensors;
    const scores: number[] = [];
    for (let i = 0; i < labels.data.length; i++) {
      const pixels = Float32Array.from(images.data.subarray(i * 784, (i + 1) * 784));
      const result = await classify(ID, { width: 28, height: 28, pixels });
      scores.push(result.scores[1]?.probability ?? Number.NaN);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(auc(scores, labels.data)).toBeGreaterThan(0.93);
  });

  it('rejects bad images with a reason', async () => {
    await expect(classify(ID, { width: 8, height: 8, pixels: new Float32Array(64) })).rejects.toThrow(/at least 16x16/);
    await expect(classify(ID, { width: 32, height: 32, pixels: new Float32Array(10) })).rejects.toThrow(/expected 1024 pixel values/);
  });

  it('refuses a model whose weights do not match the manifest', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'hilum-models-'));
    cpSync('public/models', copy, { recursive: true });
    writeFileSync(join(copy, ID, 'weights.bin'), new Uint8Array(23816).fill(7));
    const tampered = await startStaticServer({ root: copy, headers: 'plain' });
    try {
      disposeModels();
      setModelsBaseUrl(`${tampered.origin}/`);
      await expect(getModel(ID)).rejects.toMatchObject({ code: 'checksum-mismatch' });
    } finally {
      setModelsBaseUrl(`${server.origin}/`);
      await tampered.close();
    }
  });
});

describe.skipIf(skipWithoutData)('the pneumonia classifier and its applicability gate in Node', () => {
  serveModels();
  const ID_CXR = 'pneumonia-cxr';

  it('accepts a held-out chest film, rejects a brain MRI slice of a validation patient, and leaks no tensors', async () => {
    await getModel(ID_CXR);
    const before = tf.memory().numTensors;
    const chest = await classify(ID_CXR, readGreyPngImage(sampleChestPng('NORMAL')));
    const brain = await classify(ID_CXR, readGreyPngImage(dataPath('brain-mri-lgg-flair-128', 'images', 'TCGA_DU_6399_19830416_012.png')));
    expect(tf.memory().numTensors).toBe(before);
    expect(chest.applicability?.applies).toBe(true);
    expect(brain.applicability?.applies).toBe(false);
    expect(brain.applicability?.distance).toBeGreaterThan(chest.applicability?.distance ?? Infinity);
  });

  it('calls an axial chest CT slice out of scope but accepts a chest CR film, both from DICOM', async () => {
    const frame = async (path: string) => frameToGrey(await (await openDicom(new Uint8Array(readFileSync(dataPath('dicom', path))))).decodeFrame(0));
    // The slice the activation statistics alone accepted: lungs and ribs, but a CT's flat grey levels.
    const ct = await classify(ID_CXR, await frame('ct_single/tcia_covid19_ny_sbu_chest_ct_axial.dcm'));
    const cr = await classify(ID_CXR, await frame('chest_radiograph/CR-MONO1-10-chest.dcm'));
    expect(ct.applicability?.applies).toBe(false);
    expect(cr.applicability?.applies).toBe(true);
  });
});
