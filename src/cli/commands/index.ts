import type { CommandModule } from 'yargs';

// Each command file exports one yargs CommandModule; they are listed here so `forge --help` shows them all.
export const commands: CommandModule<any, any>[] = [];
