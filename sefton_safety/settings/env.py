"""Strict readers for settings taken from the environment.

Each helper either returns a value of the right type or raises ImproperlyConfigured naming the
variable, so a typo in a deployment stops the process at start-up instead of running half-set.
`env_file_read` puts the variables of a `.env` file into the environment first, for a server
whose commands are started by hand or by make rather than by a service manager.
"""

import os
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}

_MISSING = object()


def env_str(name, default=_MISSING):
    value = os.environ.get(name)
    if value is None or value == "":
        if default is _MISSING:
            raise ImproperlyConfigured(f"The environment variable {name} must be set.")
        return default
    return value


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


_ENV_FILE_LINE = re.compile(r"(?:export\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?P<value>.*)")
_QUOTED = re.compile(r"""(?P<quote>["'])(?P<value>.*?)(?P=quote)\s*(?:#.*)?""")


def env_file_read(path, *, required=False):
    """Sets each variable the file names that the environment does not set already, so that a value
    given to one command (`CLUB_NAME="Aigburth CC" make serve`) still wins over the file.

    Lines are `NAME=value`: blank lines and `#` comments are skipped, `export ` before a name is
    allowed, and a value may be in single or double quotes (then kept exactly, `#` and spaces
    included); an unquoted value ends at ` #`. A line of any other shape stops the process with its
    number, never its text, which may hold a password. A missing file is no error unless
    `required`. Returns the names and values the file holds."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        if required:
            raise ImproperlyConfigured(f"The settings file {path} does not exist.") from None
        return {}
    values = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        found = _ENV_FILE_LINE.fullmatch(line)
        if found is None:
            raise ImproperlyConfigured(f"{path}, line {number}, is not a setting: write it as NAME=value.")
        value = found["value"]
        quoted = _QUOTED.fullmatch(value)
        if quoted is not None:
            value = quoted["value"]
        elif value[:1] in ("'", '"'):
            raise ImproperlyConfigured(f"{path}, line {number}: the value's closing quote is missing.")
        else:
            value = re.split(r"\s+#", value, maxsplit=1)[0].strip()
        values[found["name"]] = value
    for name, value in values.items():
        os.environ.setdefault(name, value)
    return values
