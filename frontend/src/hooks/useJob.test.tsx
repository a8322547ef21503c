import { act, renderHook } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Job } from "../api";
import { mockFetch } from "../test/http";
import { useJob } from "./useJob";

const JOB_ID = "4f7c2a57-0a8e-4d3c-9a57-6f1d2a1b9c01";

function job(state: Job["state"], progress: number): Job {
  return {
    id: JOB_ID,
    project: "ainu",
    kind: "import",
    state,
    progress,
    message: "",
    result: null,
    error: null,
    created_at: "2026-01-01T00:00:00Z",
    started_at: null,
    finished_at: null,
  };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** Let pending promise callbacks (fetch, JSON parsing) run. */
const flush = () => act(async () => vi.advanceTimersByTimeAsync(0));

describe("useJob", () => {
  it("polls until the job reaches a final state", async () => {
    const replies = [job("queued", 0), job("running", 0.5), job("succeeded", 1)];
    const calls = mockFetch(() => ({ status: 200, body: replies.shift() }));
    const { result } = renderHook(() => useJob(JOB_ID, { intervalMs: 500 }));

    await flush();
    expect(result.current.job?.state).toBe("queued");
    expect(result.current.done).toBe(false);

    await act(async () => vi.advanceTimersByTimeAsync(500));
    expect(result.current.job?.progress).toBe(0.5);

    await act(async () => vi.advanceTimersByTimeAsync(500));
    expect(result.current.job?.state).toBe("succeeded");
    expect(result.current.done).toBe(true);

    await act(async () => vi.advanceTimersByTimeAsync(5000));
    expect(calls).toHaveLength(3);
    expect(calls[0]!.url).toBe(`/api/v1/jobs/${JOB_ID}/`);
  });

  it("gives up on a 404 but retries server errors", async () => {
    const replies = [
      { status: 503, body: { error: "unavailable", detail: "Try later.", fields: {} } },
      { status: 404, body: { error: "not_found", detail: "No such job.", fields: {} } },
    ];
    const calls = mockFetch(() => replies.shift());
    const { result } = renderHook(() => useJob(JOB_ID, { intervalMs: 100 }));

    await flush();
    expect(result.current.done).toBe(false);
    expect(result.current.error).toMatchObject({ status: 503 });

    await act(async () => vi.advanceTimersByTimeAsync(200));
    expect(result.current.done).toBe(true);
    expect(result.current.error).toMatchObject({ status: 404 });

    await act(async () => vi.advanceTimersByTimeAsync(5000));
    expect(calls).toHaveLength(2);
  });

  it("does nothing without a job id", async () => {
    const calls = mockFetch(() => undefined);
    const { result } = renderHook(() => useJob(null));

    await flush();
    expect(result.current).toEqual({ job: null, error: null, done: true });
    expect(calls).toHaveLength(0);
  });
});
