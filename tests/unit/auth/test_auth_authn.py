"""Who a request is: front proxy headers, client certificates, bearer tokens, or 401."""

from __future__ import annotations

import pytest

from metrics_adapter.auth.authn import RequestAuthenticator, RequestCredentials, bearer_token
from metrics_adapter.auth.errors import Unauthorized
from metrics_adapter.auth.front_proxy import FrontProxyAuthenticator, FrontProxyOutcome, Headers
from metrics_adapter.auth.peer import CaBundle, PeerCertificate, peer_certificate_from_der
from metrics_adapter.auth.settings import RequestHeaderSettings
from metrics_adapter.auth.testing_pki import CertificateAuthority
from metrics_adapter.auth.user import AUTHENTICATED_GROUP, AuthMethod, UserInfo

HPA = "system:serviceaccount:kube-system:horizontal-pod-autoscaler"


def bundle(*cas: CertificateAuthority) -> CaBundle:
    return CaBundle(tuple(ca.certificate for ca in cas), source="test")


def peer(ca: CertificateAuthority, cn: str, *orgs: str) -> PeerCertificate:
    return peer_certificate_from_der(ca.issue_client(cn, organizations=orgs).der())


def settings(**overrides: object) -> RequestHeaderSettings:
    return RequestHeaderSettings(client_ca_file=None, **overrides)  # type: ignore[arg-type]


class StaticTokens:
    def __init__(self, users: dict[str, UserInfo]) -> None:
        self.users = users
        self.seen: list[str] = []

    async def authenticate_token(self, token: str) -> UserInfo | None:
        self.seen.append(token)
        return self.users.get(token)


PROXY_HEADERS: Headers = [
    ("x-remote-user", HPA),
    ("x-remote-group", "system:serviceaccounts"),
    ("x-remote-group", "system:serviceaccounts:kube-system"),
    ("x-remote-extra-authentication.kubernetes.io%2fpod-name", "kcm-0"),
    ("x-remote-extra-scopes", "a"),
    ("x-remote-extra-scopes", "b"),
]


def test_peer_certificate_exposes_subject_and_issuer(client_ca: CertificateAuthority) -> None:
    alice = peer(client_ca, "alice", "dev", "ops")
    assert (alice.common_name, alice.organizations) == ("alice", ("dev", "ops"))
    assert alice.issuer == "CN=kubernetes-client-ca"


def test_ca_bundle_recognises_only_certificates_it_signed(
    requestheader_ca: CertificateAuthority, other_ca: CertificateAuthority
) -> None:
    assert bundle(requestheader_ca).issued(peer(requestheader_ca, "front-proxy-client"))
    assert not bundle(requestheader_ca).issued(peer(other_ca, "front-proxy-client"))
    assert bundle(other_ca, requestheader_ca).issued(peer(requestheader_ca, "x"))


def test_ca_bundle_rejects_same_name_different_key(requestheader_ca: CertificateAuthority) -> None:
    impostor = CertificateAuthority.create("front-proxy-ca")  # same subject, other key
    assert not bundle(requestheader_ca).issued(peer(impostor, "front-proxy-client"))


@pytest.mark.parametrize(
    ("allowed", "cn", "headers", "outcome"),
    [
        pytest.param(
            ("front-proxy-client",),
            "front-proxy-client",
            PROXY_HEADERS,
            FrontProxyOutcome.AUTHENTICATED,
            id="allowed-name",
        ),
        pytest.param(
            (), "anything", PROXY_HEADERS, FrontProxyOutcome.AUTHENTICATED, id="no-allowed-names-any-cn"
        ),
        pytest.param(
            ("front-proxy-client",),
            "mallory",
            PROXY_HEADERS,
            FrontProxyOutcome.NAME_NOT_ALLOWED,
            id="name-not-allowed",
        ),
        pytest.param(
            ("front-proxy-client",),
            "front-proxy-client",
            [("x-remote-group", "g")],
            FrontProxyOutcome.NO_USERNAME,
            id="no-username-header",
        ),
        pytest.param(
            ("front-proxy-client",),
            "front-proxy-client",
            [("x-remote-user", "  ")],
            FrontProxyOutcome.NO_USERNAME,
            id="blank-username",
        ),
    ],
)
def test_front_proxy_outcomes(
    requestheader_ca: CertificateAuthority,
    allowed: tuple[str, ...],
    cn: str,
    headers: Headers,
    outcome: FrontProxyOutcome,
) -> None:
    proxy = FrontProxyAuthenticator(bundle(requestheader_ca), settings(allowed_names=allowed))
    assert proxy.authenticate(peer(requestheader_ca, cn), headers).outcome is outcome


