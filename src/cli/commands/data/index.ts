import type { CommandModule } from 'yargs';

// One file per subcommand; append yours here.
export const dataCommands: CommandModule<any, any>[] = [];
