// The phone-login form inside H5 blocks (forms.phone_login in a block template; the block
// shows it when the shopper must sign in): 获取验证码 sends the SMS code, 登录 logs in with the
// cookie. Messages go to the block's [data-note] next to the form. Every login on the page
// (this form or the login sheet) dispatches "mallkit:login": the forms hide, and each block
// listens for it to re-read its member data.
import { logIn, problemText, sendCode } from "./api.js";

const FORM = "form[data-phone-login]";
const noteOf = (form) => form.parentElement.querySelector("[data-note]");

function say(form, text) {
  const note = noteOf(form);
  if (note) note.textContent = text;
}

document.addEventListener("click", async (event) => {
  const button = event.target.closest?.("[data-code]");
  const form = button && button.closest(FORM);
  if (!form) return;
  try {
    await sendCode(form.phone.value);
    say(form, "验证码已发送");
  } catch (e) { say(form, problemText(e)); }
});

document.addEventListener("submit", async (event) => {
  const form = event.target.closest?.(FORM);
  if (!form) return;
  event.preventDefault();
  try {
    await logIn(form.phone.value, form.code.value);
    say(form, "");
  } catch (e) { say(form, problemText(e)); }
});

window.addEventListener("mallkit:login", () => {
  for (const form of document.querySelectorAll(FORM)) form.hidden = true;
});
