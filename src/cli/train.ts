/**
 * `npm run train -- --task <all|pneumonia|lungs|brain|ood|tiny> [--quick] [--epochs N] [--steps N] [--data folder]`
 * Reproduces a shipped model from the shared data. --quick trains briefly on the real data to
 * prove the pipeline learns, and publishes nothing. `all` trains every model made from the
 * shared data (the pneumonia classifier with its gate, the lung and the brain U-Nets) in two
 * processes at once; the 28-px plumbing model has its own task. --card-only (pneumonia, lungs,
 * brain) rewrites only the card and manifest entry from the saved figures, scoring nothing; for a
 * U-Net, --publish-only publishes the checkpoint without training.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { argValue, dataRoot } from './args.ts';
import { MODELS_DIR } from './model-files.ts';
import { PNEUMONIA_ID, trainPneumonia } from './train-pneumonia.ts';
import { publishPneumonia, recalibrate, republishGate, rewritePneumoniaCard } from './publish-pneumonia.ts';
import { LUNGS_ID, lungsPublish, trainLungs } from './train-lungs.ts';
import { BRAIN_ID, brainPublish, trainBrain } from './train-brain.ts';
import { publishSegmentation, rewriteCard, savedFigures, type SegmentationPublish } from './publish-segmentation.ts';
import { HISTORY_FILE, type SegmentationEpoch } from './train-segmentation.ts';
import { trainAll } from './train-all.ts';

async function pneumonia(quick: boolean): Promise<void> {
  if (process.argv.includes('--card-only')) {
    console.log(`${PNEUMONIA_ID}: card and manifest entry rewritten from figures.json, test AUC ${rewritePneumoniaCard().test.auc.value.toFixed(4)}`);
    return;
  }
  const epochs = Number(argValue('--epochs') ?? (quick ? 2 : 16));
  const { history, ending } = await trainPneumonia({
    epochs,
    stepsPerEpoch: Number(argValue('--steps') ?? (quick ? 10 : 110)),
    // The weight mean of the second half competes with the best epoch (1.3.0: the best epoch won).
    averageFrom: Math.floor(epochs / 2) + 1,
    dataRoot: dataRoot(),
    ...(quick ? {} : { saveTo: join(MODELS_DIR, PNEUMONIA_ID) }),
    log: (line) => console.log(line),
  });
  if (ending) console.log(`kept the ${ending.chosen}: pooled val AUC ${ending.bestEpoch.pooledAuc.toFixed(4)} for epoch ${ending.bestEpoch.epoch}, ${ending.mean.pooledAuc.toFixed(4)} for the weight mean`);
  if (quick) return;
  const figures = await publishPneumonia(dataRoot(), history, ending);
  console.log(JSON.stringify(figures.test));
}

type SegmentationTrainer = typeof trainLungs;

/** Train (unless --publish-only), then publish from the checkpoint and its history. */
interface SegmentationJob {
  train: SegmentationTrainer;
  publish: (root: string) => SegmentationPublish;
  id: string;
  epochs: number;
  steps: number;
  /** Steps per epoch (of 2) for --quick: enough for the Dice to leave zero. */
  quickSteps: number;
}

async function segmentation({ train, publish, id, epochs, steps, quickSteps }: SegmentationJob, quick: boolean): Promise<void> {
  const dir = join(MODELS_DIR, id);
  if (process.argv.includes('--card-only')) {
    console.log(`${id}: card and manifest entry rewritten from figures.json, test Dice ${rewriteCard(publish(dataRoot())).test.diceMean.value.toFixed(4)}`);
    return;
  }
  if (!process.argv.includes('--publish-only')) {
    const { history, bestEpoch } = await train({
      dataRoot: dataRoot(),
      epochs: Number(argValue('--epochs') ?? (quick ? 2 : epochs)),
      steps: Number(argValue('--steps') ?? (quick ? quickSteps : steps)),
      quick,
      ...(quick ? {} : { saveTo: dir }),
      log: (line) => console.log(line),
    });
    console.log(`best epoch ${bestEpoch}: val Dice ${history[bestEpoch - 1]?.valDice.toFixed(4) ?? '?'}`);
    if (quick) return;
  }
  // A second publish (after the first removed history.json) takes the history it wrote into figures.json.
  const history = existsSync(join(dir, HISTORY_FILE))
    ? JSON.parse(readFileSync(join(dir, HISTORY_FILE), 'utf8')) as SegmentationEpoch[]
    : savedFigures(id).figures.history;
  const figures = await publishSegmentation(publish(dataRoot()), dataRoot(), history, (history.at(-1)?.elapsedSeconds ?? 0) / 60);
  rmSync(join(dir, HISTORY_FILE), { force: true });
  console.log(JSON.stringify(figures.test));
}

const TASKS = ['all', 'pneumonia', 'lungs', 'brain', 'ood', 'calibrate', 'tiny'];
/** The tasks --card-only means something for: `all` passes it to the three models. */
const CARD_TASKS = ['all', 'pneumonia', 'lungs', 'brain'];
const USAGE = `usage: npm run train -- --task <${TASKS.join('|')}> [--quick] [--epochs N] [--steps N] [--data folder]`;

/** One task of TASKS (checked by the caller). */
async function run(task: string, quick: boolean): Promise<number> {
  if (task === 'all') return trainAll(process.argv.slice(2));
  if (task === 'pneumonia') await pneumonia(quick);
  else if (task === 'lungs') await segmentation({ train: trainLungs, publish: lungsPublish, id: LUNGS_ID, epochs: 24, steps: 50, quickSteps: 25 }, quick);
  else if (task === 'brain') await segmentation({ train: trainBrain, publish: brainPublish, id: BRAIN_ID, epochs: 30, steps: 60, quickSteps: 25 }, quick);
  else if (task === 'ood') console.log(JSON.stringify(await republishGate(dataRoot())));
  else if (task === 'calibrate') console.log(JSON.stringify(await recalibrate(dataRoot())));
  else await import('./train-tiny.ts');
  return 0;
}

const task = argValue('--task');
if (!task || !TASKS.includes(task)) {
  console.error(USAGE);
  process.exitCode = 2;
} else if (task === 'all' && process.argv.includes('--publish-only')) {
  console.error('train: --publish-only is for one U-Net task (lungs or brain); `all` trains every model');
  process.exitCode = 2;
} else if (process.argv.includes('--card-only') && !CARD_TASKS.includes(task)) {
  // Refused, not ignored: without it `--task ood --card-only` would refit the gate and rewrite gate.bin.
  console.error(`train: --card-only rewrites a model card (${CARD_TASKS.join(', ')}); --task ${task} has no card of its own`);
  process.exitCode = 2;
} else if (task !== 'tiny' && !existsSync(dataRoot())) {
  console.error(`train: no data folder at ${dataRoot()}; give it with --data <folder> or HILUM_DATA`);
  process.exitCode = 2;
} else {
  try {
    process.exitCode = await run(task, process.argv.includes('--quick'));
  } catch (error) {
    // One line, not a stack through minified WASM glue.
    console.error(`train --task ${task ?? ''}: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
