# The production image: gunicorn serving the portal, static files by WhiteNoise. Used by docker-compose.yml.
FROM python:3.11-slim-bookworm

RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
       libmagic1 fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 portal
WORKDIR /app
COPY pyproject.toml README.md ./
COPY portal portal
COPY suppliers suppliers
COPY calloffs calloffs
COPY grants grants
RUN pip install --no-cache-dir .
COPY . .
RUN DEBUG=false SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost python manage.py collectstatic --no-input \
    && mkdir -p /data/private-files && chown portal /data/private-files

USER portal
ENV DEBUG=false PRIVATE_FILES_ROOT=/data/private-files
EXPOSE 8000
# Workers, timeout and recycling: gunicorn.conf.py (README, "Performance"); WEB_CONCURRENCY sets the workers.
CMD ["gunicorn", "portal.wsgi:application", "--config", "gunicorn.conf.py"]
