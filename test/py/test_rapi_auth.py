"""Tests for ganeti.rapi.auth: the users file and Basic authentication."""

import base64
import hashlib
import os

import pytest

from ganeti import rapi
from ganeti.rapi import auth

pytestmark = pytest.mark.unit

_HA1 = hashlib.md5(b"ha:Ganeti Remote API:s3cret").hexdigest()

_USERS = """
# a comment
admin  plainpw  write
reader {cleartext}readpw read
both pw read,write
ha {HA1}%s write
nobody pw
weird pw bogus,write
lonely
""" % _HA1


def test_parse_users_options():
  users = auth.ParseUsers(_USERS)
  assert sorted(users) == ["admin", "both", "ha", "nobody", "reader",
                           "weird"]
  assert users["admin"].options == {"write"}
  assert users["reader"].options == {"read"}
  assert users["both"].options == {"read", "write"}
  assert users["nobody"].options == frozenset()
  assert users["weird"].options == {"write"}  # unknown option ignored


@pytest.mark.parametrize("name,wanted,expected", [
  ("admin", [rapi.RAPI_ACCESS_WRITE], True),
  ("admin", [rapi.RAPI_ACCESS_READ], True),  # write implies read
  ("reader", [rapi.RAPI_ACCESS_WRITE], False),
  ("reader", [rapi.RAPI_ACCESS_READ, rapi.RAPI_ACCESS_WRITE], True),
  ("nobody", [rapi.RAPI_ACCESS_READ], False),
])
def test_has_access(name, wanted, expected):
  assert auth.ParseUsers(_USERS)[name].HasAccess(wanted) is expected


@pytest.mark.parametrize("user,password,ok", [
  ("admin", "plainpw", True), ("admin", "wrong", False),
  ("reader", "readpw", True), ("reader", "{cleartext}readpw", False),
  ("ha", "s3cret", True), ("ha", "s3cre", False),
])
def test_verify_password(user, password, ok):
  users = auth.ParseUsers(_USERS)
  assert auth.VerifyPassword(user, password, users[user].password) is ok


def test_ha1_matches_upstream_definition():
  assert auth.HA1("ha", "s3cret") == _HA1
  # the scheme prefix is case-insensitive and so is the hex digest
  assert auth.VerifyPassword("ha", "s3cret", "{ha1}" + _HA1.upper())
  assert not auth.VerifyPassword("ha", "s3cret", "{md5}" + _HA1)


def _Basic(text):
  return "Basic " + base64.b64encode(text.encode()).decode()


def test_parse_basic_auth():
  assert auth.ParseBasicAuth(_Basic("u:p:q")) == ("u", "p:q")
  assert auth.ParseBasicAuth(_Basic("nocolon")) is None
  assert auth.ParseBasicAuth("Digest abc") is None
  assert auth.ParseBasicAuth("Basic !!!") is None
  assert auth.ParseBasicAuth(None) is None


def test_users_file_reloads_on_change(tmp_path):
  path = tmp_path / "users"
  users = auth.UsersFile(str(path))
  assert users.Get("admin") is None  # missing file: no users
  path.write_text("admin pw write\n")
  assert users.Get("admin").options == {"write"}
  path.write_text("admin pw2 read\nother x\n")
  st = os.stat(path)
  os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1000000))
  assert users.Get("admin").password == "pw2"
  assert users.Get("other") is not None
  path.unlink()
  assert users.Get("admin") is None
