import type { CommandModule } from 'yargs';

// One file per subcommand; append yours here.
export const datasetsCommands: CommandModule<any, any>[] = [];
