import { useCallback, useEffect, useRef, useState, type RefObject } from "react";
import { frameAt, frameSeekSeconds } from "../timeline";

export interface Player {
  videoRef: RefObject<HTMLVideoElement | null>;
  currentMs: number;
  playing: boolean;
  rate: number;
  setRate: (rate: number) => void;
  setPlaying: (playing: boolean) => void;
  syncTime: () => void;
  seekMs: (ms: number) => void;
  stepFrames: (frames: number) => void;
  togglePlay: () => void;
  /** The frame under the playhead, read from the element when it is there. */
  currentFrame: () => number;
}

/** The `<video>` element's clock and transport, frame-exact at the video's rate. */
export function usePlayer(
  fps: number,
  durationMs: number,
  frameCount: number,
  onError: (message: string) => void,
): Player {
  const videoRef = useRef<HTMLVideoElement>(null);
  const [currentMs, setCurrentMs] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [rate, setRate] = useState(1);

  const syncTime = useCallback(() => {
    const el = videoRef.current;
    if (el) setCurrentMs(el.currentTime * 1000);
  }, []);

  useEffect(() => {
    if (!playing) return;
    let frame = requestAnimationFrame(function tick() {
      syncTime();
      frame = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(frame);
  }, [playing, syncTime]);

  useEffect(() => {
    if (videoRef.current) videoRef.current.playbackRate = rate;
  }, [rate]);

  const seekMs = useCallback(
    (ms: number) => {
      const el = videoRef.current;
      const clamped = Math.min(durationMs, Math.max(0, ms));
      if (el) el.currentTime = clamped / 1000;
      setCurrentMs(clamped);
    },
    [durationMs],
  );

  const currentFrame = () =>
    frameAt((videoRef.current?.currentTime ?? currentMs / 1000) * 1000, fps);

  const stepFrames = (frames: number) => {
    const el = videoRef.current;
    if (!el) return;
    el.pause();
    const target = Math.min(frameCount - 1, Math.max(0, currentFrame() + frames));
    el.currentTime = frameSeekSeconds(target, fps);
    setCurrentMs(el.currentTime * 1000);
  };

  const togglePlay = () => {
    const el = videoRef.current;
    if (!el) return;
    if (el.paused) el.play().catch((reason: unknown) => onError(String(reason)));
    else el.pause();
  };

  return {
    videoRef,
    currentMs,
    playing,
    rate,
    setRate,
    setPlaying,
    syncTime,
    seekMs,
    stepFrames,
    togglePlay,
    currentFrame,
  };
}
