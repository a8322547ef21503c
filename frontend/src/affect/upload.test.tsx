import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api";
import { UploadVideoForm } from "./components/UploadVideoForm";
import { clearCookies, mockFetch, type Recorded } from "../test/http";
import { resumableUpload } from "./upload";

/** What the fake server does with the next PUT. */
type Fault =
  | { kind: "drop"; keep: number } // connection drops after `keep` bytes arrived
  | { kind: "sneak"; bytes: number }; // a stale earlier request lands first: offsets disagree

/** The resumable-upload endpoints over an in-memory part file. */
class FakeServer {
  stored = "";
  size = 0;
  faults: Fault[] = [];
  puts: { offset: number; length: number; status: number }[] = [];
  calls: Recorded[] = [];
  constructor(readonly content: string) {}

  put(offset: number, body: string): { status: number; body?: unknown } | "drop" {
    const fault = this.faults.shift();
    if (fault?.kind === "sneak") this.stored += this.content.slice(this.stored.length, this.stored.length + fault.bytes);
    if (offset !== this.stored.length) {
      this.puts.push({ offset, length: body.length, status: 409 });
      return {
        status: 409,
        body: { error: "offset_mismatch", detail: "Wrong offset.", fields: {}, offset: this.stored.length },
      };
    }
    if (fault?.kind === "drop") {
      this.stored += body.slice(0, fault.keep);
      this.puts.push({ offset, length: body.length, status: 0 });
      return "drop";
    }
    this.stored += body;
    this.puts.push({ offset, length: body.length, status: 200 });
    return { status: 200, body: this.state() };
  }

  state() {
    return { id: "u1", filename: "clip.mkv", size: this.size, offset: this.stored.length };
  }
}

let server: FakeServer;

/** jsdom's Blob has no text(). */
function readText(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(blob);
  });
}

