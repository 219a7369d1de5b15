// Reading a play file from disk: the engine parses text and never touches the file system.

import fs from 'node:fs';
import { ForgeError } from '../engine/errors.js';
import { parsePlay, type PlaySpace } from '../engine/play/index.js';

export function loadPlay(file: string): PlaySpace {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ForgeError(
      `${file}: cannot read the play file (${code ?? String(e)})`,
      'check the path given to --play',
      'E_PLAY_FILE',
    );
  }
  return parsePlay(text, file);
}
