"""TokenReview and SubjectAccessReview against the fake kube-apiserver: bodies, caching, errors."""

from __future__ import annotations

import json

import httpx
import pytest

from metrics_adapter.auth.authz import (
    AuthorizationDecision,
    SubjectAccessReviewAuthorizer,
    forbidden_error,
)
from metrics_adapter.auth.errors import AuthBackendError, AuthBackendUnavailable
from metrics_adapter.auth.kube_api import KubeReviewClient
from metrics_adapter.auth.request_attributes import (
    NonResourceAttributes,
    RequestAttributes,
    ResourceAttributes,
    derive_request_attributes,
)
from metrics_adapter.auth.token_review import TokenReviewAuthenticator
from metrics_adapter.auth.user import UserInfo
from tests.fakes.kube_apiserver import FakeKubeApiServer, FakeUser, allow_users

CM = "/apis/custom.metrics.k8s.io/v1beta2"
PODS_RPS = derive_request_attributes("GET", f"{CM}/namespaces/shop/pods/*/rps")
BOB = UserInfo("bob", ("devs", "system:authenticated"), uid="u-1", extra=(("scopes", ("a",)),))


class ManualClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


# --- TokenReview -------------------------------------------------------------------------------


async def test_token_review_body_and_user(kube: FakeKubeApiServer, review_client: KubeReviewClient) -> None:
    kube.tokens["t0k3n"] = FakeUser("bob", ("devs",), uid="u-1", extra={"scopes": ["a", "b"]})
    authenticator = TokenReviewAuthenticator(review_client, audiences=("https://kubernetes.default.svc",))
    user = await authenticator.authenticate_token("t0k3n")
    assert user == UserInfo("bob", ("devs",), uid="u-1", extra=(("scopes", ("a", "b")),))
    assert kube.reviews("TokenReview") == [
        {
            "apiVersion": "authentication.k8s.io/v1",
            "kind": "TokenReview",
            "spec": {"token": "t0k3n", "audiences": ["https://kubernetes.default.svc"]},
        }
    ]


async def test_token_review_rejection_is_none(
    kube: FakeKubeApiServer, review_client: KubeReviewClient
) -> None:
    assert await TokenReviewAuthenticator(review_client).authenticate_token("nope") is None


@pytest.mark.parametrize("known", [pytest.param(True, id="accepted"), pytest.param(False, id="rejected")])
async def test_token_answers_are_cached_for_the_ttl(
    kube: FakeKubeApiServer, review_client: KubeReviewClient, clock: ManualClock, known: bool
) -> None:
    if known:
        kube.tokens["tok"] = FakeUser("bob")
    authenticator = TokenReviewAuthenticator(review_client, cache_ttl=10, clock=clock)
    first = await authenticator.authenticate_token("tok")
    clock.now += 9.9
    assert await authenticator.authenticate_token("tok") == first
    assert len(kube.reviews("TokenReview")) == 1
    clock.now += 0.1
    await authenticator.authenticate_token("tok")
    assert len(kube.reviews("TokenReview")) == 2


async def test_token_review_errors_are_not_cached(
    kube: FakeKubeApiServer, review_client: KubeReviewClient, clock: ManualClock
) -> None:
    kube.tokens["tok"] = FakeUser("bob")
    authenticator = TokenReviewAuthenticator(review_client, clock=clock)
    kube.fail_with = 500
    with pytest.raises(AuthBackendUnavailable):
        await authenticator.authenticate_token("tok")
    kube.fail_with = None
    assert await authenticator.authenticate_token("tok") == UserInfo("bob")


async def test_token_for_another_audience_is_rejected(
    kube: FakeKubeApiServer, review_client: KubeReviewClient
) -> None:
    kube.tokens["tok"] = FakeUser("bob", audiences=("vault",))
    authenticator = TokenReviewAuthenticator(review_client, audiences=("servescale",))
    assert await authenticator.authenticate_token("tok") is None


async def test_answer_confirming_no_wanted_audience_is_rejected() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        review = json.loads(request.content)
        status = {"authenticated": True, "user": {"username": "bob"}, "audiences": ["something-else"]}
        return httpx.Response(201, json={**review, "status": status})

    async with httpx.AsyncClient(base_url="https://k", transport=httpx.MockTransport(handler)) as http:
        authenticator = TokenReviewAuthenticator(KubeReviewClient(http), audiences=("servescale",))
        assert await authenticator.authenticate_token("tok") is None


# --- SubjectAccessReview -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attributes", "wire_key", "wire"),
    [
        pytest.param(
            PODS_RPS,
            "resourceAttributes",
            {
                "namespace": "shop",
                "verb": "get",
                "group": "custom.metrics.k8s.io",
                "version": "v1beta2",
                "resource": "pods",
                "subresource": "rps",
                "name": "*",
            },
            id="resource",
        ),
        pytest.param(
            NonResourceAttributes("/apis", "get"),
            "nonResourceAttributes",
            {"path": "/apis", "verb": "get"},
            id="non-resource",
        ),
    ],
)
async def test_subject_access_review_body(
    kube: FakeKubeApiServer,
    review_client: KubeReviewClient,
    attributes: RequestAttributes,
    wire_key: str,
    wire: dict[str, str],
) -> None:
    kube.policy = allow_users("bob")
    decision = await SubjectAccessReviewAuthorizer(review_client).authorize(BOB, attributes)
    assert decision == AuthorizationDecision(allowed=True, reason="allowed by the test policy")
    assert kube.reviews("SubjectAccessReview") == [
        {
            "apiVersion": "authorization.k8s.io/v1",
            "kind": "SubjectAccessReview",
            "spec": {
                "user": "bob",
                "groups": ["devs", "system:authenticated"],
                "uid": "u-1",
                "extra": {"scopes": ["a"]},
                wire_key: wire,
            },
        }
    ]


