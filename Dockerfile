# Fieldmark container image.
#
# Stages (the last one, `runtime`, is the default target):
#   oxigraph  the upstream Oxigraph server plus a static busybox, only so that compose can
#             health-check it (the upstream image is distroless: no shell, no wget). First, so
#             that `--target oxigraph` does not build the others with the classic builder.
#   frontend  node:20 builds frontend/dist
#   build     python:3.11 installs the app and its dependencies into /opt/venv
#   runtime   python:3.11-slim, non-root, /opt/venv + the source tree + frontend/dist
#
# Works with the classic builder (Debian's docker-compose 1.29 builds without BuildKit):
# no heredocs, no RUN --mount.
#
# Build arguments:
#   PIP_EXTRAS       optional extras of pyproject.toml, e.g. "ml" (torch, transformers)
#   EXTRA_INDEX_URL  an extra pip index, e.g. https://download.pytorch.org/whl/cpu for
#                    CPU-only torch; leave empty for PyPI (whose Linux torch wheels are CUDA builds)
#   OXIGRAPH_IMAGE   the upstream Oxigraph server image for the `oxigraph` stage

ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG NODE_IMAGE=node:20-bookworm-slim
ARG OXIGRAPH_IMAGE=ghcr.io/oxigraph/oxigraph:0.5.13
ARG BUSYBOX_IMAGE=busybox:1.36.1-musl

# --- oxigraph (used by docker-compose.yml's `oxigraph` service) -------------------------------
FROM ${BUSYBOX_IMAGE} AS busybox
FROM ${OXIGRAPH_IMAGE} AS oxigraph
COPY --from=busybox /bin/busybox /usr/local/bin/busybox
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=5 \
    CMD ["/usr/local/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:7878/query?query=ASK%7B%7D"]

# --- frontend ---------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build && test -d dist

# --- build: the app and its dependencies in a virtual environment -----------------------------
FROM ${PYTHON_IMAGE} AS build
ARG PIP_EXTRAS=""
ARG EXTRA_INDEX_URL=""
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY . .
RUN pip install --upgrade pip setuptools wheel \
 && pip install ${EXTRA_INDEX_URL:+--extra-index-url "$EXTRA_INDEX_URL"} ".${PIP_EXTRAS:+[$PIP_EXTRAS]}"

# --- runtime ----------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime
ARG APP_UID=10001
ARG APP_GID=10001

# PYTHONPATH=/app: every process (manage.py, the web server, celery) imports the same copy of the code,
# the one in /app, so settings.BASE_DIR is /app and frontend/dist is found there. The copy that
# `pip install .` put into /opt/venv only matters for tools run outside /app.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=fieldmark.settings \
    FIELDMARK_VAR_DIR=/var/lib/fieldmark \
    MEDIA_ROOT=/var/lib/fieldmark/media \
    STATIC_ROOT=/app/staticfiles \
    FIELDMARK_EMBEDDED=0 \
    DEBUG=0

RUN groupadd --system --gid ${APP_GID} fieldmark \
 && useradd --system --uid ${APP_UID} --gid fieldmark --home-dir /app --shell /usr/sbin/nologin fieldmark \
 && mkdir -p /app /var/lib/fieldmark/media \
 && chown -R fieldmark:fieldmark /var/lib/fieldmark

COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY . /app
COPY --from=frontend /src/frontend/dist /app/frontend/dist

# Static files are collected into the image so that it serves them on its own; the web command
# collects again at start-up (quick: nothing has changed). The key is a throw-away one for this
# step only; the running container reads SECRET_KEY or SECRET_KEY_FILE.
RUN SECRET_KEY=collectstatic-build-only-not-a-secret \
    python manage.py collectstatic --noinput --verbosity 0 \
 && chown -R fieldmark:fieldmark /app/staticfiles \
 && rm -f /var/lib/fieldmark/secret_key

USER fieldmark
EXPOSE 8000

# GET /api/health: 200 when every component is ok, 503 otherwise. The Host header is the first
# ALLOWED_HOSTS entry so that Django does not answer 400 (DisallowedHost) for 127.0.0.1.
HEALTHCHECK --interval=30s --timeout=10s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request\nhosts = [h.strip() for h in os.environ.get('ALLOWED_HOSTS', 'localhost').split(',') if h.strip()]\nhost = next((h.lstrip('.') for h in hosts if h != '*'), 'localhost')\nreq = urllib.request.Request('http://127.0.0.1:8000/api/health', headers={'Host': host})\ntry:\n    sys.exit(0 if urllib.request.urlopen(req, timeout=8).status == 200 else 1)\nexcept Exception as exc:\n    print(exc)\n    sys.exit(1)\n"]

CMD ["sh", "-c", "python manage.py migrate --noinput && python manage.py ensure_indexes && python manage.py collectstatic --noinput && exec python -m fieldmark.webserver --host 0.0.0.0 --port 8000"]
