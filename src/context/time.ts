// Times as the model reads them, in Letta's style ("2026-03-01 02:05:09 PM UTC+0000").

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** Formats an ISO time for the model; `minutes` drops the seconds so the text stays stable within a minute. */
export function formatTime(iso: string, options: { minutes?: boolean } = {}): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const h = d.getUTCHours();
  const h12 = h % 12 === 0 ? 12 : h % 12;
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const clock = options.minutes
    ? `${pad(h12)}:${pad(d.getUTCMinutes())}`
    : `${pad(h12)}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${date} ${clock} ${h < 12 ? "AM" : "PM"} UTC+0000`;
}
