// The recent-purchases ticker: this week's real purchases from GET /orders/recent-purchases
// (anonymised by the server, cached a minute there), one at a time, "张** 3 分钟前购买了 …".

import { api } from "./api.js";

export function ago(iso, now) {
  const minutes = Math.max(0, Math.floor((now - Date.parse(iso)) / 60000));
  if (minutes < 1) return "刚刚";
  if (minutes < 60) return `${minutes} 分钟前`;
  if (minutes < 24 * 60) return `${Math.floor(minutes / 60)} 小时前`;
  return `${Math.floor(minutes / 1440)} 天前`;
}

const tickers = document.querySelectorAll("[data-mk-ticker]");
if (tickers.length) {
  try {
    const { items } = await api("GET", "/orders/recent-purchases");
    tickers.forEach((root) => {
      if (!items.length) return;
      const text = root.querySelector("[data-ticker-text]");
      let i = 0;
      const show = () => {
        const item = items[i % items.length];
        text.textContent = `${item.buyer} ${ago(item.paid_at, Date.now())}购买了 ${item.product}`;
        i += 1;
      };
      show();
      root.hidden = false;
      if (items.length > 1) setInterval(show, Number(root.dataset.interval || 4) * 1000);
    });
  } catch { /* no ticker */ }
}
