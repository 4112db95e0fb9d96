/** Zimbra version arithmetic for the version-dependent behaviours of zimbra.md §12. */
function parseVersion(version: string): number[] {
  return version
    .split(/[._-]/)
    .map((p) => Number.parseInt(p, 10))
    .filter((n) => Number.isFinite(n));
}

/** True when `version` is at least major.minor.patch. */
export function atLeast(version: string, major: number, minor = 0, patch = 0): boolean {
  const [a = 0, b = 0, c = 0] = parseVersion(version);
  if (a !== major) return a > major;
  if (b !== minor) return b > minor;
  return c >= patch;
}

/** The GetInfoResponse `version` string for an emulated release. */
export function versionString(version: string): string {
  return `${version}_GA_0001 20200101000000 20200101-0000 FOSS`;
}
