"""An offline transport for remote-store code, as httpx's ``MockTransport`` is for httpx.

:func:`mock_session` returns a :class:`requests.Session` whose every request is answered
by a plain function, so push, verification and remote queries are tested without a
network. The function may raise :class:`requests.ConnectionError` to play a dead server.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

__all__ = ["Handler", "MockAdapter", "mock_session"]

#: request -> (status, headers, body)
Handler = Callable[[requests.PreparedRequest], tuple[int, Mapping[str, str], bytes]]


class MockAdapter(BaseAdapter):
    """A transport adapter that hands each request to ``handler`` and records it."""

    def __init__(self, handler: Handler) -> None:
        super().__init__()
        self.handler = handler
        self.sent: list[requests.PreparedRequest] = []

    def send(self, request: requests.PreparedRequest, **kwargs: object) -> requests.Response:  # type: ignore[override]
        self.sent.append(request)
        status, headers, body = self.handler(request)
        response = requests.Response()
        response.status_code = status
        response.headers = CaseInsensitiveDict(headers)
        response._content = body  # the documented way to give a Response a body without a socket
        response.encoding = "utf-8"
        response.url = request.url or ""
        response.request = request
        response.reason = {
            200: "OK",
            201: "Created",
            204: "No Content",
            401: "Unauthorized",
            413: "Payload Too Large",
            503: "Service Unavailable",
        }.get(status, "")
        return response

    def close(self) -> None:
        pass


def mock_session(handler: Handler) -> requests.Session:
    """A session whose requests ``handler`` answers; ``session.adapters['http://'].sent`` logs them.

    >>> session = mock_session(lambda request: (200, {"Content-Type": "text/plain"}, b"hi"))
    >>> session.get("http://example.org/").text
    'hi'
    """
    session = requests.Session()
    adapter = MockAdapter(handler)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
