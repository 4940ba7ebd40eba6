"""HeaderPolicy: only listed headers are forwarded, the first of repeats; credentials by name."""

from __future__ import annotations

from starlette.datastructures import Headers

from gateway.headers import HeaderPolicy


def test_nothing_is_forwarded_unless_listed() -> None:
    assert HeaderPolicy(()).forwarded({"Authorization": "Bearer t"}) == {}


def test_listed_headers_are_forwarded_lowercase_and_the_first_of_repeats() -> None:
    raw = [(b"Authorization", b"Bearer first"), (b"authorization", b"Bearer second")]
    headers = Headers(raw=[*raw, (b"X-Other", b"o")])
    policy = HeaderPolicy(("authorization",))
    assert policy.forwarded(headers) == {"authorization": "Bearer first"}


def test_credentials_name_the_caller_in_a_fixed_order() -> None:
    policy = HeaderPolicy(())
    assert policy.credentials({"Cookie": "c", "X-Other": "o"}) == ("", "c")
    assert policy.credentials({"authorization": "a", "cookie": "c"}) == ("a", "c")
    assert policy.credentials({}) == ("", "")
