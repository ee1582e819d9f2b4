// The x-ui widgets by name. Each module exports render(field) returning a handle with
// read(), update(value), validate() and teardown() (and optionally showErrors(errors)).
import * as categoryPicker from "./category-picker.js";
import * as choice from "./choice.js";
import * as color from "./color.js";
import * as datetime from "./datetime.js";
import * as groupPicker from "./group-picker.js";
import * as hidden from "./hidden.js";
import * as icon from "./icon.js";
import * as image from "./image.js";
import * as imageList from "./image-list.js";
import * as json from "./json.js";
import * as link from "./link.js";
import * as list from "./list.js";
import * as number from "./number.js";
import * as object from "./object.js";
import * as productList from "./product-list.js";
import * as productPicker from "./product-picker.js";
import * as radio from "./radio.js";
import * as range from "./range.js";
import * as richtext from "./richtext.js";
import * as select from "./select.js";
import * as text from "./text.js";
import * as textarea from "./textarea.js";
import * as toggle from "./toggle.js";
import * as video from "./video.js";

export const WIDGETS = {
  text, textarea, richtext, number, range, toggle, select, radio, color, image,
  "image-list": imageList, link, "product-picker": productPicker, "product-list": productList,
  "group-picker": groupPicker, "category-picker": categoryPicker, datetime, icon, list, hidden,
  video, object, json, choice,
};

/** The widget module for a name; an unknown one keeps the value read-only (json). */
export function widget(name) {
  return WIDGETS[name] || json;
}
