import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  ApiError,
  api,
  apiUrl,
  onUnauthorized,
  parseErrorBody,
  request,
  resetApiStateForTests,
} from "./api";
import { clearCookies, mockFetch } from "./test/http";

beforeEach(() => {
  resetApiStateForTests();
  clearCookies();
});
afterEach(() => clearCookies());

describe("error shape", () => {
  it("turns a non-2xx reply into an ApiError with code, detail, fields and status", async () => {
    mockFetch(() => ({
      status: 400,
      body: { error: "invalid", detail: "Check the form.", fields: { slug: ["Slug is taken."] } },
    }));
    document.cookie = "csrftoken=abc";

    const error = await api.projects.create({ name: "Ainu" }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    expect(apiError.status).toBe(400);
    expect(apiError.code).toBe("invalid");
    expect(apiError.detail).toBe("Check the form.");
    expect(apiError.fields).toEqual({ slug: ["Slug is taken."] });
    expect(apiError.fieldErrors("slug")).toEqual(["Slug is taken."]);
    expect(apiError.fieldErrors("name")).toEqual([]);
  });

  it("keeps the last_owner code so screens can explain it", async () => {
    mockFetch(() => ({
      status: 400,
      body: { error: "last_owner", detail: "A project needs an owner.", fields: {} },
    }));
    document.cookie = "csrftoken=abc";

    const error = (await api.projects.leave("ainu").catch((e: unknown) => e)) as ApiError;

    expect(error.code).toBe("last_owner");
    expect(error.message).toBe("A project needs an owner.");
  });

  it("flattens nested field errors from list fields", () => {
    const body = parseErrorBody(400, "Bad Request", {
      error: "invalid",
      detail: "Invalid input.",
      fields: { object_languages: { "1": ["'xx' is not an ISO 639-3 code."] }, name: "Required." },
    });

    expect(body.fields).toEqual({
      object_languages: ["'xx' is not an ISO 639-3 code."],
      name: ["Required."],
    });
  });

  it("counts dotted keys from nested errors as errors of their top-level field", () => {
    const error = new ApiError(400, {
      error: "invalid",
      detail: "Invalid input.",
      fields: { "object_languages.1": ["'xx' is not an ISO 639-3 code."], object: ["other"] },
    });

    expect(error.fieldErrors("object_languages")).toEqual(["'xx' is not an ISO 639-3 code."]);
    expect(error.fieldErrors("object")).toEqual(["other"]);
  });

  it("copes with a reply that is not JSON (proxy error page)", async () => {
    mockFetch(() => ({ status: 502, statusText: "Bad Gateway", text: "<h1>Bad gateway</h1>" }));

    const error = (await api.auth.me().catch((e: unknown) => e)) as ApiError;

    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(502);
    expect(error.code).toBe("http_502");
    expect(error.detail).toBe("Bad Gateway");
    expect(error.fields).toEqual({});
  });

  it("tells listeners about 401 so the app can go to /login", async () => {
    mockFetch(() => ({
      status: 401,
      body: { error: "not_authenticated", detail: "Log in first.", fields: {} },
    }));
    const listener = vi.fn();
    onUnauthorized(listener);

    await expect(api.projects.list()).rejects.toMatchObject({ status: 401 });

    expect(listener).toHaveBeenCalledTimes(1);
  });

  it("does not call 401 listeners for other errors", async () => {
    mockFetch(() => ({ status: 403, body: { error: "forbidden", detail: "No.", fields: {} } }));
    const listener = vi.fn();
    onUnauthorized(listener);

    await expect(api.projects.get("x")).rejects.toMatchObject({ status: 403, code: "forbidden" });

    expect(listener).not.toHaveBeenCalled();
  });
});

describe("requests", () => {
  it("sends the csrftoken cookie as X-CSRFToken on unsafe methods only", async () => {
    document.cookie = "csrftoken=tok123";
    const calls = mockFetch((call) =>
      call.method === "GET"
        ? { status: 200, body: { count: 0, next: null, previous: null, results: [] } }
        : { status: 201, body: { slug: "ainu" } },
    );

    await api.projects.list();
    await api.projects.create({ name: "Ainu", object_languages: ["ain"] });

    expect(calls).toHaveLength(2);
    expect(calls[0]!.headers["X-CSRFToken"]).toBeUndefined();
    expect(calls[1]!.method).toBe("POST");
    expect(calls[1]!.headers["X-CSRFToken"]).toBe("tok123");
    expect(calls[1]!.headers["Content-Type"]).toBe("application/json");
    expect(calls[1]!.body).toEqual({ name: "Ainu", object_languages: ["ain"] });
    expect(calls.every((call) => call.credentials === "same-origin")).toBe(true);
  });

  it("fetches the CSRF cookie first when it is missing", async () => {
    const calls = mockFetch((call) => {
      if (call.url === "/api/v1/auth/csrf/") {
        document.cookie = "csrftoken=fresh";
        return { status: 204 };
      }
      return { status: 204 };
    });

    await api.auth.logout();

    expect(calls.map((call) => `${call.method} ${call.url}`)).toEqual([
      "GET /api/v1/auth/csrf/",
      "POST /api/v1/auth/logout/",
    ]);
    expect(calls[1]!.headers["X-CSRFToken"]).toBe("fresh");
  });

  it("reads a token rotated by login on the next request", async () => {
    document.cookie = "csrftoken=before";
    const calls = mockFetch((call) => {
      if (call.url.endsWith("/auth/login/")) {
        document.cookie = "csrftoken=after";
        return { status: 200, body: { id: 1, username: "ana", email: "ana@example.org" } };
      }
      return { status: 204 };
    });

    const user = await api.auth.login("ana", "pw");
    await api.auth.logout();

    expect(user.username).toBe("ana");
    expect(calls[0]!.headers["X-CSRFToken"]).toBe("before");
    expect(calls[1]!.headers["X-CSRFToken"]).toBe("after");
  });

  it("returns undefined for 204 replies", async () => {
    document.cookie = "csrftoken=t";
    mockFetch(() => ({ status: 204 }));

    await expect(request("DELETE", "/projects/ainu/")).resolves.toBeUndefined();
  });

  it("follows absolute next links when listing every page", async () => {
    const calls = mockFetch((call) =>
      call.url === "/api/v1/projects/ainu/members/"
        ? {
            status: 200,
            body: {
              count: 2,
              next: "http://testserver/api/v1/projects/ainu/members/?page=2",
              previous: null,
              results: [{ username: "ana", email: "", role: "owner", joined_at: "" }],
            },
          }
        : {
            status: 200,
            body: {
              count: 2,
              next: null,
              previous: "x",
              results: [{ username: "ben", email: "", role: "viewer", joined_at: "" }],
            },
          },
    );

    const members = await api.members.list("ainu");

    expect(members.map((m) => m.username)).toEqual(["ana", "ben"]);
    expect(calls[1]!.url).toBe("/api/v1/projects/ainu/members/?page=2");
  });

  it("builds URLs with query strings and encoded path parts", () => {
    expect(apiUrl("/projects/", { page: 2, q: undefined })).toBe("/api/v1/projects/?page=2");
    expect(apiUrl("/api/v1/jobs/3/")).toBe("/api/v1/jobs/3/");
  });
});
