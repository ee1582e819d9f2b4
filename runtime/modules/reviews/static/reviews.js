// The H5 review pages: 评价中心 (write a review of a completed order line: stars, text, up to 9
// photos, anonymous; add the one follow-up to an own review) and 全部评价 of a product (rating,
// filter tabs, pages). Everything goes through the same JSON API as the mini-program; every
// text is inserted escaped (html``).
import { API, ApiError, api, html, problemText, raw, requireLogin, toast }
  from "../_shop-static/api.js";

const app = document.getElementById("app");
const MAX_PHOTOS = 9;
const done = () => app.querySelector(".loading")?.remove();
const starText = (n) => "★".repeat(n) + "☆".repeat(5 - n);
const when = (iso) => (iso ? new Date(iso).toLocaleDateString("zh-CN") : "");

/** Upload one photo (multipart, like wx.uploadFile); resolves with {media_id, url}. */
async function uploadPhoto(file) {
  const body = new FormData();
  body.append("file", file);
  const response = await fetch(`${API}/reviews/photos`, {
    method: "POST", body, credentials: "same-origin" });  // the login cookie
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

function photos(list) {
  return list?.length ? html`<div class="mk-review-photos">${raw(list.map((p) => html`
    <a href="${p.url}" target="_blank" rel="noopener"><img src="${p.thumb || p.url}" alt="晒图" loading="lazy"></a>`).join(""))}</div>` : "";
}

function reviewCard(r, { mine = false } = {}) {
  return html`<article class="card" data-review="${r.id}">
    <div class="row"><span>${r.nickname}</span><span class="mk-stars" aria-label="${r.stars} 星">${starText(r.stars)}</span></div>
    ${raw(r.spec_text ? html`<p class="muted">${r.spec_text}</p>` : "")}
    <p>${r.content || "此用户没有填写评价内容"}</p>${raw(photos(r.images))}
    ${raw(r.followup ? html`<p><b>追评：</b>${r.followup.content}</p>${raw(photos(r.followup.images))}` : "")}
    ${raw(r.reply ? html`<p class="muted">商家回复：${r.reply}</p>` : "")}
    <p class="muted">${when(r.created_at)}${r.pinned ? " · 精选" : ""}${mine && r.status === "pending" ? " · 审核中" : ""}${mine && r.hidden ? " · 已隐藏" : ""}</p>
    ${raw(mine && r.can_follow_up ? html`<button type="button" class="link" data-follow="${r.id}">追加评价</button>` : "")}
  </article>`;
}

/** The review form of one line (or the follow-up form of one review). */
function reviewForm({ line, followUp }) {
  return html`<form class="card" data-form>
    ${raw(line ? html`<div class="row"><span>${line.title}</span><span class="muted">${line.spec_text}</span></div>
    <fieldset class="mk-star-pick"><legend>评分</legend>${raw([1, 2, 3, 4, 5].map((n) => html`
      <label><input type="radio" name="stars" value="${n}"${raw(n === 5 ? " checked" : "")}> ${n} 星</label>`).join(""))}</fieldset>` : "")}
    <label>${followUp ? "追评内容" : "评价内容"}<textarea name="content" maxlength="500" rows="4"
      placeholder="${followUp ? "用了一段时间，说说感受吧" : "说说商品怎么样"}"${raw(followUp ? " required" : "")}></textarea></label>
    <label>晒图（最多 ${MAX_PHOTOS} 张）<input type="file" name="photos" accept="image/*" multiple></label>
    <div class="mk-review-photos" data-previews></div>
    ${raw(line ? '<label><input type="checkbox" name="anonymous"> 匿名评价</label>' : "")}
    <p class="mk-error" data-error role="alert"></p>
    <button class="mk-primary" type="submit">提交</button></form>`;
}

function bindForm(form, submit) {
  const uploaded = [];
  const error = form.querySelector("[data-error]");
  form.photos.addEventListener("change", async () => {
    for (const file of form.photos.files) {
      if (uploaded.length >= MAX_PHOTOS) { error.textContent = `最多 ${MAX_PHOTOS} 张图片`; break; }
      try {
        const photo = await uploadPhoto(file);
        uploaded.push(photo);
        form.querySelector("[data-previews]").insertAdjacentHTML("beforeend",
          html`<img src="${photo.url}" alt="已上传的图片">`);
      } catch (e) { error.textContent = problemText(e); }
    }
    form.photos.value = "";
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    try {
      await submit({ content: form.content.value, images: uploaded.map((p) => ({ media_id: p.media_id })),
        stars: Number(form.stars?.value), anonymous: Boolean(form.anonymous?.checked) });
    } catch (e) { error.textContent = problemText(e); }
  });
}

async function minePage() {
  await requireLogin();
  const order = app.dataset.order ? Number(app.dataset.order) : null;
  const render = async () => {
    const data = await api("GET", "/reviews");
    done();
    const lines = data.to_review.filter((l) => !order || l.order_id === order);
    app.querySelector("[data-to-review]").innerHTML = html`<h2>待评价</h2>${raw(lines.map((l) => html`
      <div class="card row" data-line="${l.line_id}"><span>${l.title}<br><span class="muted">${l.spec_text}</span></span>
        <button type="button" data-write="${l.line_id}">写评价</button></div>`).join("") || '<p class="empty">没有待评价的商品</p>')}`;
    app.querySelector("[data-mine]").innerHTML = html`<h2>我的评价</h2>${raw(
      data.items.map((r) => reviewCard(r, { mine: true })).join("") || '<p class="empty">还没有评价</p>')}`;
    return { lines, reviews: data.items };
  };
  let state = await render();
  app.addEventListener("click", (event) => {
    const write = event.target.closest("[data-write]");
    const follow = event.target.closest("[data-follow]");
    if (write) {
      const line = state.lines.find((l) => String(l.line_id) === write.dataset.write);
      write.closest(".card").insertAdjacentHTML("afterend", reviewForm({ line }));
      write.remove();
      bindForm(app.querySelector("[data-form]"), async (values) => {
        await api("POST", "/reviews", { order_id: line.order_id, line_id: line.line_id, ...values });
        toast("评价成功");
        state = await render();
      });
    } else if (follow) {
      follow.insertAdjacentHTML("afterend", reviewForm({ followUp: true }));
      const id = follow.dataset.follow;
      follow.remove();
      bindForm(app.querySelector("[data-form]"), async ({ content, images }) => {
        await api("POST", `/reviews/${id}/follow-up`, { content, images });
        toast("追评成功");
        state = await render();
      });
    }
  });
}

async function productPage() {
  const id = app.dataset.product;
  const list = app.querySelector("[data-list]");
  let filter = "all";
  let page = 0;
  const more = async (reset) => {
    if (reset) { page = 0; list.innerHTML = ""; }
    page += 1;
    const data = await api("GET", `/products/${id}/reviews?filter=${filter}&page=${page}&per_page=10`);
    done();
    const r = data.rating;
    app.querySelector("[data-rating]").textContent = r.count
      ? `${r.average} 分 · 好评率 ${r.good_rate}% · 共 ${r.count} 条评价` : "暂无评价";
    app.querySelector("[data-more]")?.remove();
    list.insertAdjacentHTML("beforeend", data.items.map((x) => reviewCard(x)).join("")
      || (page === 1 ? '<p class="empty">暂无评价</p>' : ""));
    if (page * data.per_page < data.total) {
      list.insertAdjacentHTML("afterend", '<button type="button" class="link" data-more>加载更多</button>');
    }
  };
  app.addEventListener("click", (event) => {
    const tab = event.target.closest("[data-filter]");
    if (tab) {
      filter = tab.dataset.filter;
      app.querySelectorAll("[data-filter]").forEach((b) => {
        b.classList.toggle("active", b === tab);
        b.setAttribute("aria-pressed", String(b === tab));
      });
      more(true);
    } else if (event.target.matches("[data-more]")) more(false);
  });
  await more(true);
}

const pages = { "reviews-mine": minePage, "reviews-product": productPage };
pages[app.dataset.page]?.().catch((e) => {
  done();
  app.insertAdjacentHTML("beforeend", html`<p class="error">${problemText(e)}</p>`);
});
