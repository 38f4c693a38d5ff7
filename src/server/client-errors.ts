// Answers to requests Node's HTTP parser refuses before any route sees them (a request line or headers
// over the size limit, malformed HTTP, a client too slow to send its request): the same JSON error body
// as every other error, instead of Node's bare status line, then the connection closes.
import type { Server } from "node:http";
import type { Duplex } from "node:stream";

const ANSWERS: Record<string, [number, string, string, string]> = {
  HPE_HEADER_OVERFLOW: [
    431,
    "Request Header Fields Too Large",
    "headers_too_large",
    "the request line and headers are over the server's limit (16 KiB; put long values in the JSON body)",
  ],
  ERR_HTTP_REQUEST_TIMEOUT: [
    408,
    "Request Timeout",
    "request_timeout",
    "the request was not sent in time (LMOS_HEADERS_TIMEOUT_MS, LMOS_REQUEST_TIMEOUT_MS)",
  ],
};

/** Installs the JSON answer to parser-level errors on `server`. */
export function answerClientErrors(server: Server): void {
  server.on("clientError", (err: Error & { code?: string }, socket: Duplex) => {
    if (err.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, text, code, message] = ANSWERS[err.code ?? ""] ?? [
      400,
      "Bad Request",
      "bad_request",
      `the request is not valid HTTP (${err.code ?? err.message})`,
    ];
    const body = JSON.stringify({ detail: message, code, message });
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
}
