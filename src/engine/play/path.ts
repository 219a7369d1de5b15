// Paths into a play document, as error messages spell them: entry.long[1].left

export type Path = readonly (string | number)[];

/** Returns "file:line: " for a path (or "file: " when the line is unknown). */
export type Locate = (path: Path) => string;

export function formatPath(path: Path): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out === '' ? '(top level)' : out;
}
