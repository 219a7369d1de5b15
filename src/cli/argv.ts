// yargs reads a token that starts with '-' as flags, so `--holdout -10%` became the short flags -1, -0
// and -% ("Unknown arguments: 0, 1, %"). A value that looks like a negative number is glued to its
// flag instead (`--holdout=-10%`), so the flag's own check answers with what is wrong with the value.

const NEGATIVE = /^-(\d|\.\d)/;

export function joinNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = argv[i + 1];
    if (a.startsWith('--') && !a.includes('=') && a.length > 2 && next !== undefined && NEGATIVE.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}
