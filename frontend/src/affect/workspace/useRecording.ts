import { useEffect, useRef, type RefObject } from "react";
import type { PadValue } from "../components/AffectPad";
import type { OwnLayer } from "../hooks/useOwnLayer";
import { frameAt } from "../timeline";
import { emptyTrace, fillFrames } from "../traces";

/**
 * While `active` (V held, video playing, may edit), write the pad's point into the valence and
 * arousal traces, one value per frame shown. The buffers are copied once per recording run.
 */
export function useRecording(
  active: boolean,
  videoRef: RefObject<HTMLVideoElement | null>,
  pad: RefObject<PadValue | null>,
  own: OwnLayer,
  fps: number,
  frameCount: number,
): void {
  const ownRef = useRef(own);
  ownRef.current = own;
  useEffect(() => {
    const el = videoRef.current;
    if (!active || !el) return;
    const { draft, edit } = ownRef.current;
    const copy = (name: string) =>
      (draft.traces[name]?.fps === fps ? draft.traces[name]!.values.slice() : null) ??
      emptyTrace(fps, frameCount).values;
    const valence = copy("valence");
    const arousal = copy("arousal");
    let last: number | null = null;
    let handle = requestAnimationFrame(function tick() {
      const position = pad.current;
      const frame = frameAt(el.currentTime * 1000, fps);
      if (position && frame !== last) {
        fillFrames(valence, fps, last, frame, position.valence);
        fillFrames(arousal, fps, last, frame, position.arousal);
        last = frame;
        edit(
          (current) => ({
            traces: {
              ...current.traces,
              valence: { fps, values: valence },
              arousal: { fps, values: arousal },
            },
          }),
          { traces: true },
        );
      }
      handle = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(handle);
  }, [active, videoRef, pad, fps, frameCount]);
}
