const HEARTBEAT_MS = 15_000;
const encoder = new TextEncoder();

export type EventChannel = {
  /** Sends one server-sent event (`data` as JSON); nothing once closed. */
  send: (event: string, data: unknown) => void;
  /** The same with `data` already JSON text (one line: JSON.stringify never writes a newline). */
  sendJson: (event: string, json: string) => void;
  /** Raw SSE text (a comment, a heartbeat). */
  write: (text: string) => void;
  /** Ends the stream, or fails it with `error`; the first call wins. */
  close: (error?: unknown) => void;
  /** Runs `cleanup` when the channel closes (at once if it already has). */
  onClose: (cleanup: () => void) => void;
  readonly closed: boolean;
};

/**
 * The writing end of one server-sent event stream: a heartbeat every 15 s, and one way out
 * whatever ends it — the producer is done, the client left (`signal`, also when it had already
 * aborted before the stream was made: its listener would never fire, and nobody would ever read
 * or cancel the stream), a failed write or a failure — which stops the heartbeat and runs every
 * cleanup the producer registered, so no timer or listener outlives the stream.
 */
export function openEventChannel(controller: ReadableStreamDefaultController<Uint8Array>, signal: AbortSignal): EventChannel {
  let closed = false;
  const cleanups: (() => void)[] = [];
  const heartbeat = setInterval(() => write(": keep-alive\n\n"), HEARTBEAT_MS);
  const close = (error?: unknown) => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    for (const cleanup of cleanups) cleanup();
    try {
      if (error === undefined) controller.close();
      else controller.error(error);
    } catch {}
  };
  const write = (text: string) => {
    if (closed) return;
    try {
      controller.enqueue(encoder.encode(text));
    } catch {
      close();
    }
  };
  signal.addEventListener("abort", () => close(), { once: true });
  if (signal.aborted) close();
  const sendJson = (event: string, json: string) => write(`event: ${event}\ndata: ${json}\n\n`);
  return {
    send: (event, data) => sendJson(event, JSON.stringify(data)),
    sendJson,
    write,
    close,
    onClose: (cleanup) => (closed ? cleanup() : void cleanups.push(cleanup)),
    get closed() {
      return closed;
    },
  };
}
