"""The face pipeline's version: what stored features, tracks and models were made with. Its own
module so that the web process can name it without importing the pipeline (OpenCV, MediaPipe,
PyAV)."""

PIPELINE_VERSION = "mp0.10.21-hog8x16-geom468-median200-v2"
