import fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ForgeError } from '../../engine/errors.js';

// Reading a settings file is the same for every command: it must exist, parse as YAML (JSON is
// YAML) and hold a mapping. What the mapping may contain is the caller's schema.

export interface ReadOptions {
  /** Where a good file can be seen, for fixes: 'configs/overnight.yaml'. */
  readonly example: string;
  /** An empty file means "no settings" (validate) instead of an error. */
  readonly allowEmpty?: boolean;
  /** How the file is named in "does not exist" ("config file X" or "--config: X"). */
  readonly label?: (file: string) => string;
}

export function readSettingsFile(file: string, o: ReadOptions): Record<string, unknown> {
  const label = o.label ?? ((f: string) => `config file ${f}`);
  if (!fs.existsSync(file))
    throw new ForgeError(`${label(file)} does not exist`, `give a path like ${o.example}`, 'E_CONFIG');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ForgeError(
      `cannot read ${file}: ${(err as Error).message}`,
      `give a readable YAML file like ${o.example}`,
      'E_CONFIG',
    );
  }
  let doc: unknown;
  try {
    // A YAML alias bomb must end in a clear error, not a frozen process (yaml's default is 100).
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new ForgeError(
      `${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}`,
      'fix the YAML syntax (indentation, colons, quotes)',
      'E_CONFIG',
    );
  }
  if ((doc === null || doc === undefined) && o.allowEmpty) return {};
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw new ForgeError(`${file}: expected a mapping of settings`, `see ${o.example}`, 'E_CONFIG');
  return doc as Record<string, unknown>;
}
