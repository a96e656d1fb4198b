# ispbill production image: one image for web (gunicorn), Celery worker and beat, FreeRADIUS; docker-compose.yml
# picks the command. Settings come from the environment (.env.example).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint's native libraries (Pango, HarfBuzz subsetting) and a monospace font for a contract's
# hash, pg_dump/pg_restore (15, as the db service) for `manage.py backup`; the documents' Latin
# and Bengali fonts are shipped in static/vendor/ (ispbill/core/pdf.py). FreeRADIUS 3.2 with its
# PostgreSQL driver for the `radius` service (`manage.py radius_serve`, docs/radius.md); its Debian
# service is never started in the container.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
        postgresql-client freeradius freeradius-postgresql \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# The runtime dependencies of pyproject.toml at exactly the versions of the tested lock; the lock's
# development tools (pytest, Playwright, pip-tools) stay out of the image.
COPY requirements.lock pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/runtime.txt \
    && pip install -c requirements.lock -r /tmp/runtime.txt \
    && rm /tmp/runtime.txt

COPY . .

# Static files with hashed names, served by WhiteNoise from the image.
RUN STATIC_MANIFEST=true python manage.py collectstatic --noinput \
    && useradd --system --uid 1000 --home-dir /app --no-create-home ispbill \
    && mkdir -p var/media var/raddb/var var/raddb-2/var /backups \
    && chown -R ispbill:ispbill var /backups

USER ispbill
# Production by default: without SECRET_KEY and FIELD_ENCRYPTION_KEYS the container refuses to start.
ENV DJANGO_DEBUG=false \
    STATIC_MANIFEST=true
EXPOSE 8000 1812/udp 1813/udp

CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
