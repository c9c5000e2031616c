# The portal's image: web (gunicorn), worker and beat all run from it; see docker-compose.yml.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# A home of its own: gunicorn keeps its control socket there.
RUN groupadd --system app \
    && useradd --system --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Settings refuse to load without a secret key and allowed hosts when DEBUG is off. These values
# exist only for this step and are not in the image's environment; the runtime ones come from .env.
RUN DJANGO_DEBUG=false \
    DJANGO_SECRET_KEY=build-only-key-for-collectstatic-never-used-to-serve-the-portal \
    DJANGO_ALLOWED_HOSTS=localhost \
    SEFTON_VAR_DIR=/tmp/build-var \
    python manage.py collectstatic --no-input \
    && rm -rf /tmp/build-var

# The code stays owned by root, so the running portal cannot change it; var/ (uploads and the
# scheduler's state, a volume in docker compose) is the only place it writes.
RUN mkdir -p /app/var && chown app:app /app/var
USER app

EXPOSE 8000
CMD ["gunicorn", "sefton_safety.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
