/** A CLI command: parses its own arguments and returns the process exit code (0 ok, 1 usage, 2 some failed). */
export interface CommandModule {
  run(argv: string[]): Promise<number>;
}
