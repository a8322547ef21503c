"""Automatic face coding without Django: video → faces → landmarks → features → AU, emotion and
valence/arousal predictions → suggested segments.

Stages, each its own module so the bench can time them apart:

* :mod:`.decode`: PyAV frames with stride and time range, corrupt frames reported, not fatal;
* :mod:`.landmarks`: MediaPipe face detection and the 468-point face mesh (models from the wheel);
* :mod:`.tracking`: several faces as subjects with stable ids, detection every N frames;
* :mod:`.align`: similarity alignment to a fixed crop and head pose from the mesh;
* :mod:`.features`: HOG + landmark geometry with per-subject running-median normalisation;
* :mod:`.pipeline`: the stages together, in batches;
* :mod:`.models`: scikit-learn AU / emotion / valence-arousal models, saved with skops;
* :mod:`.suggest`: smoothing and onset/apex/offset segments from per-frame predictions;
* :mod:`.transformer`: the optional image-model backend (ViT and other transformers).
"""
