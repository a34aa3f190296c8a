/**
 * What a segment is, in the codes SEG readers (OHIF, dcmqi, 3D Slicer) look up: a SNOMED CT
 * category and type per structure a Hilum model outlines, keyed by the model's label.
 */

export interface Code {
  value: string;
  scheme: string;
  meaning: string;
}

export interface SegmentCodes {
  /** The segment's label, as a viewer lists it. */
  label: string;
  category: Code;
  type: Code;
  /** CIELab as DICOM scales it (PS3.3 C.10.7.1.1), from the overlay's colour. */
  colour?: [number, number, number];
}

const SCT = 'SCT';

/** The turquoise overlay (64, 224, 208) in scaled CIELab, so a viewer shows the same colour. */
const TURQUOISE_LAB = scaledLab(81.27, -44.08, -4.03);

function scaledLab(l: number, a: number, b: number): [number, number, number] {
  const ab = (v: number): number => Math.round(((v + 128) / 255) * 0xffff);
  return [Math.round((l / 100) * 0xffff), ab(a), ab(b)];
}

const BY_LABEL: Readonly<Record<string, SegmentCodes>> = {
  lung: {
    label: 'Lung fields',
    category: { value: '91723000', scheme: SCT, meaning: 'Anatomical structure' },
    type: { value: '39607008', scheme: SCT, meaning: 'Lung' },
    colour: TURQUOISE_LAB,
  },
  tumour: {
    label: 'Tumour',
    category: { value: '49755003', scheme: SCT, meaning: 'Morphologically abnormal structure' },
    type: { value: '108369006', scheme: SCT, meaning: 'Neoplasm' },
    colour: TURQUOISE_LAB,
  },
};

/** The codes for a model's structure label, or undefined when Hilum has none for it. */
export function segmentCodes(structure: string): SegmentCodes | undefined {
  return BY_LABEL[structure.toLowerCase()];
}
