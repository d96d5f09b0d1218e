# syntax=docker/dockerfile:1
# The production image: the same Make targets CI runs (make release/serve/worker/beat).
#   docker build -t consensus-planner .
#   docker run --env-file .env consensus-planner                 # make serve (default)
#   docker run --env-file .env consensus-planner make worker     # or make beat, make release

# --- build: the virtualenv from uv.lock (no dev tools), then the static files ----------
FROM python:3.11-slim AS build
ENV PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv UV_PYTHON=/app/.venv/bin/python UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1
WORKDIR /app
RUN python -m venv .venv && .venv/bin/pip install --no-cache-dir uv==0.13.9
COPY pyproject.toml uv.lock ./
# --inexact keeps uv itself in the virtualenv, where the Makefile expects it.
RUN .venv/bin/uv sync --frozen --no-dev --inexact --no-install-project --no-cache
COPY . .
# collectstatic needs settings, not the services: placeholders for the build step only.
RUN DEBUG=0 SECRET_KEY=build-only-placeholder-never-used-at-run-time-0123456789 \
    ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.sqlite3 REDIS_URL=redis://build:6379/0 \
    .venv/bin/python manage.py collectstatic --noinput \
 && .venv/bin/python -m compileall -q \
    accounts api charts config content csvio digests kits planner scoring suggestions workspace \
 && touch .venv/.installed

# --- run: slim, non-root, read-only friendly -------------------------------------------
FROM python:3.11-slim AS run
RUN apt-get update \
 && apt-get install -y --no-install-recommends make \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system app && useradd --system --gid app --home-dir /app app
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 PORT=8000 HOST=0.0.0.0 \
    DEBUG=0 PATH=/app/.venv/bin:$PATH
WORKDIR /app
COPY --from=build --chown=root:root /app /app
# The code is read-only to the app user; var/ (collected static, local media when no
# bucket is set) is its own. `make serve` checks that the virtualenv is up to date: it is.
RUN mkdir -p /app/var/media && chown -R app:app /app/var && touch /app/.venv/.installed
USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import os, urllib.request as r; r.urlopen('http://127.0.0.1:' + os.environ['PORT'] + '/healthz/live', timeout=4)"
CMD ["make", "serve"]
