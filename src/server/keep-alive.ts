// The keep-alive timeout without its race. Node closes an idle kept-alive socket when its timer fires, in
// the event loop's timers phase, before the poll phase reads what arrived. When the loop was busy past the
// timeout (a big body parsed, a loaded machine), a client that reused the socket in time, within the
// `Keep-Alive: timeout=N` the server announced, has its next request already in the socket's buffer, and
// the close turns it into a reset (`read ECONNRESET`) the client cannot tell from a crash: the fuzz
// campaign lost three requests this way. Here a timed-out socket is closed one loop turn later, and only if
// nothing arrived meanwhile; a request that did arrive is served (Node's parser resets the timer when it
// reads it). Hand-written: Node has no option for it, and a `timeout` listener is how it lets a server decide.
import type { Server } from "node:http";
import type { Socket } from "node:net";

/** Installs the race-free idle close on `server` (which has no other use for its `timeout` event). */
export function closeIdleSocketsSafely(server: Server): void {
  server.on("timeout", (socket: Socket) => {
    const read = socket.bytesRead;
    setImmediate(() => {
      if (!socket.destroyed && socket.bytesRead === read) socket.destroy();
    });
  });
}
