"""Links in answers: each must be an address a visitor's phone can open.

There is no internet here (nor in CI), so whether a page exists cannot be checked; what can is
that a link is a complete, well-formed https address to a real host. The project has no public
pages of its own to link to (its web service serves the demo page, the staff dashboard and an
API, none meant for visitors), so a link to a local or placeholder host is a mistake too.
"""

import ipaddress
import re
from typing import List
from urllib.parse import urlsplit

# A link as written in an answer: with a scheme, or starting with www.
LINK = re.compile(r"(?:\b[a-zA-Z][a-zA-Z0-9+.-]*://|\bwww\.)[^\s<>\"'`]+")
HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
PLACEHOLDER_HOSTS = ("example.com", "example.org", "example.net", "localhost", "test")


def links_in(text: str) -> List[str]:
    """Links in a text, without the punctuation that ends the sentence around them."""
    found = []
    for match in LINK.finditer(text):
        link = match.group(0).rstrip(".,;:!?")
        if link.endswith(")") and link.count(")") > link.count("("):
            link = link[:-1]
        found.append(link)
    return found


def link_problem(link: str) -> str:
    """Why the link cannot be opened, or "" when it is well formed."""
    if link.lower().startswith("www."):
        return f"the link {link} lacks https:// at its start: write https://{link}"
    parts = urlsplit(link)
    if parts.scheme.lower() == "http":
        return f"the link {link} is not secure (http): use https://"
    if parts.scheme.lower() != "https":
        return f"the link {link} is not a web address: write it as https://..."
    if "@" in parts.netloc:
        return f"the link {link} contains '@' in its address: remove the user name"
    try:
        host = parts.hostname or ""
        parts.port  # noqa: B018 (raises ValueError for a port out of range)
    except ValueError:
        return f"the link {link} has an invalid port number after ':'"
    if not host:
        return f"the link {link} has no site name after https://"
    try:
        ipaddress.ip_address(host)
        return f"the link {link} uses a numeric address: link to the site's name"
    except ValueError:
        pass
    if any(host == p or host.endswith("." + p) for p in PLACEHOLDER_HOSTS):
        return f"the link {link} points to a placeholder or local site ({host})"
    labels = host.split(".")
    if len(labels) < 2 or not all(HOST_LABEL.match(label) for label in labels):
        return f"the link {link} has a malformed site name ({host})"
    if not re.fullmatch(r"[a-z]{2,63}|xn--[a-z0-9-]+", labels[-1]):
        return f"the link {link} has a malformed site name ({host})"
    return ""


def link_problems(text: str) -> List[str]:
    return [problem for problem in map(link_problem, links_in(text)) if problem]
