#!/usr/bin/env bash
# Build the ServeScale image without a registry or a container daemon: buildah with the vfs storage
# driver and chroot isolation, on a base root filesystem that mmdebstrap makes from Debian's own
# packages (python3, python3-venv, ca-certificates). Needs root (or a user namespace), buildah and
# mmdebstrap (Debian: apt-get install buildah mmdebstrap). The wheels stage reaches PyPI.
#
#   scripts/build-image.sh [IMAGE]     # default localhost/servescale:<version>
set -euo pipefail
cd "$(dirname "$0")/.."

export STORAGE_DRIVER=vfs BUILDAH_ISOLATION=chroot
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
IMAGE=${1:-localhost/servescale:${VERSION}}
BASE=localhost/servescale-python-base:bookworm
SUITE=bookworm
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

for tool in buildah mmdebstrap; do
    command -v "$tool" >/dev/null || { echo "error: $tool is not installed (apt-get install buildah mmdebstrap)" >&2; exit 1; }
done

if ! buildah inspect --type image "$BASE" >/dev/null 2>&1; then
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    echo "== base: mmdebstrap $SUITE (python3, python3-venv, ca-certificates) -> $BASE"
    mmdebstrap --quiet --variant=minbase --include=python3,python3-venv,ca-certificates \
        --aptopt='APT::Install-Recommends "false"' \
        --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
        "$SUITE" "$work/rootfs.tar" "$MIRROR"
    container=$(buildah from scratch)
    buildah add --quiet "$container" "$work/rootfs.tar" / >/dev/null
    buildah config --env PATH=/usr/local/bin:/usr/bin:/bin --cmd /usr/bin/python3 "$container"
    buildah commit --quiet --rm "$container" "$BASE" >/dev/null
fi

echo "== build: $IMAGE from $BASE"
# Trust what this host trusts while fetching wheels (a TLS-intercepting proxy's CA included).
CA_BUNDLE=${PIP_CERT:-${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}}
buildah build --pull=never --layers=false \
    --secret id=pip-ca,src="$CA_BUNDLE" \
    --build-arg PYTHON_IMAGE="$BASE" \
    --build-arg VERSION="$VERSION" \
    --build-arg REVISION="$(git rev-parse HEAD 2>/dev/null || echo unknown)" \
    --tag "$IMAGE" .
buildah inspect --type image --format '{{.FromImageID}}' "$IMAGE" >/dev/null
echo "built $IMAGE"
