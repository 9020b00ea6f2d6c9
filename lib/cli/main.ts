/**
 * `cacheguard <command>`: dispatch to lib/cli/commands/<command>.ts. Each command exports
 * `run(argv, io) -> exit code`, so tests call commands without spawning a process.
 */
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import type { CliIo } from "./io";

export const USAGE = `usage: cacheguard <command> [options]

commands:
  check PATH... [--format text|json|sarif]   audit a checkout or workflow files, offline
  scan --org ORG                             scan a GitHub organization (as the dashboard does)
  fix PATH... [--dry-run]                    apply the suggested fixes in place (--dry-run: print the diff)
  inspect REF                                say whether a registry tag holds an image or a cache
  pr --org ORG --repo NAME [--finding ID]    open or update the fix pull request of a repository
  cleanup --org ORG --plan|--apply           list (or delete) the GHCR versions that are safe to delete
  worker [--concurrency N]                   run scan jobs from the PostgreSQL job queue (see README "Workers")

Run \`cacheguard <command> --help\` for a command's options.
`;

type Command = (argv: string[], io: CliIo) => Promise<number>;

/** Commands load lazily so `check` never pulls in the scan job's database and API clients. */
const COMMANDS: Record<string, () => Promise<{ run: Command }>> = {
  check: () => import("./commands/check"),
  fix: () => import("./commands/fix" as string) as Promise<{ run: Command }>,
  scan: () => import("./commands/scan" as string) as Promise<{ run: Command }>,
  inspect: () => import("./commands/inspect" as string) as Promise<{ run: Command }>,
  pr: () => import("./commands/pr" as string) as Promise<{ run: Command }>,
  cleanup: () => import("./commands/cleanup" as string) as Promise<{ run: Command }>,
  worker: () => import("./commands/worker" as string) as Promise<{ run: Command }>,
};

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.stderr(USAGE);
    return 2;
  }
  if (command === "--help" || command === "-h" || command === "help") {
    io.stdout(USAGE);
    return 0;
  }
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!load) {
    io.stderr(`cacheguard: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  try {
    const mod = await load();
    return await mod.run(rest, io);
  } catch (e) {
    // A bug must still not print a stack trace at a user: one line, exit 2.
    io.stderr(`cacheguard ${command}: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env.CACHEGUARD_DEBUG && e instanceof Error && e.stack) io.stderr(`${e.stack}\n`);
    return 2;
  }
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // `npm run` moves to the package root; INIT_CWD is where the user typed the command.
  const cwd = process.env.INIT_CWD || process.cwd();
  const io: CliIo = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), cwd };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
      // a worker has stopped what it runs: a client's idle socket or timer must not keep the process (and a deployment's restart) waiting
      if (process.argv[2] === "worker") process.exit(code);
    },
    (e: unknown) => {
      process.stderr.write(`cacheguard: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
