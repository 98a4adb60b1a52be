# One image for every process of docker-compose.yml: api, worker, beat and the migrate job.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
# The metadata first, so the dependency layer is rebuilt only when pyproject.toml changes.
COPY pyproject.toml README.md ./
RUN python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep=chr(10))" > /tmp/requirements.txt
RUN pip install -r /tmp/requirements.txt

COPY dispatch ./dispatch
COPY routing ./routing
COPY api ./api
COPY workers ./workers
RUN pip install --no-deps . && rm -rf /src/build

# Never run as root; /var/lib/dispatch holds beat's schedule (a volume in compose).
RUN useradd --create-home --uid 1000 dispatch \
    && mkdir -p /var/lib/dispatch/beat \
    && chown -R dispatch:dispatch /var/lib/dispatch
USER dispatch
WORKDIR /var/lib/dispatch

EXPOSE 8000
CMD ["dispatch", "serve", "--host", "0.0.0.0", "--port", "8000"]
