/**
 * `npm run train -- --task <tiny|pneumonia> [--quick] [--epochs N] [--steps N] [--data folder]`
 * Reproduces a shipped model from the shared data. --quick trains briefly on the real data to
 * prove the pipeline learns, and publishes nothing.
 */
import { join } from 'node:path';
import { argValue, dataRoot } from './args.ts';
import { MODELS_DIR } from './model-files.ts';
import { PNEUMONIA_ID, trainPneumonia, type EpochRecord } from './train-pneumonia.ts';
import { publishPneumonia } from './publish-pneumonia.ts';

async function pneumonia(quick: boolean): Promise<void> {
  const history: EpochRecord[] = [];
  const { history: done } = await trainPneumonia({
    epochs: Number(argValue('--epochs') ?? (quick ? 2 : 12)),
    stepsPerEpoch: Number(argValue('--steps') ?? (quick ? 10 : 110)),
    dataRoot: dataRoot(),
    ...(quick ? {} : { saveTo: join(MODELS_DIR, PNEUMONIA_ID) }),
    log: (line) => console.log(line),
  });
  history.push(...done);
  if (quick) return;
  const figures = await publishPneumonia(dataRoot(), history);
  console.log(JSON.stringify(figures.test));
}

const task = argValue('--task');
const quick = process.argv.includes('--quick');
if (task === 'pneumonia') await pneumonia(quick);
else if (task === 'tiny') await import('./train-tiny.ts');
else {
  console.error('usage: npm run train -- --task <tiny|pneumonia> [--quick] [--epochs N] [--steps N] [--data folder]');
  process.exitCode = 2;
}
