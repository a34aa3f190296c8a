/**
 * A canvas's first drawing call sets up its backing store: about 20 ms of the page's thread in
 * headless Chromium here. Painting an empty canvas once while the page is idle pays that before
 * the first real picture, which otherwise lands on the busiest moment (a dropped folder's first
 * image). `skip` says the canvas already shows something, so it is left alone.
 * Returns a cancel function.
 */
export function paintWhenIdle(canvas: HTMLCanvasElement, colour: string, skip: () => boolean): () => void {
  const paint = (): void => {
    const context = canvas.getContext('2d');
    if (!context || skip()) return;
    context.fillStyle = colour;
    context.fillRect(0, 0, canvas.width, canvas.height);
  };
  if (!('requestIdleCallback' in globalThis)) {
    const timer = setTimeout(paint, 500);
    return () => clearTimeout(timer);
  }
  const id = requestIdleCallback(paint, { timeout: 2000 });
  return () => cancelIdleCallback(id);
}
