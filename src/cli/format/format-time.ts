/** "0.4 s", "42 s", "3 m 07 s", "2 h 05 m": tenths only while they still matter, hours drop the seconds. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  const tenths = Math.round(ms / 100);
  if (tenths < 100) return `${(tenths / 10).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (hours === 0) return `${minutes} m ${pad2(seconds % 60)} s`;
  return `${hours} h ${pad2(minutes)} m`;
}

/** An ETA as a clock, "0:27" or "1:02:03"; "--:--" when it cannot be known. */
export function formatClock(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '--:--';
  const whole = Math.ceil(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = pad2(whole % 60);
  return hours > 0 ? `${hours}:${pad2(minutes)}:${rest}` : `${minutes}:${rest}`;
}

/** "2025-01-02 13:04:05" in local time: what a user compares with their own clock. Unparseable input is shown as is. */
export function formatTimestamp(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const date = `${at.getFullYear()}-${pad2(at.getMonth() + 1)}-${pad2(at.getDate())}`;
  return `${date} ${pad2(at.getHours())}:${pad2(at.getMinutes())}:${pad2(at.getSeconds())}`;
}

/** How long a task ran (or has been running, against `now`). */
export function taskDuration(startedAt: string, endedAt: string | null, now = Date.now()): string {
  const end = endedAt === null ? now : Date.parse(endedAt);
  return formatDuration(end - Date.parse(startedAt));
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}
