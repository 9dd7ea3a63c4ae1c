"""A PostgreSQL register's address (``postgresql://user@server:port/database``) as qaf handles it.

It is split by hand, shown without its password anywhere (messages, logs, qaf.toml), and checked
for a password the database driver would misread; the passwords of the registers this process
opened are scrubbed from the driver's error messages.
"""

from __future__ import annotations

import re
from urllib.parse import unquote


def is_postgres_url(location: object) -> bool:
    """True when ``location`` names a PostgreSQL database (``postgresql://`` or ``postgres://``)."""
    return isinstance(location, str) and location.lower().startswith(
        ("postgresql://", "postgres://")
    )


def _url_parts(url: str) -> tuple[str, str, str, str]:
    """(scheme, userinfo, host and path, query) of a PostgreSQL URL, split by hand.

    A password often holds characters a URL reserves ("/", "?", "#", "@", "[", "]"). Split by the
    URL rules they would end the user part early and spill the rest of the password into the host,
    path or fragment (and so into messages). Here the user part runs to the last "@", so whatever
    precedes it is never shown, and nothing here can fail on a stray bracket.
    """
    scheme, _, rest = url.partition("://")
    userinfo, at, hostpart = rest.rpartition("@")
    if not at:
        userinfo, hostpart = "", rest
    hostpath, _, query = hostpart.partition("?")
    return scheme, userinfo, hostpath.partition("#")[0], query.partition("#")[0]


def _password_items(query: str) -> list[str]:
    return [p for p in query.split("&") if p.lower().startswith("password=")]


def url_has_password(url: str) -> bool:
    """True when a PostgreSQL URL carries a password (``user:secret@`` or ``?password=``)."""
    _, userinfo, _, query = _url_parts(url)
    return ":" in userinfo or bool(_password_items(query))


def url_secrets(url: str) -> list[str]:
    """The password a PostgreSQL URL carries, as typed and decoded (to scrub from messages)."""
    _, userinfo, _, query = _url_parts(url)
    typed = [userinfo.partition(":")[2]] + [p.partition("=")[2] for p in _password_items(query)]
    return [s for t in typed for s in {t, unquote(t)} if s]


# Passwords of the registers this process opened: a driver's error text may quote one (or a part
# the driver misread as a host or port), and every message about the register is scrubbed of them.
_SECRETS: set[str] = set()


def scrub(text: str) -> str:
    """``text`` with any register password this process knows replaced by ***."""
    for secret in sorted(_SECRETS, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


#: Characters a URL reserves, which a password in a URL must spell as %XX.
_RESERVED = {"/": "%2F", "?": "%3F", "#": "%23", "@": "%40", "[": "%5B", "]": "%5D", "%": "%25"}


def url_problem(url: str) -> str | None:
    """Why the database driver would misread this PostgreSQL URL, in plain words (None: fine).

    Only the password is checked: a reserved character in it makes the driver take part of the
    password for the server's name or port, and its error would then quote that part.
    """
    _, userinfo, _, _ = _url_parts(url)
    password = userinfo.partition(":")[2]
    bad = [c for c in _RESERVED if c in password and not (c == "%" and _percent_ok(password))]
    if not bad:
        return None
    spelled = ", ".join(f"{c} as {_RESERVED[c]}" for c in bad)
    return (
        "the password in the register's address holds a character a web address reserves, so it "
        f"would be misread. Write {spelled} in the address, or better, leave the password out of "
        "it and give it as PGPASSWORD or in a pgpass file (README: A team register on PostgreSQL)"
    )


def _percent_ok(text: str) -> bool:
    """Whether every % in ``text`` starts a %XX escape (the password is already encoded)."""
    return re.fullmatch(r"(?:[^%]|%[0-9A-Fa-f]{2})*", text) is not None


def redact_url(url: str) -> str:
    """A PostgreSQL URL fit for messages, logs and qaf.toml: the same, without any password."""
    scheme, userinfo, hostpath, query = _url_parts(url)
    user = userinfo.partition(":")[0]
    kept = "&".join(p for p in query.split("&") if p and not p.lower().startswith("password="))
    return f"{scheme}://{user + '@' if user else ''}{hostpath}{'?' + kept if kept else ''}"


def remember_secrets(url: str) -> None:
    """Scrub this address's password from every later message about the register."""
    _SECRETS.update(url_secrets(url))
