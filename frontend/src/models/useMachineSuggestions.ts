import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ApiError } from "../api";
import { modelsApi } from "./api";
import { liveHints, segmentHints, slotKey, storedHints, type Hints, type MachineHint } from "./machine";

/** The editor's tasks: a gloss per slot, a segmentation per unsegmented word. */
type EditorTask = "gloss" | "segment";
const FIELD: Record<EditorTask, string> = { gloss: "gloss", segment: "morphemes" };

export interface MachineSuggestions {
  hintFor: (utterance: string, word: number, morpheme: number | null) => MachineHint | undefined;
  /** Ask the active model about an utterance (once per utterance and version) if nothing is stored. */
  touch: (utterance: string, version: number, segmented: (word: number) => boolean) => void;
  accept: (utterance: string, word: number, morpheme: number | null) => void;
  reject: (utterance: string, word: number, morpheme: number | null) => void;
  reload: () => void;
  /** False when the project has no active gloss model, null until that is known. */
  available: boolean | null;
  /** The proposed cut (`x-tok`, with its glosses) of an unsegmented word, from the active
   *  segment model; accepting or dismissing it is recorded like a gloss's. */
  segmentFor: (utterance: string, word: number) => MachineHint | undefined;
  acceptSegment: (utterance: string, word: number) => void;
  rejectSegment: (utterance: string, word: number) => void;
}

type TaskSuggestions = Omit<MachineSuggestions, "segmentFor" | "acceptSegment" | "rejectSegment">;

/** Machine suggestions of one text for the IGT editor (glosses and segmentations, each from its
 *  task's active model); accept/reject are recorded. */
export function useMachineSuggestions(slug: string, textId: string, enabled: boolean): MachineSuggestions {
  const gloss = useTaskSuggestions(slug, textId, enabled, "gloss");
  const segment = useTaskSuggestions(slug, textId, enabled, "segment");
  return useMemo(
    () => ({
      ...gloss,
      touch: (utterance: string, version: number, segmented: (word: number) => boolean) => {
        gloss.touch(utterance, version, segmented);
        segment.touch(utterance, version, segmented);
      },
      reload: () => {
        gloss.reload();
        segment.reload();
      },
      segmentFor: (utterance: string, word: number) => segment.hintFor(utterance, word, null),
      acceptSegment: (utterance: string, word: number) => segment.accept(utterance, word, null),
      rejectSegment: (utterance: string, word: number) => segment.reject(utterance, word, null),
    }),
    [gloss, segment],
  );
}

function useTaskSuggestions(slug: string, textId: string, enabled: boolean, task: EditorTask): TaskSuggestions {
  const [hints, setHints] = useState<Hints>({});
  // Unknown (null) until the versions list says whether a gloss model is active: no model, no
  // `/suggestions/` request (it would only answer 409).
  const [available, setAvailable] = useState<boolean | null>(null);
  const waiting = useRef<(() => void)[]>([]);
  const [tick, setTick] = useState(0);
  const asked = useRef(new Set<string>());
  const hintsRef = useRef(hints);
  hintsRef.current = hints;

  useEffect(() => {
    if (!enabled) return;
    let live = true;
    modelsApi.versions.list(slug, task).then(
      (versions) => {
        if (live) setAvailable(versions.some((v) => v.task === task && v.status === "active"));
      },
      () => live && setAvailable(false),
    );
    return () => {
      live = false;
    };
  }, [slug, enabled, tick, task]);

  // Touches made before the answer are asked once it says a model is active.
  useEffect(() => {
    if (available === null) return;
    const queued = waiting.current;
    waiting.current = [];
    if (available) queued.forEach((ask) => ask());
  }, [available]);

  useEffect(() => {
    if (!enabled) return;
    let live = true;
    modelsApi.forText(slug, textId, task).then(
      (stored) => {
        if (live) setHints((previous) => ({ ...previous, ...storedHints(stored, FIELD[task]) }));
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [slug, textId, enabled, tick, task]);

  const touch = useCallback(
    (utterance: string, version: number, segmented: (word: number) => boolean) => {
      const key = `${utterance}@${version}`;
      if (!enabled || available === false || asked.current.has(key)) return;
      if (available === null) {
        waiting.current.push(() => touchRef.current(utterance, version, segmented));
        return;
      }
      asked.current.add(key);
      const already = Object.keys(hintsRef.current).some((k) => k.startsWith(`${utterance}:`));
      if (already) return;
      modelsApi.suggest(slug, { task, utterance, top_k: 3 }).then(
        (answer) => {
          const fresh = task === "segment" ? segmentHints(utterance, answer, segmented) : liveHints(utterance, answer, segmented);
          // Stored hints (with their accept/reject state) win over live ones.
          setHints((previous) => ({ ...fresh, ...previous }));
        },
        (error: unknown) => {
          if (error instanceof ApiError && error.code === "no_active_model") setAvailable(false);
        },
      );
    },
    [slug, enabled, available, task],
  );

  const touchRef = useRef(touch);
  touchRef.current = touch;

  const decide = useCallback(
    (utterance: string, word: number, morpheme: number | null, accepted: boolean) => {
      const key = slotKey(utterance, word, morpheme);
      const hint = hintsRef.current[key];
      if (!hint) return;
      setHints((previous) => ({ ...previous, [key]: { ...hint, status: accepted ? "accepted" : "rejected" } }));
      void modelsApi
        .feedback(slug, {
          version: hint.version,
          utterance,
          word,
          morpheme,
          field: FIELD[task],
          label: hint.label,
          p: hint.p,
          accepted,
        })
        .catch(() => undefined);
    },
    [slug, task],
  );

  const reload = useCallback(() => setTick((t) => t + 1), []);

  // One object until the hints change: the editor's rows are memoised on it.
  return useMemo(
    () => ({
      hintFor: (utterance: string, word: number, morpheme: number | null) =>
        hints[slotKey(utterance, word, morpheme)],
      touch,
      accept: (u: string, w: number, m: number | null) => decide(u, w, m, true),
      reject: (u: string, w: number, m: number | null) => decide(u, w, m, false),
      reload,
      available,
    }),
    [hints, touch, decide, reload, available],
  );
}
