/**
 * The exe's command line (issue 11, build point 2): started with no arguments (a double-click) it
 * runs `ui`, which opens the local page, when this build has that command; otherwise the CLI's
 * own usage. With arguments it is the CLI.
 *
 * In a single-executable application `process.argv` is `[exe, exe, ...args]`, as under node.
 */
export function userArgs(argv: readonly string[], commands: readonly string[]): string[] {
  const args = argv.slice(2);
  return args.length === 0 && commands.includes('ui') ? ['ui'] : args;
}
