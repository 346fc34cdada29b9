"""APT package sources: one-line ``*.list`` and deb822 ``*.sources`` files, read as apt 2.6 reads them."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from .apt_config import apt_bool

SOURCE_TYPES = ("deb", "deb-src")
INLINE_KEY = "inline key"

# deb822 fields apt turns into source options (apt-pkg/sourcelist.cc, ParseStanza); every other field is
# ignored by apt, Allow-Insecure, Allow-Weak and Allow-Downgrade-To-Insecure included although
# sources.list(5) documents them: only the one-line [allow-insecure=yes] form takes effect.
_DEB822_OPTIONS = {
    "architectures": "arch", "architectures-add": "arch+", "architectures-remove": "arch-",
    "languages": "lang", "languages-add": "lang+", "languages-remove": "lang-",
    "targets": "target", "targets-add": "target+", "targets-remove": "target-",
    "trusted": "trusted", "check-valid-until": "check-valid-until", "valid-until-min": "valid-until-min",
    "valid-until-max": "valid-until-max", "check-date": "check-date", "date-max-future": "date-max-future",
    "signed-by": "signed-by", "pdiffs": "pdiffs", "by-hash": "by-hash",
}
_DEB822_LISTS = {"architectures", "architectures-add", "architectures-remove", "languages", "languages-add",
                 "languages-remove", "targets", "targets-add", "targets-remove"}
_DEB822_STRUCTURE = {"types", "uris", "suites", "components", "enabled"}
# A word of the one-line format: quoted or bracketed parts keep their spaces (cdrom:[Debian 12]/).
_WORD = re.compile(r'(?:"[^"]*"|\[[^\]]*\]|[^\s"\[])+')
# apt reads sources.list.d entries with only these characters (run-parts style), not starting with '.'.
_PART_NAME = re.compile(r"[A-Za-z0-9_:.-]+")


@dataclass(frozen=True)
class Source:
    """One (type, uri, suite) entry apt builds from a sources file."""

    file: str
    type: str                 # "deb" or "deb-src"
    uri: str                  # as written (one-line %xx escapes decoded, as apt does)
    suite: str                # a suite ending in "/" is a flat repository and has no components
    components: tuple[str, ...]
    options: dict[str, str]   # apt's lower-case option names; lists joined with ","
    enabled: bool
    entry: int                # line (one-line) or stanza (deb822) number, as apt's "Sourcesentry"
    format: str               # "one-line" or "deb822"
    ignored_fields: dict[str, str] = field(default_factory=dict)  # deb822 fields apt does not use


def _dequote_word(word: str) -> str:
    # apt's ParseQuoteWord drops double quotes and decodes %xx escapes
    decoded = re.sub(rb"%([0-9a-fA-F]{2})", lambda m: bytes([int(m[1], 16)]), word.replace('"', "").encode())
    return decoded.decode(errors="replace")


def _strip_comment(line: str) -> str:
    for index, char in enumerate(line):
        # a '#' inside an unclosed [option] block is part of an option value
        if char == "#" and line.count("[", 0, index) <= line.count("]", 0, index):
            return line[:index]
    return line


def _split_options(rest: str) -> tuple[dict[str, str], str] | None:
    """The leading ``[key=value ...]`` block of a one-line entry and the text after it; None if malformed."""
    if not rest.startswith("["):
        return {}, rest
    closing = rest.find("]")
    if closing < 0:
        return None
    options = {}
    for option in rest[1:closing].split():
        key, sep, value = option.partition("=")
        if not (sep and key and value):
            return None
        options[key] = value
    return options, rest[closing + 1:]


def parse_one_line(path: str, text: str) -> list[Source]:
    """A one-line format file (``/etc/apt/sources.list``, ``*.list``).

    Option keys are kept as written; apt only honours the lower-case ones. Lines apt would reject
    (unknown type, no suite, malformed options, a flat suite with components) are skipped here, where
    apt itself stops reading the sources with an error.
    """
    sources = []
    for number, raw in enumerate(text.splitlines(), start=1):
        match = re.fullmatch(r"([^ \t\v]+)[ \t\v]+(.*)", _strip_comment(raw).strip(" \t\r"))
        if not match or match[1] not in SOURCE_TYPES:
            continue
        split = _split_options(match[2].lstrip())
        if split is None:
            continue
        options, rest = split
        words = [_dequote_word(word) for word in _WORD.findall(rest)]
        if len(words) < 2 or ":" not in words[0]:
            continue
        uri, suite, components = words[0], words[1], tuple(words[2:])
        # a flat repository ("./", "/") takes no components, a dists/ suite needs at least one
        if suite.endswith("/") != (not components):
            continue
        sources.append(Source(path, match[1], uri, suite, components, options, True, number, "one-line"))
    return sources


def _stanzas(text: str) -> list[dict[str, str]]:
    """deb822 stanzas as {lower-case field: value}; '#' lines are comments, continuation lines kept."""
    stanzas: list[dict[str, str]] = []
    current: dict[str, str] = {}
    last = None
    for raw in text.splitlines():
        line = raw.rstrip("\r")
        if line.startswith("#"):
            continue
        if line == "":
            if current:
                stanzas.append(current)
            current, last = {}, None
            continue
        if line[0] in " \t":
            if last is not None:
                current[last] += "\n" + line
            continue
        name, sep, value = line.partition(":")
        if sep:
            last = name.strip().lower()
            current[last] = value
    if current:
        stanzas.append(current)
    return [{name: value.strip() for name, value in stanza.items()} for stanza in stanzas]


def parse_deb822(path: str, text: str) -> list[Source]:
    """A deb822 ``*.sources`` file: one Source per type, URI and suite of each stanza.

    ``Enabled`` disables a stanza only when it reads as an APT false ("no", "false", "0", ...): apt
    keeps a stanza with an unrecognised value enabled. An inline armored ``Signed-By`` key is kept as
    "inline key", never its text. Stanzas apt would reject (no Types, URIs or Suites) are skipped.
    """
    sources = []
    for number, stanza in enumerate(_stanzas(text), start=1):
        types, uris, suites = (stanza.get(name, "").split() for name in ("types", "uris", "suites"))
        components = tuple(stanza.get("components", "").split())
        enabled = apt_bool(stanza["enabled"]) is not False if stanza.get("enabled") else True
        options = {}
        ignored = {}
        for name, value in stanza.items():
            if name in _DEB822_OPTIONS:
                if name == "signed-by" and "BEGIN PGP PUBLIC KEY BLOCK" in value:
                    value = INLINE_KEY
                options[_DEB822_OPTIONS[name]] = ",".join(value.split()) if name in _DEB822_LISTS else value
            elif name not in _DEB822_STRUCTURE:
                ignored[name] = value
        for kind in types:
            if kind not in SOURCE_TYPES:
                continue
            for uri in uris:
                for suite in suites:
                    if suite.endswith("/") == bool(components):
                        continue
                    sources.append(Source(path, kind, uri, suite, () if suite.endswith("/") else components,
                                          dict(options), enabled, number, "deb822", dict(ignored)))
    return sources


def sources_from_files(files: list[tuple[str, str]]) -> list[Source]:
    """Sources of (path, text) pairs, in the order given, each file read by its name as apt does.

    ``*.list`` is one-line, ``*.sources`` deb822; apt ignores any other name (``*.list.save``,
    ``*.disabled``, names starting with '.' or holding characters other than ``A-Za-z0-9_:.-``).
    """
    sources = []
    for path, text in files:
        name = posixpath.basename(path)
        if name.startswith(".") or not _PART_NAME.fullmatch(name):
            continue
        if name.endswith(".list"):
            sources.extend(parse_one_line(path, text))
        elif name.endswith(".sources"):
            sources.extend(parse_deb822(path, text))
    return sources


def _quote(text: str, bad: str) -> str:
    # apt's QuoteString: the listed characters, '%', controls, space and non-ASCII bytes become %xx
    out = []
    for byte in text.encode():
        char = chr(byte)
        out.append(f"%{byte:02x}" if char in bad or char == "%" or byte <= 0x20 or byte >= 0x7F else char)
    return "".join(out)


def _site_and_path(uri: str) -> str:
    """The URI without scheme and credentials, as apt's URI class parses and prints it."""
    colon = uri.find(":")
    if colon < 0:
        colon = len(uri)
    slashes = uri[colon + 1:colon + 3] == "//"
    # the path starts at the first "/" after "scheme://" (or after "scheme:"), not counting "/" in [...]
    slash = colon + 3 if slashes and colon + 3 < len(uri) else colon
    in_bracket = False
    while slash < len(uri) and (uri[slash] != "/" or in_bracket):
        if uri[slash] == "[":
            in_bracket = True
        elif uri[slash] == "]" and in_bracket:
            in_bracket = False
        slash += 1
    path = uri[slash:] or "/"
    start = min(colon + (3 if slashes else 1), slash)
    authority = uri[start:slash] if start < len(uri) else ""
    # credentials end at the last '@' (one in the first position does not count)
    at = authority.rfind("@", 1)
    hostport = authority[at + 1:] if at > 0 else authority
    host, port_end, in_bracket = "", 0, False
    for char in hostport:
        if char == "[":
            in_bracket = True
        elif char == "]" and in_bracket:
            in_bracket = False
            port_end = len(host)
        else:
            host += char
    if in_bracket:
        host = ""
    port = 0
    last_colon = host.rfind(":")
    if last_colon >= 0 and last_colon >= port_end:
        digits = re.match(r"\d*", host[last_colon + 1:])[0]
        port = int(digits) if digits else 0
        host = host[:last_colon]
    return host + (f":{port}" if host and port else "") + path


def list_file_prefix(source: Source) -> str:
    """The name prefix of the files apt keeps for this source under /var/lib/apt/lists/.

    Its Release files are prefix + "InRelease" / "Release" / "Release.gpg"; index files are prefix +
    e.g. "main_binary-amd64_Packages" (+ a compression suffix). apt's URItoFileName: the scheme and
    credentials are dropped, ``\\|{}[]<>"^~_=!@#$%&*``, space, controls and non-ASCII bytes become
    %xx, "/" becomes "_". The suite is URI-encoded first (``+``, ``~``, space), so "a+b" ends up as
    "a%252bb". ``$(ARCH)`` in a URI or suite is not substituted here.
    """
    uri = source.uri if source.uri.endswith("/") else source.uri + "/"
    suite = source.suite
    if suite == "/":
        meta = uri
    elif suite.endswith("/"):
        meta = uri + _quote(suite, "+~ ")
    else:
        meta = uri + "dists/" + _quote(suite, "+~ ") + "/"
    return _quote(_site_and_path(meta), '\\|{}[]<>"^~_=!@#$%^&*').replace("/", "_")
