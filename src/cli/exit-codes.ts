/** Exit codes of every command: 0 done, 2 done but some records failed or work was deferred, 1 failed. */
export const EXIT = {
  ok: 0,
  failed: 1,
  partial: 2,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
