// The file header lines of Codex's patch format; `Move to` names the new side of a rename.
const headerPattern = /^\*\*\* (?:Add File|Update File|Delete File|Move to): (.+)$/;

/**
 * Every path a Codex `apply_patch` patch writes: added, updated and deleted files, and both sides
 * of a move (the `Update File` line names the old side). Paths are returned as written, relative
 * to the session's working directory unless absolute.
 */
export function applyPatchPaths(patch: string): string[] {
  const paths = new Set<string>();
  for (const line of patch.split('\n')) {
    const path = headerPattern.exec(line.trim())?.[1]?.trim();
    if (path) paths.add(path);
  }
  return [...paths];
}
