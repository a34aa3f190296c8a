/**
 * Whole numbers with thousands separators, without Intl: the first toLocaleString call in a
 * page loads ICU data, a 190 ms task on the main thread measured in headless Chromium here,
 * which would land in the middle of a drop or a worklist run.
 */
export function count(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const sign = value < 0 ? '-' : '';
  return sign + Math.round(Math.abs(value)).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
