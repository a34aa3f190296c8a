/**
 * `npm run train -- --task all`: every model made from the shared data, in two lanes at once. Node's
 * WASM backend uses one thread, so on a 2-core machine one process leaves a core idle. The
 * lanes are balanced by measured times: the pneumonia classifier with its gate in one, the lung
 * U-Net then the brain U-Net in the other, which take about as long (the README's `--task all`
 * row has the measured times, kept in that one place).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const LANES = [['pneumonia'], ['lungs', 'brain']];

/** One `train --task <task>` in a child process, its output prefixed with the task; resolves to its exit code. */
function runTask(task: string, passed: string[]): Promise<number> {
  return new Promise((resolve) => {
    // The same Node and loader (tsx's flags are in execArgv) and the same script.
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1] ?? '', '--task', task, ...passed], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Whole lines only: a pipe's chunks end anywhere, so a long line could come out split.
    createInterface({ input: child.stdout }).on('line', (line) => process.stdout.write(`[${task}] ${line}\n`));
    createInterface({ input: child.stderr }).on('line', (line) => process.stderr.write(`[${task}] ${line}\n`));
    child.on('error', (error) => {
      console.error(`[${task}] could not start: ${error.message}`);
      resolve(1);
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/** Each lane runs its tasks in order and stops at the first failure; the exit code is 0 only if every task succeeded. */
export async function trainAll(args: string[]): Promise<number> {
  const passed = args.filter((a, i) => a !== '--task' && args[i - 1] !== '--task');
  const start = Date.now();
  const failures: string[] = [];
  await Promise.all(LANES.map(async (lane) => {
    for (const task of lane) {
      const code = await runTask(task, passed);
      if (code !== 0) {
        failures.push(`${task} (exit ${code})`);
        return;
      }
    }
  }));
  const minutes = ((Date.now() - start) / 60_000).toFixed(1);
  if (failures.length > 0) {
    console.error(`train --task all: failed: ${failures.join(', ')}; ${minutes} min`);
    return 1;
  }
  console.log(`train --task all: ${LANES.flat().join(', ')} done in ${minutes} min (two lanes at once)`);
  return 0;
}
