import type { Page } from 'playwright-core';

/** Open a file in the app, wait until the viewer shows it, then run the bundled model on it. */
export async function analyseFile(page: Page, path: string): Promise<void> {
  await page.getByTestId('files-input').setInputFiles(path);
  await page.getByTestId('slice').waitFor({ timeout: 60_000 });
  const button = page.getByTestId('analyse');
  await page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('[data-testid=analyse]')?.disabled, undefined, { timeout: 30_000 });
  await button.click();
}
