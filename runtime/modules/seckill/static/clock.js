// The seckill countdown by the server's clock: hh:mm:ss to a window's end while it runs, to its
// start before it opens.

const pad = (n) => String(n).padStart(2, "0");

export const hms = (ms) => {
  const t = Math.max(0, Math.floor(ms / 1000));
  return `${pad(Math.floor(t / 3600))}:${pad(Math.floor(t / 60) % 60)}:${pad(t % 60)}`;
};

/** "距结束 …" / "距开始 …" / "已结束" for an activity's ``state`` at ``now`` (server time, ms). */
export function label(a, now) {
  if (a.state === "running") return `距结束 ${hms(Date.parse(a.ends_at) - now)}`;
  if (a.state === "not_started") return `距开始 ${hms(Date.parse(a.starts_at) - now)}`;
  return "已结束";
}

/** Ticks ``show(now)`` every second by the server's clock (``serverNow``: its ISO ``now``). */
export function tick(serverNow, show) {
  const offset = Date.parse(serverNow) - Date.now();
  const run = () => show(Date.now() + offset);
  run();
  return setInterval(run, 1000);
}
