/**
 * Next.js start-up hook. The scheduler (croner, Prisma, child processes) is Node-only, so it is
 * imported only in the Node runtime; it guards itself against a second start on dev reloads.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs" && process.env.NEXT_PHASE !== "phase-production-build") {
    // the same refusal as `npm start`, for a server started some other way (`next start`)
    const { refuseUnsafeStart } = await import("./lib/server/startup-check");
    await refuseUnsafeStart();
  }
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { bootScheduler } = await import("./lib/server/schedule/boot");
    await bootScheduler();
  }
}
