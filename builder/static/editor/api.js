// JSON calls to the console (CSRF header and session cookie through window.mallkitFetch);
// problem+json answers become ApiError with the problem's fields.

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.code = this.problem.code || (status === 0 ? "network" : `http_${status}`);
    this.errors = Array.isArray(this.problem.errors) ? this.problem.errors : [];
  }
}

export async function request(url, { method = "GET", body, signal } = {}) {
  let response;
  try {
    response = await window.mallkitFetch(url, { method, body, signal });
  } catch (error) {
    if (error && error.name === "AbortError") throw error;
    throw new ApiError(0, { detail: String(error && error.message || error) });
  }
  if (response.status === 204) return null;
  const type = response.headers.get("Content-Type") || "";
  const data = type.includes("json") ? await response.json().catch(() => null) : null;
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export function get(url, options) { return request(url, { ...options, method: "GET" }); }
export function post(url, body, options) { return request(url, { ...options, method: "POST", body }); }
export function put(url, body, options) { return request(url, { ...options, method: "PUT", body }); }

/** Upload a file as multipart (the media library's POST /media/assets). */
export async function upload(url, file, fields = {}) {
  const form = new FormData();
  form.append("file", file);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return request(url, { method: "POST", body: form });
}
