"""Names and identifiers as Kubernetes forms them: pod-template hashes, pod suffixes, UIDs, IPs.

Kubernetes draws generated suffixes from a 27-character alphabet without vowels (so no words
appear) and encodes the pod-template hash with the same alphabet. Here the template hash is a
stable function of the Deployment's identity; pod suffixes come from the caller's seeded RNG;
everything else is derived by hashing, so one seed gives the same names on every run.
"""

from __future__ import annotations

import hashlib
import random
import uuid

SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
SUFFIX_LENGTH = 5


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def pod_template_hash(namespace: str, deployment: str) -> str:
    """A stable ``pod-template-hash`` such as ``6f7c9d5b8``: a 32-bit hash encoded digit by digit."""
    digits = str(_digest(f"template/{namespace}/{deployment}") & 0xFFFFFFFF)
    return "".join(SAFE_ALPHABET[ord(char) % len(SAFE_ALPHABET)] for char in digits)


def random_suffix(rng: random.Random) -> str:
    """Five characters from the safe alphabet, drawn from ``rng``."""
    return "".join(rng.choice(SAFE_ALPHABET) for _ in range(SUFFIX_LENGTH))


def hashed_suffix(text: str) -> str:
    """Five safe characters derived from ``text`` (for pods the scenario does not own)."""
    value = _digest(text)
    chars = []
    for _ in range(SUFFIX_LENGTH):
        value, index = divmod(value, len(SAFE_ALPHABET))
        chars.append(SAFE_ALPHABET[index])
    return "".join(chars)


def object_uid(kind: str, namespace: str, name: str) -> str:
    """A UID that is the same for the same object on every run."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"sandbox/{kind}/{namespace}/{name}"))


def gpu_uuid(node: str, gpu_index: int) -> str:
    """A GPU UUID in NVIDIA's ``GPU-xxxxxxxx-...`` form, fixed per node and GPU index."""
    return f"GPU-{uuid.uuid5(uuid.NAMESPACE_URL, f'sandbox/gpu/{node}/{gpu_index}')}"


def node_ip(node_index: int) -> str:
    """The node's InternalIP."""
    return f"10.0.{node_index // 256}.{node_index % 256}"


def pod_ip(node_index: int, slot_index: int) -> str:
    """A pod IP inside the node's pod CIDR; unique per node and slot."""
    return f"10.{64 + node_index // 256}.{node_index % 256}.{10 + slot_index}"
