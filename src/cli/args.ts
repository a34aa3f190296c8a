import { resolve } from 'node:path';

/** The value after a flag, e.g. argValue('--data') for `--data ../x`. */
export function argValue(flag: string, argv: readonly string[] = process.argv): string | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** Where the shared training and test data lives: --data, then HILUM_DATA, then ../shared/data. */
export function dataRoot(argv: readonly string[] = process.argv): string {
  return resolve(argValue('--data', argv) ?? process.env.HILUM_DATA ?? '../shared/data');
}
