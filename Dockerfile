# syntax=docker/dockerfile:1
# LeDeR image: gunicorn by default; the same image runs the Celery worker and beat
# (docker-compose.yml). Build: docker build -t leder .

# --- Stage 1: the NHS.UK frontend from npm, as pinned by package-lock.json -----------------
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# --- Stage 2: the application -------------------------------------------------------------
FROM python:3.11-slim-bookworm AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app

# WeasyPrint (PDF reports) needs Pango and HarfBuzz, and fonts to draw text with.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libjpeg62-turbo \
        fonts-dejavu-core fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --user-group --uid 10001 --home-dir /app --shell /usr/sbin/nologin leder
WORKDIR /app

# Dependencies first, from pyproject.toml alone, so this layer is rebuilt only when the pins
# change. (No package source is copied yet, so `pip install .` installs the pinned
# dependencies; the code itself runs from /app, on PYTHONPATH, next to templates/ and static/.)
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .
COPY --from=assets /build/node_modules/nhsuk-frontend/dist node_modules/nhsuk-frontend/dist

# Hashed, compressed static files served by whitenoise. The settings need these variables
# to load; the values are placeholders and nothing connects anywhere during the build.
RUN DJANGO_SETTINGS_MODULE=leder.settings.production \
    DJANGO_SECRET_KEY=build-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz \
    DJANGO_ALLOWED_HOSTS=localhost \
    LEDER_SITE_URL=https://localhost \
    DATABASE_URL=postgres://build@localhost/build \
    REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput -v 0

# var/ holds the Celery beat schedule; uploads live in LEDER_MEDIA_ROOT (a shared volume).
RUN mkdir -p /app/var /var/lib/leder/media \
    && chown -R leder:leder /app/var /var/lib/leder

USER leder
ENV DJANGO_SETTINGS_MODULE=leder.settings.production \
    LEDER_MEDIA_ROOT=/var/lib/leder/media
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-m", "leder.healthcheck", "web"]
# The Procfile's web process, word for word.
CMD exec gunicorn leder.wsgi --bind ${LEDER_BIND_HOST:-0.0.0.0}:${PORT:-8000} --workers ${WEB_CONCURRENCY:-3} --timeout 60 --no-control-socket --access-logfile - --access-logformat '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
