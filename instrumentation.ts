/**
 * Next.js start-up hook. The scheduler (croner, Prisma, child processes) is Node-only, so it is
 * imported only in the Node runtime; it guards itself against a second start on dev reloads.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { bootScheduler } = await import("./lib/server/schedule/boot");
    await bootScheduler();
  }
}