/** XHR that hands each PUT to the fake server on the next tick. */
class FakeXhr {
  method = "";
  url = "";
  headers: Record<string, string> = {};
  status = 0;
  statusText = "";
  responseText = "";
  withCredentials = false;
  upload: { onprogress: ((event: ProgressEvent) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  ontimeout: (() => void) | null = null;
  onabort: (() => void) | null = null;
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  getResponseHeader() {
    return null;
  }
  send(body: Blob) {
    void readText(body).then((text) => {
      expect(this.method).toBe("PUT");
      expect(this.url).toBe("/api/v1/projects/lezgi/uploads/u1");
      expect(this.headers["Content-Type"]).toBe("application/offset+octet-stream");
      expect(this.headers["X-CSRFToken"]).toBe("tok");
      this.upload.onprogress?.({ lengthComputable: true, loaded: text.length, total: text.length } as ProgressEvent);
      const answer = server.put(Number(this.headers["Upload-Offset"]), text);
      if (answer === "drop") return this.onerror?.();
      this.status = answer.status;
      this.responseText = JSON.stringify(answer.body);
      this.onload?.();
    });
  }
  abort() {
    this.onabort?.();
  }
}

function serve(content: string) {
  server = new FakeServer(content);
  server.calls = mockFetch((call) => {
    const path = call.url.split("?")[0];
    if (path === "/api/v1/projects/lezgi/uploads/" && call.method === "POST") {
      server.size = (call.body as { size: number }).size;
      return { status: 201, body: server.state() };
    }
    if (path === "/api/v1/projects/lezgi/uploads/u1" && call.method === "GET")
      return { status: 200, body: server.state() };
    if (path === "/api/v1/projects/lezgi/uploads/u1" && call.method === "DELETE") return { status: 204 };
    if (path === "/api/v1/jobs/job-1/")
      return {
        status: 200,
        body: {
          id: "job-1",
          project: "lezgi",
          kind: "affect.transcode",
          state: "running",
          progress: 0.4,
          message: "",
          result: null,
          error: null,
          created_at: "2026-01-01T00:00:00Z",
          started_at: null,
          finished_at: null,
        },
      };
    if (path === "/api/v1/projects/lezgi/uploads/u1/finish" && call.method === "POST") {
      if (server.stored.length < server.size)
        return {
          status: 400,
          body: { error: "incomplete_upload", detail: "Not all bytes.", fields: {}, offset: server.stored.length },
        };
      return { status: 201, body: { id: "v1", filename: "clip.mkv", transcode_job: "job-1" } };
    }
    return undefined;
  });
}

const CONTENT = "0123456789abcdefghij"; // 20 bytes, 4-byte chunks → 5 chunks
const file = () => new File([CONTENT], "clip.mkv", { type: "video/x-matroska" });

beforeEach(() => {
  clearCookies();
  document.cookie = "csrftoken=tok; path=/";
  vi.stubGlobal("XMLHttpRequest", FakeXhr);
});
afterEach(() => clearCookies());

describe("resumableUpload", () => {
  it("announces, sends every chunk at its offset and finishes", async () => {
    serve(CONTENT);
    const progress: (number | null)[] = [];
    const upload = resumableUpload("lezgi", file(), (p) => progress.push(p), { chunkSize: 4 });
    await expect(upload.promise).resolves.toMatchObject({ id: "v1", transcode_job: "job-1" });
    expect(server.calls[0]).toMatchObject({
      method: "POST",
      url: "/api/v1/projects/lezgi/uploads/",
      body: { filename: "clip.mkv", size: 20 },
    });
    expect(server.puts.map((p) => [p.offset, p.length])).toEqual([
      [0, 4],
      [4, 4],
      [8, 4],
      [12, 4],
      [16, 4],
    ]);
    expect(server.stored).toBe(CONTENT);
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(1);
    expect(progress.every((p, i) => i === 0 || p! >= progress[i - 1]!)).toBe(true);
  });

  it("resumes from the server's offset after a chunk fails mid-way, with backoff", async () => {
    serve(CONTENT);
    const delays: number[] = [];
    // The first PUT is fine, the second drops after 3 of its 4 bytes, the third drops with none.
    server.faults = [
      { kind: "sneak", bytes: 0 },
      { kind: "drop", keep: 3 },
      { kind: "drop", keep: 0 },
    ];
    const upload = resumableUpload("lezgi", file(), () => undefined, {
      chunkSize: 4,
      sleep: async (ms) => void delays.push(ms),
    });
    await expect(upload.promise).resolves.toMatchObject({ id: "v1" });
    expect(server.stored).toBe(CONTENT);
    // It asked where to resume after each failure and went on from offset 7, not 8.
    expect(server.calls.filter((c) => c.method === "GET")).toHaveLength(2);
    expect(server.puts.map((p) => [p.offset, p.status])).toEqual([
      [0, 200],
      [4, 0],
      [7, 0],
      [7, 200],
      [11, 200],
      [15, 200],
      [19, 200],
    ]);
    expect(delays).toEqual([500, 1000]);
  });

  it("on 409 offset_mismatch asks for the current offset and resumes there", async () => {
    serve(CONTENT);
    const delays: number[] = [];
    // Before the second PUT, 2 bytes of an earlier (timed-out) request land.
    server.faults = [{ kind: "sneak", bytes: 0 }, { kind: "sneak", bytes: 2 }];
    const upload = resumableUpload("lezgi", file(), () => undefined, {
      chunkSize: 4,
      sleep: async (ms) => void delays.push(ms),
    });
    await expect(upload.promise).resolves.toMatchObject({ id: "v1" });
    expect(server.puts.map((p) => [p.offset, p.status])).toEqual([
      [0, 200],
      [4, 409],
      [6, 200],
      [10, 200],
      [14, 200],
      [18, 200],
    ]);
    expect(server.calls.filter((c) => c.method === "GET")).toHaveLength(1);
    expect(server.stored).toBe(CONTENT);
    expect(delays).toEqual([500]);
  });

  it("gives up after five failed retries in a row", async () => {
    serve(CONTENT);
    server.faults = Array.from({ length: 10 }, () => ({ kind: "drop", keep: 0 }) as Fault);
    const delays: number[] = [];
    const upload = resumableUpload("lezgi", file(), () => undefined, {
      chunkSize: 4,
      sleep: async (ms) => void delays.push(ms),
    });
    await expect(upload.promise).rejects.toThrow(/6 times in a row/);
    expect(server.puts).toHaveLength(6);
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000]);
    expect(server.calls.some((c) => c.url.endsWith("/finish"))).toBe(false);
  });

  it("does not retry a client error and reports it", async () => {
    serve(CONTENT);
    mockFetch((call) =>
      call.method === "POST"
        ? { status: 413, body: { error: "too_large", detail: "Too big.", fields: { size: ["Too big."] } } }
        : undefined,
    );
    const upload = resumableUpload("lezgi", file(), () => undefined, { chunkSize: 4 });
    const error = await upload.promise.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).fieldErrors("size")).toEqual(["Too big."]);
  });
});

describe("UploadVideoForm", () => {
  it("uploads in chunks through a dropped chunk, then shows the transcode job's progress", async () => {
    serve(CONTENT);
    server.faults = [{ kind: "sneak", bytes: 0 }, { kind: "drop", keep: 1 }];
    const uploaded = vi.fn();
    render(
      <UploadVideoForm
        slug="lezgi"
        onUploaded={uploaded}
        uploadOptions={{ chunkSize: 4, sleep: async () => undefined }}
      />,
    );
    fireEvent.change(screen.getByLabelText("Video file"), { target: { files: [file()] } });
    fireEvent.click(screen.getByRole("button", { name: "Upload" }));
    expect(screen.getByRole("progressbar", { name: "Upload" })).toBeTruthy();

    await waitFor(() => expect(uploaded).toHaveBeenCalledTimes(1));
    expect(uploaded.mock.calls[0]![0]).toMatchObject({ id: "v1", transcode_job: "job-1" });
    expect(server.stored).toBe(CONTENT);
    expect(server.puts.map((p) => p.offset)).toEqual([0, 4, 5, 9, 13, 17]);
    expect(screen.queryByRole("progressbar", { name: "Upload" })).toBeNull();
    const transcode = await screen.findByRole("progressbar", { name: "Transcode" });
    await waitFor(() => expect(transcode.getAttribute("aria-valuenow")).toBe("40"));
    expect(screen.getByTestId("transcode-progress").textContent).toContain("making a copy");
  });
});
