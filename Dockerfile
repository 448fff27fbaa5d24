# The kvonce-trace container image: built on Debian 12, run on debian:12-slim with only the
# runtime libraries and CA certificates, as a non-root user.
#   docker build --build-arg KVONCE_GIT_COMMIT="$(git rev-parse HEAD)" -t kvonce-trace .
#   docker run --rm kvonce-trace                     (verifies the embedded sample)
#   docker run --rm -v "$PWD:/work" -w /work kvonce-trace verify -i payload.json -d out
# .github/workflows/release.yml builds it for linux/amd64 and linux/arm64 and pushes it to GHCR.
ARG BUILD_IMAGE=debian:12
ARG RUNTIME_IMAGE=debian:12-slim

FROM ${BUILD_IMAGE} AS build
COPY packaging/build-packages /tmp/build-packages
RUN apt-get update -qq \
 && grep -v '^#' /tmp/build-packages | DEBIAN_FRONTEND=noninteractive \
      xargs apt-get install -y -qq --no-install-recommends \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
ARG KVONCE_GIT_COMMIT=unknown
RUN cmake --preset release -DKVONCE_BUILD_TESTS=OFF -DKVONCE_BUILD_BENCH=OFF \
      -DKVONCE_GIT_COMMIT="${KVONCE_GIT_COMMIT}" >/dev/null \
 && cmake --build --preset release --target kvonce-trace-dist \
 && DESTDIR=/out cmake --install build/release --component runtime --prefix /usr/local

FROM ${RUNTIME_IMAGE}
COPY packaging/runtime-packages /tmp/runtime-packages
RUN apt-get update -qq \
 && grep -v '^#' /tmp/runtime-packages | DEBIAN_FRONTEND=noninteractive \
      xargs apt-get install -y -qq --no-install-recommends \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages \
 && useradd --system --uid 10001 --user-group --create-home --home-dir /home/kvonce kvonce
COPY --from=build /out/usr/local/ /usr/local/
USER 10001:10001
WORKDIR /home/kvonce
ENTRYPOINT ["kvonce-trace"]

ARG KVONCE_GIT_COMMIT=unknown
ARG VERSION=dev
ARG SOURCE=https://github.com/OWNER/kvonce-trace
LABEL org.opencontainers.image.title="kvonce-trace" \
      org.opencontainers.image.description="Proves from OpenTelemetry traces that a KvOnce service follows its specification" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${KVONCE_GIT_COMMIT}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.documentation="${SOURCE}#readme" \
      org.opencontainers.image.base.name="docker.io/library/debian:12-slim"