def test_front_proxy_ignores_certificates_from_other_cas(
    requestheader_ca: CertificateAuthority, client_ca: CertificateAuthority
) -> None:
    proxy = FrontProxyAuthenticator(bundle(requestheader_ca), settings())
    assert proxy.authenticate(None, PROXY_HEADERS).outcome is FrontProxyOutcome.NOT_FRONT_PROXY
    result = proxy.authenticate(peer(client_ca, "front-proxy-client"), PROXY_HEADERS)
    assert result.outcome is FrontProxyOutcome.NOT_FRONT_PROXY


def test_front_proxy_reads_user_groups_extra(requestheader_ca: CertificateAuthority) -> None:
    proxy = FrontProxyAuthenticator(bundle(requestheader_ca), settings(allowed_names=("front-proxy-client",)))
    result = proxy.authenticate(peer(requestheader_ca, "front-proxy-client"), PROXY_HEADERS)
    assert result.user == UserInfo(
        name=HPA,
        groups=("system:serviceaccounts", "system:serviceaccounts:kube-system"),
        extra=(("authentication.kubernetes.io/pod-name", ("kcm-0",)), ("scopes", ("a", "b"))),
    )


def test_front_proxy_honours_configured_header_names(requestheader_ca: CertificateAuthority) -> None:
    custom = settings(
        username_headers=("X-User", "X-Remote-User"),
        group_headers=("X-Groups",),
        extra_headers_prefixes=("X-Extra-",),
        uid_headers=("X-Remote-Uid",),
    )
    headers: Headers = [
        ("x-remote-user", "second"),
        ("x-user", "first"),
        ("x-remote-group", "ignored"),
        ("x-groups", "g1"),
        ("x-extra-team", "ml"),
        ("x-remote-extra-ignored", "v"),
        ("x-remote-uid", "1234"),
    ]
    result = FrontProxyAuthenticator(bundle(requestheader_ca), custom).authenticate(
        peer(requestheader_ca, "proxy"), headers
    )
    assert result.user == UserInfo("first", ("g1",), uid="1234", extra=(("team", ("ml",)),))


@pytest.mark.parametrize(
    ("headers", "token"),
    [
        pytest.param([("authorization", "Bearer abc.def")], "abc.def", id="bearer"),
        pytest.param([("authorization", "bearer   abc  ")], "abc", id="case-and-spaces"),
        pytest.param([("authorization", "Basic dXNlcjpwdw==")], None, id="basic"),
        pytest.param([("authorization", "Bearer ")], None, id="empty"),
        pytest.param([("authorization", "Bearer a b")], None, id="two-words"),
        pytest.param([], None, id="absent"),
    ],
)
def test_bearer_token_parsing(headers: Headers, token: str | None) -> None:
    assert bearer_token(headers) == token


@pytest.fixture
def tokens() -> StaticTokens:
    return StaticTokens({"good": UserInfo("bob", ("devs",))})


@pytest.fixture
def authenticator(
    requestheader_ca: CertificateAuthority, client_ca: CertificateAuthority, tokens: StaticTokens
) -> RequestAuthenticator:
    return RequestAuthenticator(
        front_proxy=FrontProxyAuthenticator(
            bundle(requestheader_ca), settings(allowed_names=("front-proxy-client",))
        ),
        client_ca=bundle(client_ca),
        tokens=tokens,
    )


async def test_front_proxy_user_gets_authenticated_group(
    authenticator: RequestAuthenticator, requestheader_ca: CertificateAuthority
) -> None:
    result = await authenticator.authenticate(
        RequestCredentials(peer(requestheader_ca, "front-proxy-client"), PROXY_HEADERS, "10.0.0.1")
    )
    assert result.method is AuthMethod.FRONT_PROXY
    assert result.user.name == HPA
    assert result.user.groups[-1] == AUTHENTICATED_GROUP


