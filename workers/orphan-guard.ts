// Imported FIRST by every forked job process (ESM runs a module's imports in order, so this body runs before the
// renderer and physics load). A job process whose parent dies (SIGKILL, crash) must exit: its episode is already
// being retried elsewhere, and once Dawn is loaded its polling would keep an orphan alive, spinning, forever. The
// parent may die while we are still loading, before any 'disconnect' listener exists, hence the check on entry.
if (process.send && !process.connected) process.exit(0);
process.on('disconnect', () => process.exit(0));
