/** Hilum's command line: `npm run cli -- <command> ...`. */
import { inspect } from './inspect.ts';
import { evaluate } from './evaluate.ts';

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = { inspect, evaluate };

const [command = '', ...rest] = process.argv.slice(2);
const run = COMMANDS[command];
if (!run) {
  console.error(`usage: npm run cli -- <${Object.keys(COMMANDS).join('|')}> ...`);
  process.exit(2);
}
process.exitCode = await run(rest);
