export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** directory relative PATHs are read from (default process.cwd()) */
  cwd?: string;
}
