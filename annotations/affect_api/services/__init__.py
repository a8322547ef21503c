"""The affect services, one module per concern: what views, jobs and commands call.

Each function takes the caller's role as already checked by
:func:`fieldmark.projects.permissions.check` for the view's action, and applies the finer rules
itself (only a layer's annotator or a manager may change it).

- :mod:`.videos`, :mod:`.uploads` (resumable), :mod:`.streaming` (byte ranges),
  :mod:`.thumbnails`: the videos of a project;
- :mod:`.layers`: annotation layers, their history and realtime events;
- :mod:`.imports`, :mod:`.exports`: layers from and to EAF, CSV, EmotionML, JSON;
- :mod:`.gold` (adjudication), :mod:`.agreement`, :mod:`.schema` (the label schema),
  :mod:`.links` (utterance ↔ video time range);
- :mod:`.face_training`, :mod:`.face_coding`, :mod:`.face_review`: automatic face coding.
"""
