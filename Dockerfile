# ispbill production image: one image for web (gunicorn), Celery worker and beat; docker-compose.yml
# picks the command. Settings come from the environment (.env.example).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint's native libraries (Pango, HarfBuzz subsetting) and fonts with Latin and Bengali glyphs
# for invoices, receipts and contracts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-noto-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# The whole locked tree, exactly as tested. The lock's index lines point at a development machine's
# local mirrors: drop them so pip uses PyPI.
COPY requirements.lock ./
RUN grep -v '^--' requirements.lock > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .

# Static files with hashed names, served by WhiteNoise from the image.
RUN STATIC_MANIFEST=true python manage.py collectstatic --noinput \
    && useradd --system --uid 1000 --home-dir /app --no-create-home ispbill \
    && mkdir -p var/media \
    && chown -R ispbill:ispbill var

USER ispbill
# Production by default: without SECRET_KEY and FIELD_ENCRYPTION_KEYS the container refuses to start.
ENV DJANGO_DEBUG=false \
    STATIC_MANIFEST=true
EXPOSE 8000

CMD ["gunicorn", "ispbill.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
