/** The tags the metadata panel shows, and which of them identify a patient. */
import type { DataSet } from 'dicom-parser';
import type { TagValue } from './api.ts';

const SHOWN: readonly [string, string, boolean][] = [
  ['x00100010', 'Patient name', true],
  ['x00100020', 'Patient ID', true],
  ['x00100030', 'Birth date', true],
  ['x00100040', 'Sex', false],
  ['x00101010', 'Age', false],
  ['x00080020', 'Study date', true],
  ['x00080050', 'Accession number', true],
  ['x00081030', 'Study description', false],
  ['x0008103e', 'Series description', false],
  ['x00080060', 'Modality', false],
  ['x00180015', 'Body part', false],
  ['x00185101', 'View position', false],
  ['x00080080', 'Institution', true],
  ['x00080090', 'Referring physician', true],
  ['x00080070', 'Manufacturer', false],
  ['x00180050', 'Slice thickness (mm)', false],
  ['x00280030', 'Pixel spacing (mm)', false],
  ['x00200013', 'Instance number', false],
];

/** Values are plain strings: the UI renders them as text, never as HTML. */
export function readTags(dataSet: DataSet): TagValue[] {
  const out: TagValue[] = [];
  for (const [tag, name, identifying] of SHOWN) {
    const value = dataSet.string(tag);
    if (value !== undefined && value.trim() !== '') out.push({ tag, name, value: value.trim().replaceAll('^', ' ').slice(0, 256), identifying });
  }
  return out;
}
