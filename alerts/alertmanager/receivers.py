"""Alertmanager receivers as validated configuration: Slack, webhook, PagerDuty and email.

Pydantic models at the configuration edge (unknown keys are refused, so a typo names its field);
:meth:`Receiver.to_alertmanager` produces the ``receivers:`` entry Alertmanager 0.25+ reads. Secrets
can be given as files (``api_url_file``, ``routing_key_file``, ``auth_password_file``) so the
generated configuration needs no secret in it. Knows nothing about routes or rules.
"""

from __future__ import annotations

import re
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["EmailConfig", "PagerDutyConfig", "Receiver", "SlackConfig", "WebhookConfig"]

_URL = re.compile(r"https?://[^\s/$.?#][^\s]*")
_HOST_PORT = re.compile(r"[^\s:]+:\d{1,5}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _check_url(value: str | None) -> str | None:
    if value is not None and _URL.fullmatch(value) is None:
        raise ValueError(f"not an http(s) URL: {value!r}")
    return value


def _one_of(model: BaseModel, *names: str) -> None:
    given = [name for name in names if getattr(model, name) is not None]
    if len(given) != 1:
        raise ValueError(f"give exactly one of {', '.join(names)} (got {', '.join(given) or 'none'})")


class SlackConfig(_Model):
    api_url: str | None = None
    api_url_file: str | None = None
    channel: str
    send_resolved: bool = True
    title: str | None = None
    text: str | None = None

    _url = field_validator("api_url")(_check_url)

    @model_validator(mode="after")
    def _secret(self) -> Self:
        _one_of(self, "api_url", "api_url_file")
        return self


class WebhookConfig(_Model):
    url: str
    send_resolved: bool = True
    max_alerts: int = Field(default=0, ge=0)

    _url = field_validator("url")(_check_url)


class PagerDutyConfig(_Model):
    routing_key: str | None = None
    routing_key_file: str | None = None
    service_key: str | None = None
    send_resolved: bool = True
    url: str | None = None

    _url = field_validator("url")(_check_url)

    @model_validator(mode="after")
    def _secret(self) -> Self:
        _one_of(self, "routing_key", "routing_key_file", "service_key")
        return self


class EmailConfig(_Model):
    to: str
    from_: str = Field(alias="from")
    smarthost: str
    auth_username: str | None = None
    auth_password_file: str | None = None
    require_tls: bool = True
    send_resolved: bool = False

    @field_validator("to", "from_")
    @classmethod
    def _address(cls, value: str) -> str:
        addresses = [part.strip() for part in value.split(",")]
        if not all(_EMAIL.fullmatch(address) for address in addresses):
            raise ValueError(f"not an e-mail address (or comma-separated list): {value!r}")
        return value

    @field_validator("smarthost")
    @classmethod
    def _host_port(cls, value: str) -> str:
        if _HOST_PORT.fullmatch(value) is None:
            raise ValueError(f"smarthost must be host:port, got {value!r}")
        return value


_KINDS = (
    ("slack", "slack_configs"),
    ("webhook", "webhook_configs"),
    ("pagerduty", "pagerduty_configs"),
    ("email", "email_configs"),
)


class Receiver(_Model):
    """A named receiver; with no integration at all it silently drops what it receives."""

    name: str = Field(min_length=1)
    slack: list[SlackConfig] = Field(default_factory=list)
    webhook: list[WebhookConfig] = Field(default_factory=list)
    pagerduty: list[PagerDutyConfig] = Field(default_factory=list)
    email: list[EmailConfig] = Field(default_factory=list)

    def to_alertmanager(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        for field_name, key in _KINDS:
            configs: list[BaseModel] = getattr(self, field_name)
            if configs:
                out[key] = [config.model_dump(by_alias=True, exclude_none=True) for config in configs]
        return out
