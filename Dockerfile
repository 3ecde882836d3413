# The portal's image: gunicorn for the web service, the same image runs the Celery worker.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# WeasyPrint renders with Pango; fonts for the PDF; gettext for the catalogues.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
      libharfbuzz-subset0 fonts-dejavu-core gettext curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --upgrade pip && pip install .
COPY . .
# collectstatic reads the production settings, so it gets stand-ins for what they require; the
# real values come from the environment the container runs with (docker-compose.yml)
RUN DJANGO_ENV=production SECRET_KEY=build-only-not-secret ALLOWED_HOSTS=build \
    SITE_URL=https://build.invalid EMAIL_URL=smtp://build.invalid:25 PORTAL_OWNER=build \
    PRIVACY_CONTROLLER_CONTACT=build@build.invalid PRIVACY_DPO_CONTACT=build@build.invalid \
    python manage.py collectstatic --noinput \
 && useradd --create-home --uid 1000 patto \
 && mkdir -p /app/media && chown -R patto /app/media
USER patto

EXPOSE 8000
# workers, threads and keep-alive: gunicorn.conf.py
CMD ["gunicorn", "patto.wsgi:application", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
