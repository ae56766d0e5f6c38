"""Shared fixtures for the auth unit tests: three CAs and a client of the fake kube-apiserver."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from metrics_adapter.auth.kube_api import KubeReviewClient
from metrics_adapter.auth.testing_pki import CertificateAuthority
from tests.fakes.kube_apiserver import FakeKubeApiServer


@pytest.fixture(scope="session")
def requestheader_ca() -> CertificateAuthority:
    return CertificateAuthority.create("front-proxy-ca")


@pytest.fixture(scope="session")
def client_ca() -> CertificateAuthority:
    return CertificateAuthority.create("kubernetes-client-ca")


@pytest.fixture(scope="session")
def other_ca() -> CertificateAuthority:
    return CertificateAuthority.create("somebody-else-ca")


@pytest.fixture
def kube() -> FakeKubeApiServer:
    return FakeKubeApiServer()


@pytest.fixture
async def review_client(kube: FakeKubeApiServer) -> AsyncIterator[KubeReviewClient]:
    async with httpx.AsyncClient(base_url="https://kube.test", transport=kube.mock_transport()) as http:
        yield KubeReviewClient(http)
