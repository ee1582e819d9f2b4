// The editor's icon set: 24×24 stroke icons drawn for mallkit (UI actions and block types).
// An unknown name draws a neutral square, never nothing.

const PATHS = {
  // actions
  undo: "M9 14 4 9l5-5M4 9h10.5a5.5 5.5 0 0 1 0 11H11",
  redo: "m15 14 5-5-5-5M20 9H9.5a5.5 5.5 0 0 0 0 11H13",
  trash: "M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3",
  copy: "M8 8h11v11H8zM5 16V5h11",
  eye: "M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12zM12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z",
  "eye-off": "M3 3l18 18M10.6 5.1A10 10 0 0 1 12 5c6.4 0 10 7 10 7a17 17 0 0 1-3.2 4.2M6.6 6.6C3.9 8.4 2 12 2 12s3.6 7 10 7a9.7 9.7 0 0 0 5.4-1.6M9.9 9.9a3 3 0 0 0 4.2 4.2",
  up: "m6 14 6-6 6 6",
  down: "m6 10 6 6 6-6",
  drag: "M9 5h.01M15 5h.01M9 12h.01M15 12h.01M9 19h.01M15 19h.01",
  close: "M6 6l12 12M18 6 6 18",
  plus: "M12 5v14M5 12h14",
  check: "m5 12 5 5 9-10",
  alert: "M12 8v5M12 16.5h.01M10.3 3.9 2.4 18a2 2 0 0 0 1.7 3h15.8a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z",
  history: "M3 12a9 9 0 1 0 3-6.7L3 8M3 3v5h5M12 7v5l3 2",
  external: "M14 4h6v6M20 4l-9 9M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5",
  back: "m15 18-6-6 6-6",
  chevron: "m6 9 6 6 6-6",
  "chevron-right": "m9 6 6 6-6 6",
  search: "M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM21 21l-5-5",
  upload: "M12 16V4M7 9l5-5 5 5M4 16v3a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-3",
  image: "M4 5h16v14H4zM4 16l5-5 4 4 3-3 4 4M15.5 9.5h.01",
  link: "M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1",
  phone: "M7 3h10a1 1 0 0 1 1 1v16a1 1 0 0 1-1 1H7a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zM11 18h2",
  layers: "m12 3 9 5-9 5-9-5zM3 13l9 5 9-5",
  palette: "M12 3a9 9 0 1 0 0 18c1 0 1.5-.8 1.5-1.5 0-1.2-1-1.5-1-2.5 0-.8.7-1.5 1.5-1.5H16a5 5 0 0 0 5-5c0-4.1-4-7.5-9-7.5zM7.5 11h.01M10 7.5h.01M14.5 7.5h.01",
  brush: "M14 4l6 6-8.5 8.5a3 3 0 0 1-4.2 0l-1.8-1.8a3 3 0 0 1 0-4.2zM3 21c2 0 3.5-.5 4-2",
  settings: "M4 6h10M18 6h2M4 12h4M12 12h8M4 18h12M20 18h0M16 4v4M10 10v4M18 16v4",
  page: "M6 3h9l4 4v14H6zM14 3v5h5",
  bold: "M7 5h6a3.5 3.5 0 0 1 0 7H7zM7 12h7a3.5 3.5 0 0 1 0 7H7z",
  italic: "M10 5h8M6 19h8M14 5l-4 14",
  underline: "M7 4v7a5 5 0 0 0 10 0V4M5 20h14",
  heading: "M6 4v16M18 4v16M6 12h12",
  paragraph: "M13 4v16M17 4v16M19 4H9.5a4.5 4.5 0 0 0 0 9H13",
  list: "M9 6h11M9 12h11M9 18h11M4.5 6h.01M4.5 12h.01M4.5 18h.01",
  "list-ordered": "M10 6h10M10 12h10M10 18h10M4 4h1v4M4 10.5a1 1 0 0 1 2 .5l-2 2h2M4 16h2l-1 1.5a1 1 0 1 1-1 1.5",
  eraser: "m7 21-4-4 11-11 7 7-7 7M11 21h10M9 10l6 6",
  publish: "M12 15V3M7 8l5-5 5 5M5 14v5a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1v-5",
  // block icons
  carousel: "M6 6h12v12H6zM2 8v8M22 8v8M10 20.5h.01M14 20.5h.01",
  goods: "M6 8h12l-1 12H7zM9 8a3 3 0 0 1 6 0",
  text: "M5 6h14M5 10h14M5 14h10M5 18h7",
  hotspot: "M4 5h16v14H4zM7 8h4v4H7zM13 12h4v4h-4",
  cube: "M4 4h7v16H4zM13 4h7v7h-7zM13 13h7v7h-7z",
  spacer: "M12 4v16M8 8l4-4 4 4M8 16l4 4 4-4",
  divider: "M3 12h18M7 7h10M7 17h10",
  apps: "M4 4h6v6H4zM14 4h6v6h-6zM4 14h6v6H4zM14 14h6v6h-6z",
  coupon: "M3 7h18v3a2 2 0 0 0 0 4v3H3v-3a2 2 0 0 0 0-4zM14 7v10",
  notice: "M4 10v4h3l6 4V6l-6 4zM17 9a4 4 0 0 1 0 6M19.5 7a7 7 0 0 1 0 10",
  search: "M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM21 21l-5-5",
  service: "M4 13v-1a8 8 0 0 1 16 0v1M4 13h3v6H5a1 1 0 0 1-1-1zM20 13h-3v6h2a1 1 0 0 0 1-1zM17 19c0 1.5-2 2-5 2",
  store: "M4 9h16l-1.5-5h-13zM4 9v11h16V9M9 20v-6h6v6",
  shop: "M4 9h16l-1.5-5h-13zM4 9v11h16V9M9 20v-6h6v6",
  tabs: "M3 8h6V5h6v3h6v11H3z",
  video: "M4 6h11v12H4zM15 10l5-3v10l-5-3",
  article: "M6 3h9l4 4v14H6zM14 3v5h5M9 12h7M9 15.5h7M9 19h4",
  "image-text": "M3 5h8v8H3zM14 6h7M14 10h7M3 17h18M3 20h12",
  wechat: "M9 4C5 4 2 6.5 2 9.7c0 1.8 1 3.4 2.5 4.5L4 17l3-1.6c.6.2 1.3.3 2 .3M15 9c-3.6 0-6.5 2.3-6.5 5.2s2.9 5.2 6.5 5.2c.7 0 1.3-.1 1.9-.3L20 21l-.6-2.7c1.6-1 2.6-2.5 2.6-4.1C22 11.3 19 9 15 9z",
  flash: "M13 2 4 14h7l-1 8 9-12h-7z",
  fresh: "M12 21c-4.4 0-8-3.6-8-8 0-5 5-9 8-10 3 1 8 5 8 10 0 4.4-3.6 8-8 8zM12 21V9",
  gift: "M3 8h18v4H3zM5 12v8h14v-8M12 8v12M12 8S10.5 3 8 3.8 9 8 12 8zm0 0s1.5-5 4-4.2S15 8 12 8z",
  grid: "M4 4h6v6H4zM14 4h6v6h-6zM4 14h6v6H4zM14 14h6v6h-6z",
  group: "M8 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM16 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM2 20a6 6 0 0 1 12 0M10 20a6 6 0 0 1 12 0",
  hot: "M12 22a7 7 0 0 0 7-7c0-5-5-6-4-12-4 2-6 6-6 8-1-1-1.5-2-1.5-3C5 10 5 12 5 15a7 7 0 0 0 7 7z",
  new: "M12 3l2.5 5.5L20 9l-4 4 1 6-5-3-5 3 1-6-4-4 5.5-.5z",
  order: "M6 3h12v18l-3-2-3 2-3-2-3 2zM9 8h6M9 12h6",
  sign: "M5 4h14v16H5zM8 2v4M16 2v4M8 12l3 3 5-6",
  star: "M12 3l2.7 5.6 6.1.9-4.4 4.3 1 6.1L12 17l-5.4 2.9 1-6.1-4.4-4.3 6.1-.9z",
  vip: "M3 7l4.5 4L12 5l4.5 6L21 7l-2 11H5z",
  heart: "M12 20s-8-4.6-8-10.2A4.6 4.6 0 0 1 12 7a4.6 4.6 0 0 1 8 2.8C20 15.4 12 20 12 20z",
  cart: "M2.5 3.5h3l2.4 11.2a1.5 1.5 0 0 0 1.5 1.2h8.4a1.5 1.5 0 0 0 1.5-1.1L21 7.5H6.5M9 20h.01M18 20h.01",
  home: "M3 10.5 12 3l9 7.5V20a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1z",
  location: "M12 21s-7-6.2-7-11.5a7 7 0 0 1 14 0C19 14.8 12 21 12 21zM12 12a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5z",
  user: "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21a8 8 0 0 1 16 0",
  layout: "M3 3h18v18H3zM3 9h18M9 21V9",
  // the modules' blocks (砍价, 分销, 拼团, 邀请, 会员日, 满减, 限时折扣, 秒杀, 签到)
  scissors: "M6 9a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM6 21a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM20 4 8.1 15.9M14.5 14.5 20 20M8.1 8.1 12 12",
  share: "M18 8a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM6 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM18 22a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM8.6 13.5l6.8 4M15.4 6.5l-6.8 4",
  users: "M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21a7 7 0 0 1 14 0M16 3.1a4 4 0 0 1 0 7.8M22 21a7 7 0 0 0-4-6.3",
  "user-plus": "M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21a7 7 0 0 1 14 0M19 8v6M16 11h6",
  crown: "M3 7l4.5 4L12 5l4.5 6L21 7l-2 10H5zM5 21h14",
  ticket: "M3 7h18v3a2 2 0 0 0 0 4v3H3v-3a2 2 0 0 0 0-4zM9 10h6M9 14h6",
  clock: "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 7v5l3 2",
  zap: "M13 2 4 14h7l-1 8 9-12h-7z",
  "calendar-check": "M4 5h16v16H4zM4 10h16M8 3v4M16 3v4M9 15l2 2 4-4",
  unknown: "M5 5h14v14H5zM9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .8-1 1.5M12 16.5h.01",
};

const NS = "http://www.w3.org/2000/svg";

export function icon(name, className = "ed-ico") {
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", className);
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("fill", "none");
  svg.setAttribute("stroke", "currentColor");
  svg.setAttribute("stroke-width", "1.7");
  svg.setAttribute("stroke-linecap", "round");
  svg.setAttribute("stroke-linejoin", "round");
  const path = document.createElementNS(NS, "path");
  path.setAttribute("d", PATHS[name] || PATHS.unknown);
  svg.append(path);
  return svg;
}

export function hasIcon(name) {
  return Object.prototype.hasOwnProperty.call(PATHS, name);
}
