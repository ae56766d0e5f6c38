# ServeScale: `servescale` as the entrypoint, e.g. `serve --prometheus-url ...` (deploy/ runs it so).
#
# Stage 1 builds wheels for the project and its pinned dependencies (constraints.txt) and installs
# them into a virtual environment; stage 2 copies only that environment onto the same slim Python
# base: no compilers, pip caches, sources or tests. Runs as UID/GID 65532 and writes nothing outside
# /tmp and the mounted certificate directory, so a read-only root filesystem works.
#
# PYTHON_IMAGE: any Debian-based image with python3 (3.11+) and its venv module at the same path
# in both stages; `make image` passes one built offline from Debian packages (scripts/build-image.sh).
ARG PYTHON_IMAGE=docker.io/library/python:3.11.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
COPY pyproject.toml constraints.txt README.md ./
COPY servescale/ servescale/
COPY metrics_adapter/ metrics_adapter/
COPY autoscaler/ autoscaler/
COPY slo/ slo/
COPY alerts/ alerts/
COPY dashboards/ dashboards/
# A build behind a TLS-intercepting proxy passes its CA bundle as the secret pip-ca (never stored
# in a layer): `--secret id=pip-ca,src=/etc/ssl/certs/ca-certificates.crt`.
RUN --mount=type=secret,id=pip-ca \
    if [ -s /run/secrets/pip-ca ]; then export PIP_CERT=/run/secrets/pip-ca; fi \
    && python3 -m venv /opt/servescale \
    && /opt/servescale/bin/pip wheel --wheel-dir /wheels -c constraints.txt . \
    && /opt/servescale/bin/pip install --no-index --find-links /wheels servescale \
    && /opt/servescale/bin/pip uninstall --yes pip \
    && /opt/servescale/bin/servescale --version

FROM ${PYTHON_IMAGE}
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="servescale" \
      org.opencontainers.image.description="Custom and external metrics API for ML model serving on Kubernetes, fed from Prometheus" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /opt/servescale /opt/servescale
ENV PATH=/opt/servescale/bin:/usr/local/bin:/usr/bin:/bin \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MPLCONFIGDIR=/tmp/matplotlib
WORKDIR /tmp
USER 65532:65532
EXPOSE 6443 8080
ENTRYPOINT ["/opt/servescale/bin/servescale"]
CMD ["--help"]
