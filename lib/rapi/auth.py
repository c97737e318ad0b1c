"""The RAPI users file and HTTP Basic authentication.

The file (``$DATA_DIR/rapi/users``) holds one user per line::

  # comment
  name password [option,option...]

Fields are separated by whitespace; options are comma separated and the
known ones are ``write`` (may modify; implies read) and ``read``.  The
password is clear text, ``{cleartext}text`` or ``{ha1}HEX`` where HEX is
the MD5 of ``"name:Ganeti Remote API:password"``; the scheme prefix is
case-insensitive.  Unknown options are ignored (and logged), as upstream.
"""

import base64
import binascii
import hashlib
import hmac
import logging
import os
import re

from ganeti import rapi

_SCHEME_RE = re.compile(r"^\{([^}]*)\}(.*)$", re.S)
SCHEME_CLEARTEXT = "cleartext"
SCHEME_HA1 = "ha1"


class PasswordFileUser:
  """One line of the users file."""

  __slots__ = ["name", "password", "options"]

  def __init__(self, name: str, password: str, options):
    self.name = name
    self.password = password
    self.options = frozenset(options)

  def HasAccess(self, wanted) -> bool:
    """Whether the user holds one of the options in ``wanted``.

    ``write`` implies ``read``.
    """
    have = set(self.options)
    if rapi.RAPI_ACCESS_WRITE in have:
      have.add(rapi.RAPI_ACCESS_READ)
    return bool(have & set(wanted))

  def __repr__(self):
    return "<PasswordFileUser %s %s>" % (self.name, sorted(self.options))


def ParseUsers(text: str) -> dict:
  """Parse the users file content; return {name: PasswordFileUser}.

  Lines with fewer than two fields are skipped; a later line for the same
  user replaces an earlier one.
  """
  users = {}
  for line in text.splitlines():
    line = line.strip()
    if not line or line.startswith("#"):
      continue
    parts = line.split(None, 2)
    if len(parts) < 2:
      logging.warning("Ignoring users file line without password: %r",
                      parts[0])
      continue
    options = []
    if len(parts) == 3:
      for opt in parts[2].split(","):
        opt = opt.strip().lower()
        if not opt:
          continue
        if opt not in rapi.RAPI_ACCESS_ALL:
          logging.warning("Unknown option '%s' for user '%s'", opt,
                          parts[0])
          continue
        options.append(opt)
    users[parts[0]] = PasswordFileUser(parts[0], parts[1], options)
  return users


def HA1(username: str, password: str, realm: str = rapi.RAPI_REALM) -> str:
  """The ``{ha1}`` form of a password: hex MD5 of "user:realm:password"."""
  return hashlib.md5(("%s:%s:%s" % (username, realm, password))
                     .encode("utf-8")).hexdigest()


def VerifyPassword(username: str, password: str, expected: str,
                   realm: str = rapi.RAPI_REALM) -> bool:
  """Check a Basic-auth password against the users file's entry.

  Unknown schemes never match (and are logged).
  """
  match = _SCHEME_RE.match(expected)
  if match:
    (scheme, value) = (match.group(1).lower(), match.group(2))
  else:
    (scheme, value) = (SCHEME_CLEARTEXT, expected)
  if scheme == SCHEME_CLEARTEXT:
    return hmac.compare_digest(password.encode("utf-8"),
                               value.encode("utf-8"))
  if scheme == SCHEME_HA1:
    return hmac.compare_digest(HA1(username, password, realm),
                               value.strip().lower())
  logging.warning("Unknown password scheme '%s' for user '%s'", scheme,
                  username)
  return False


def ParseBasicAuth(header):
  """Decode an ``Authorization: Basic ...`` header; (user, password) or None.

  Other schemes and malformed values give None (the request is then
  treated as unauthenticated).
  """
  if not header:
    return None
  (scheme, _, value) = header.strip().partition(" ")
  if scheme.lower() != "basic":
    return None
  try:
    decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
  except (binascii.Error, ValueError, UnicodeDecodeError):
    return None
  (user, sep, password) = decoded.partition(":")
  if not sep:
    return None
  return (user, password)


class UsersFile:
  """The users file, re-read when it changes (mtime/size/inode) or on
  :meth:`Reload` (SIGHUP).  A missing file means no users."""

  def __init__(self, path: str):
    self.path = path
    self._key = None
    self._users = {}

  def _StatKey(self):
    try:
      st = os.stat(self.path)
    except FileNotFoundError:
      return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)

  def Reload(self) -> None:
    key = self._StatKey()
    if key is None:
      self._users = {}
    else:
      try:
        with open(self.path) as fh:
          self._users = ParseUsers(fh.read())
      except OSError as err:
        logging.error("Cannot read users file %s: %s", self.path, err)
        self._users = {}
    self._key = key
    logging.debug("Loaded %d RAPI user(s) from %s", len(self._users),
                  self.path)

  def Get(self, name: str):
    """The user named ``name`` (None if unknown), re-reading if changed."""
    if self._StatKey() != self._key:
      self.Reload()
    return self._users.get(name)
