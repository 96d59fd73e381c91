"""Credentials for remote stores, read from environment variables by name.

Passwords and tokens are never command-line arguments: they would stay in the shell's
history and in ``ps`` output. The user names the variable that holds them
(``--password-env STORE_PW``), pubgraph reads it, and every error message masks the
value in every encoding (see :func:`graph.redact.redact`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from ...errors import RemoteAuthError

__all__ = ["BearerAuth", "Credentials", "credentials_from_env"]


class BearerAuth(AuthBase):
    """``Authorization: Bearer TOKEN`` (RFC 6750); the token never shows in ``repr``.

    >>> BearerAuth("abc")
    BearerAuth(***)
    """

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "BearerAuth(***)"


@dataclass(frozen=True, slots=True)
class Credentials:
    """What to authenticate with; ``repr`` shows the user, never the secret.

    >>> Credentials("alice", "s3cret")
    Credentials(user='alice', secret=***, scheme='basic')
    """

    user: str | None
    secret: str
    scheme: str = "basic"  # basic, digest or bearer

    def auth(self) -> AuthBase:
        """The ``requests`` auth object for this scheme."""
        if self.scheme == "bearer":
            return BearerAuth(self.secret)
        if self.scheme == "digest":
            return HTTPDigestAuth(self.user or "", self.secret)
        return HTTPBasicAuth(self.user or "", self.secret)

    @property
    def secrets(self) -> tuple[str, ...]:
        """What must never be shown: the secret, and ``user:secret`` as basic auth sends it.

        >>> Credentials("alice", "s3cret").secrets
        ('s3cret', 'alice:s3cret')
        """
        return (self.secret,) if self.user is None else (self.secret, f"{self.user}:{self.secret}")

    def __repr__(self) -> str:
        return f"Credentials(user={self.user!r}, secret=***, scheme={self.scheme!r})"


def credentials_from_env(
    user: str | None = None,
    password_env: str | None = None,
    token_env: str | None = None,
    *,
    digest: bool = False,
    environ: Mapping[str, str] | None = None,
    password: str | None = None,
) -> Credentials | None:
    """Credentials from the options a user gives, or None when none are asked for.

    ``password`` is for a password the CLI prompted for (never an argument on the command line).

    >>> credentials_from_env("alice", "STORE_PW", environ={"STORE_PW": "s3cret"}).secret
    's3cret'
    >>> credentials_from_env(token_env="TOKEN", environ={"TOKEN": "t"}).scheme
    'bearer'
    >>> credentials_from_env() is None
    True
    """
    env = os.environ if environ is None else environ
    if token_env:
        if user or password_env:
            raise RemoteAuthError("give either --token-env or --user/--password-env, not both")
        return Credentials(None, _read(env, token_env, "--token-env"), "bearer")
    if password_env and not user:
        raise RemoteAuthError(f"--password-env {password_env} needs --user NAME as well")
    if not user:
        if digest:
            raise RemoteAuthError("--digest needs --user NAME and --password-env VAR")
        return None
    secret = password if password is not None else _read(env, password_env, "--password-env") if password_env else None
    if secret is None:
        raise RemoteAuthError(f"--user {user} needs --password-env VAR, the environment variable holding the password")
    return Credentials(user, secret, "digest" if digest else "basic")


def _read(env: Mapping[str, str], name: str | None, option: str) -> str:
    value = env.get(name or "")
    if not value:
        raise RemoteAuthError(
            f"environment variable {name} ({option}) is not set or empty; set it first, e.g. "
            f"read -rs {name} && export {name}, so the secret stays out of the shell history"
        )
    return value
