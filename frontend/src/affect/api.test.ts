import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api";
import { clearCookies } from "../test/http";
import { exportUrl, parseFps, posterUrl, streamUrl, uploadVideo } from "./api";

/** A scriptable stand-in for XMLHttpRequest: the test drives progress and the answer. */
class FakeXhr {
  static last: FakeXhr | null = null;
  method = "";
  url = "";
  headers: Record<string, string> = {};
  body: unknown = null;
  status = 0;
  statusText = "";
  responseText = "";
  withCredentials = false;
  upload: { onprogress: ((event: ProgressEvent) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  constructor() {
    FakeXhr.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: unknown) {
    this.body = body;
  }
  abort() {
    this.onabort?.();
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ lengthComputable: true, loaded, total } as ProgressEvent);
  }
  answer(status: number, body: unknown) {
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.onload?.();
  }
}

beforeEach(() => {
  clearCookies();
  document.cookie = "csrftoken=tok; path=/";
  FakeXhr.last = null;
  vi.stubGlobal("XMLHttpRequest", FakeXhr);
});
afterEach(() => clearCookies());

const until = async (check: () => unknown) => {
  for (let i = 0; i < 20 && !check(); i++) await Promise.resolve();
};

describe("uploadVideo", () => {
  it("posts multipart with CSRF and reports upload progress", async () => {
    const progress: (number | null)[] = [];
    const file = new File(["abc"], "clip.mp4", { type: "video/mp4" });
    const upload = uploadVideo("lezgi", file, (p) => progress.push(p));
    await until(() => FakeXhr.last?.body);
    const xhr = FakeXhr.last!;
    expect(xhr.method).toBe("POST");
    expect(xhr.url).toBe("/api/v1/projects/lezgi/videos/");
    expect(xhr.headers["X-CSRFToken"]).toBe("tok");
    expect((xhr.body as FormData).get("file")).toBeInstanceOf(File);

    xhr.progress(1, 4);
    xhr.progress(4, 4);
    xhr.answer(201, { id: "v1", filename: "clip.mp4" });
    await expect(upload.promise).resolves.toMatchObject({ id: "v1" });
    expect(progress).toEqual([0.25, 1]);
  });

  it("rejects with the server's error", async () => {
    const upload = uploadVideo("lezgi", new File(["x"], "a.txt"), () => undefined);
    await until(() => FakeXhr.last?.body);
    FakeXhr.last!.answer(400, {
      error: "invalid_media",
      detail: "a.txt: not a video file",
      fields: { file: ["a.txt: not a video file"] },
    });
    const error = await upload.promise.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).fieldErrors("file")).toEqual(["a.txt: not a video file"]);
  });
});

describe("URLs and rates", () => {
  it("builds media and export URLs", () => {
    expect(streamUrl("lezgi", "v1")).toBe("/api/v1/projects/lezgi/videos/v1/stream");
    expect(posterUrl("lezgi", "v1")).toBe("/api/v1/projects/lezgi/videos/v1/poster.jpg");
    expect(exportUrl("lezgi", "v1", "frames.csv", "L1")).toBe(
      "/api/v1/projects/lezgi/videos/v1/export?format=frames.csv&layer=L1",
    );
  });

  it("parses fractional frame rates", () => {
    expect(parseFps("30000/1001")).toBeCloseTo(29.97, 2);
    expect(parseFps("25")).toBe(25);
    expect(parseFps("0/0")).toBeNaN();
  });
});
