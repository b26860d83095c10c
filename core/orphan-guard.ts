// Imported FIRST by every forked job process (ESM runs a module's imports in order, so this body runs before the
// renderer and physics load). A job process whose parent died (SIGKILL, crash, or a CLI that exited) must exit: its
// episode is already being retried elsewhere, and left alone it lives on forever — Dawn's polling keeps its event
// loop busy, and BullMQ's child wrapper answers a failed write to the dead parent with another write, in a loop.
// Hence several ways to notice, any of which ends the process.
const leave = () => process.exit(0);
const deadPipe = (e: unknown) => ['EPIPE', 'ERR_IPC_CHANNEL_CLOSED', 'ERR_STREAM_DESTROYED'].includes((e as NodeJS.ErrnoException)?.code ?? '');

if (process.send) {
  // the parent may have died while we were still loading, before any 'disconnect' listener existed
  if (!process.connected) leave();
  process.on('disconnect', leave);
  for (const s of [process.stdout, process.stderr]) s.on('error', (e) => deadPipe(e) && leave());
  // only next to a handler that is already there (BullMQ's): a lone listener would swallow real crashes
  if (process.listenerCount('uncaughtException') > 0) process.on('uncaughtException', (e) => (!process.connected || deadPipe(e)) && leave());
  setInterval(() => process.connected || leave(), 1000).unref();
}
