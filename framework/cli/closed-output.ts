/**
 * `etl preview events_clean | head`: when the reader of stdout (or stderr) goes away, the next
 * write fails with EPIPE, which Node raises as an unhandled 'error' event with a stack trace.
 * A closed pipe is the reader saying it has seen enough, so the command ends quietly there,
 * with the status a shell gives a process ended by SIGPIPE (128 + 13), as `yes | head` does.
 */
const SIGPIPE_STATUS = 141;

export function endQuietlyWhenOutputCloses(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      process.exit(SIGPIPE_STATUS);
    });
  }
}
