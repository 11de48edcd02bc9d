# Lextime: the HTTP API, pointed at an external PostgreSQL by DATABASE_URL (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LEXTIME_LOG_FORMAT=json \
    LEXTIME_DATA_DIR=/var/lib/lextime

WORKDIR /app
COPY pyproject.toml README.md openapi.yaml ./
COPY service ./service
COPY sql ./sql
# Editable, so that the package finds sql/ and openapi.yaml beside it as in a checkout.
RUN pip install -e . \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin lextime \
 && install -d -o lextime -g lextime /var/lib/lextime
USER lextime

EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]
# Exec form: lextime is PID 1 and gets SIGTERM from `docker stop` itself, and shuts down gracefully.
CMD ["lextime", "serve", "--host", "0.0.0.0", "--port", "8000"]