async def test_system_masters_needs_no_review(
    kube: FakeKubeApiServer, review_client: KubeReviewClient
) -> None:
    aggregator = UserInfo("system:kube-aggregator", ("system:masters", "system:authenticated"))
    decision = await SubjectAccessReviewAuthorizer(review_client).authorize(aggregator, PODS_RPS)
    assert decision.allowed
    assert kube.requests == []


@pytest.mark.parametrize(
    ("allowed", "ttl_used"),
    [pytest.param(True, 10.0, id="allowed-ttl"), pytest.param(False, 3.0, id="denied-ttl")],
)
async def test_decisions_are_cached_per_outcome_ttl(
    kube: FakeKubeApiServer,
    review_client: KubeReviewClient,
    clock: ManualClock,
    allowed: bool,
    ttl_used: float,
) -> None:
    kube.policy = lambda spec: allowed
    authorizer = SubjectAccessReviewAuthorizer(review_client, allowed_ttl=10, denied_ttl=3, clock=clock)
    assert (await authorizer.authorize(BOB, PODS_RPS)).allowed is allowed
    clock.now += ttl_used - 0.01
    await authorizer.authorize(BOB, PODS_RPS)
    assert len(kube.requests) == 1
    clock.now += 0.01
    await authorizer.authorize(BOB, PODS_RPS)
    assert len(kube.requests) == 2


async def test_cache_keys_on_user_and_attributes(
    kube: FakeKubeApiServer, review_client: KubeReviewClient, clock: ManualClock
) -> None:
    kube.policy = allow_users("bob")
    authorizer = SubjectAccessReviewAuthorizer(review_client, clock=clock)
    other_metric = derive_request_attributes("GET", f"{CM}/namespaces/shop/pods/*/latency")
    assert (await authorizer.authorize(BOB, PODS_RPS)).allowed
    assert (await authorizer.authorize(BOB, other_metric)).allowed
    assert not (await authorizer.authorize(UserInfo("eve"), PODS_RPS)).allowed
    assert len(kube.requests) == 3


@pytest.mark.parametrize(
    ("fail_with", "error", "code"),
    [
        pytest.param(500, AuthBackendUnavailable, 503, id="server-error-503"),
        pytest.param(429, AuthBackendUnavailable, 503, id="throttled-503"),
        pytest.param(403, AuthBackendError, 500, id="our-rbac-missing-500"),
    ],
)
async def test_review_failures_map_to_5xx_and_are_not_cached(
    kube: FakeKubeApiServer,
    review_client: KubeReviewClient,
    clock: ManualClock,
    fail_with: int,
    error: type[Exception],
    code: int,
) -> None:
    kube.policy = allow_users("bob")
    authorizer = SubjectAccessReviewAuthorizer(review_client, clock=clock)
    kube.fail_with = fail_with
    with pytest.raises(error) as caught:
        await authorizer.authorize(BOB, PODS_RPS)
    assert getattr(caught.value, "code", None) == code
    kube.fail_with = None
    assert (await authorizer.authorize(BOB, PODS_RPS)).allowed


@pytest.mark.parametrize(
    ("attributes", "reason", "message"),
    [
        pytest.param(
            PODS_RPS,
            "",
            'pods.custom.metrics.k8s.io "*" is forbidden: User "bob" cannot get resource "pods/rps" '
            'in API group "custom.metrics.k8s.io" in the namespace "shop"',
            id="namespaced-custom-metric",
        ),
        pytest.param(
            derive_request_attributes(
                "GET", "/apis/external.metrics.k8s.io/v1beta1/namespaces/w/queue_depth"
            ),
            "no RBAC policy matched",
            'queue_depth.external.metrics.k8s.io is forbidden: User "bob" cannot list resource "queue_depth" '
            'in API group "external.metrics.k8s.io" in the namespace "w": no RBAC policy matched',
            id="external-metric-with-reason",
        ),
        pytest.param(
            ResourceAttributes(
                "get", "custom.metrics.k8s.io", "v1beta1", "nodes", name="n1", subresource="gpu"
            ),
            "",
            'nodes.custom.metrics.k8s.io "n1" is forbidden: User "bob" cannot get resource "nodes/gpu" '
            'in API group "custom.metrics.k8s.io" at the cluster scope',
            id="cluster-scope",
        ),
        pytest.param(
            NonResourceAttributes("/apis", "get"),
            "",
            'forbidden: User "bob" cannot get path "/apis"',
            id="non-resource",
        ),
    ],
)
def test_forbidden_messages_read_like_kubernetes(
    attributes: RequestAttributes, reason: str, message: str
) -> None:
    error = forbidden_error(BOB, attributes, AuthorizationDecision(False, reason))
    assert (error.code, error.reason, error.message) == (403, "Forbidden", message)