async def test_client_certificate_user_is_cn_with_organisations(
    authenticator: RequestAuthenticator, client_ca: CertificateAuthority
) -> None:
    result = await authenticator.authenticate(RequestCredentials(peer(client_ca, "alice", "ops"), []))
    assert result.method is AuthMethod.CLIENT_CERTIFICATE
    assert result.user == UserInfo("alice", ("ops", AUTHENTICATED_GROUP))


async def test_identity_headers_from_a_client_certificate_are_ignored(
    authenticator: RequestAuthenticator, client_ca: CertificateAuthority
) -> None:
    result = await authenticator.authenticate(RequestCredentials(peer(client_ca, "alice"), PROXY_HEADERS))
    assert result.user.name == "alice"
    assert "system:serviceaccounts" not in result.user.groups


async def test_identity_headers_with_a_token_are_ignored(
    authenticator: RequestAuthenticator, tokens: StaticTokens
) -> None:
    headers: Headers = [*PROXY_HEADERS, ("authorization", "Bearer good")]
    result = await authenticator.authenticate(RequestCredentials(None, headers))
    assert (result.method, result.user.name) == (AuthMethod.BEARER_TOKEN, "bob")
    assert result.user.groups == ("devs", AUTHENTICATED_GROUP)


async def test_identity_headers_alone_are_unauthorized(authenticator: RequestAuthenticator) -> None:
    with pytest.raises(Unauthorized):
        await authenticator.authenticate(RequestCredentials(None, PROXY_HEADERS))


async def test_identity_headers_with_a_foreign_certificate_are_unauthorized(
    authenticator: RequestAuthenticator, other_ca: CertificateAuthority
) -> None:
    with pytest.raises(Unauthorized):
        await authenticator.authenticate(
            RequestCredentials(peer(other_ca, "front-proxy-client"), PROXY_HEADERS)
        )


async def test_requestheader_certificate_with_unlisted_name_is_refused_even_with_a_token(
    authenticator: RequestAuthenticator, requestheader_ca: CertificateAuthority, tokens: StaticTokens
) -> None:
    headers: Headers = [*PROXY_HEADERS, ("authorization", "Bearer good")]
    with pytest.raises(Unauthorized) as caught:
        await authenticator.authenticate(RequestCredentials(peer(requestheader_ca, "mallory"), headers))
    assert (caught.value.code, caught.value.reason) == (401, "Unauthorized")
    assert tokens.seen == []


async def test_unlisted_name_is_a_client_certificate_when_the_client_ca_also_signed_it(
    requestheader_ca: CertificateAuthority,
) -> None:
    shared = bundle(requestheader_ca)
    authenticator = RequestAuthenticator(
        front_proxy=FrontProxyAuthenticator(shared, settings(allowed_names=("front-proxy-client",))),
        client_ca=shared,
    )
    result = await authenticator.authenticate(
        RequestCredentials(peer(requestheader_ca, "carol"), PROXY_HEADERS)
    )
    assert (result.method, result.user.name) == (AuthMethod.CLIENT_CERTIFICATE, "carol")


async def test_front_proxy_without_username_falls_back_to_token(
    authenticator: RequestAuthenticator, requestheader_ca: CertificateAuthority
) -> None:
    credentials = RequestCredentials(
        peer(requestheader_ca, "front-proxy-client"), [("authorization", "Bearer good")]
    )
    assert (await authenticator.authenticate(credentials)).user.name == "bob"
    with pytest.raises(Unauthorized):
        await authenticator.authenticate(RequestCredentials(peer(requestheader_ca, "front-proxy-client"), []))


async def test_invalid_token_is_unauthorized(
    authenticator: RequestAuthenticator, tokens: StaticTokens
) -> None:
    with pytest.raises(Unauthorized):
        await authenticator.authenticate(RequestCredentials(None, [("authorization", "Bearer bad")]))
    assert tokens.seen == ["bad"]


async def test_client_certificate_without_common_name_is_not_a_user(client_ca: CertificateAuthority) -> None:
    authenticator = RequestAuthenticator(client_ca=bundle(client_ca))
    with pytest.raises(Unauthorized):
        await authenticator.authenticate(RequestCredentials(peer(client_ca, ""), []))
