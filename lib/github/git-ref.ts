/**
 * Whether `ref` can be sent as the revision of `Repository.object(expression: "REF:path")`: a branch
 * or tag name as `git check-ref-format --allow-onelevel` accepts it (which covers `HEAD` and a commit
 * sha). The rules matter beyond hygiene: a `:` would move the split between revision and path, and
 * `^`, `~`, `@{` or `..` would turn a name taken from a workflow into a revision expression that
 * reads some other commit.
 */
export function isValidGitRef(ref: string): boolean {
  if (ref.length === 0 || ref.length > 255 || ref === "@") return false;
  // control characters, space, and git's revision syntax
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(ref)) return false;
  if (ref.includes("..") || ref.includes("@{")) return false;
  if (ref.startsWith("/") || ref.endsWith("/") || ref.endsWith(".")) return false;
  return ref.split("/").every((part) => part.length > 0 && !part.startsWith(".") && !part.endsWith(".lock"));
}
