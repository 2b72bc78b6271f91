# syntax=docker/dockerfile:1
# The base image is a build argument so the image can be built from a local
# base where the public registries are out of reach (docs/container.md).
ARG BASE_IMAGE=python:3.11-slim-bookworm

FROM ${BASE_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
# A throwaway venv with the locked build backend (setuptools) and pip; the
# image's venv gets neither. Every install is from a hashed lock: pip refuses
# any file whose hash is not in it, and any package it does not list.
COPY requirements/runtime.txt requirements/build.txt ./requirements/
RUN python3 -m venv /opt/build \
    && /opt/build/bin/python -m pip install --require-hashes -r requirements/build.txt \
    && python3 -m venv --without-pip /opt/venv \
    && /opt/build/bin/python -m pip --python /opt/venv/bin/python install \
        --require-hashes -r requirements/runtime.txt
# The project as a wheel built by that setuptools (no unhashed build env).
COPY pyproject.toml README.md ./
COPY app ./app
RUN /opt/build/bin/python -m pip wheel --no-deps --no-build-isolation -w /tmp/dist . \
    && /opt/build/bin/python -m pip --python /opt/venv/bin/python install --no-deps /tmp/dist/*.whl \
    && /opt/venv/bin/python -m compileall -q /opt/venv/lib

FROM ${BASE_IMAGE} AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    APP_ENV=production \
    DATABASE_URL=sqlite+aiosqlite:////app/data/gym_jobs.db
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY alembic.ini ./
COPY migrations ./migrations
RUN mkdir -p /app/data && chown app:app /app/data
USER app:app
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python3", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=3).status == 200 else 1)"]
# Exec form: uvicorn is PID 1 and gets SIGTERM; in-flight requests get 20 s.
# --http: uvicorn's httptools protocol with a header timeout (HTTP_HEADER_TIMEOUT_S).
CMD ["uvicorn", "app.main:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers", "--timeout-graceful-shutdown", "20", "--http", "app.core.slow_clients:HeaderTimeoutHttpProtocol"]
