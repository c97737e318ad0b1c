"""Tests for the query filter language."""

import pytest

from ganeti import errors
from ganeti import qlang

pytestmark = pytest.mark.unit

_GLOB_INST = "^inst[^.]*(\\..*)?$"


@pytest.mark.parametrize(("text", "expected"), [
  ('name == "x"', ["==", "name", "x"]),
  ("name == 'x'", ["==", "name", "x"]),
  ('name != "x"', ["!=", "name", "x"]),
  ("be/memory >= 128", [">=", "be/memory", 128]),
  ("x < -5", ["<", "x", -5]),
  ("x <= 1", ["<=", "x", 1]),
  ("x > 1", [">", "x", 1]),
  ("oper_state", ["?", "oper_state"]),
  ("not oper_state", ["!", ["?", "oper_state"]]),
  ("a and b and c", ["&", ["?", "a"], ["?", "b"], ["?", "c"]]),
  ("a or b and c", ["|", ["?", "a"], ["&", ["?", "b"], ["?", "c"]]]),
  ("(a or b) and not c", ["&", ["|", ["?", "a"], ["?", "b"]],
                          ["!", ["?", "c"]]]),
  ("name =~ m/^inst[0-9]/", ["=~", "name", "^inst[0-9]"]),
  ("name =~ m/x/i", ["=~", "name", "(?i)x"]),
  ("name =~ m#a/b#", ["=~", "name", "a/b"]),
  ("name !~ m/x/", ["!", ["=~", "name", "x"]]),
  ('name =* "inst*"', ["=~", "name", _GLOB_INST]),
  ('name !* "inst*"', ["!", ["=~", "name", _GLOB_INST]]),
  ('"web" in tags', ["=[]", "tags", "web"]),
  ('"web" not in tags', ["!", ["=[]", "tags", "web"]]),
  ('admin_state == "up" and name =~ m/1/',
   ["&", ["==", "admin_state", "up"], ["=~", "name", "1"]]),
  # legacy "=", "+" signs, regexes without "m", flags combined
  ('name = "x"', ["==", "name", "x"]),
  ("x > +5", [">", "x", 5]),
  ("name =~ /^inst/", ["=~", "name", "^inst"]),
  ("name =~ m|a/b|si", ["=~", "name", "(?is)a/b"]),
  ("name =~ m^x^", ["=~", "name", "x"]),
  ("not (a or b)", ["!", ["|", ["?", "a"], ["?", "b"]]]),
  ("a or not b and c", ["|", ["?", "a"], ["&", ["!", ["?", "b"]],
                                          ["?", "c"]]]),
  ])
def testParseFilter(text, expected):
  assert qlang.ParseFilter(text) == expected


@pytest.mark.parametrize("text", [
  "", "name ==", "== 1", "(a", "a and", "name =~ m/x/q", "name =~ m/(/",
  "name = = 1", "a b", "x > ++5",
  ])
def testParseFilterErrors(text):
  with pytest.raises(errors.QueryFilterParseError):
    qlang.ParseFilter(text)


@pytest.mark.parametrize(("args", "force", "kwargs", "expected"), [
  ([], False, {}, None),
  (None, False, {}, None),
  (["inst1"], False, {}, ["|", ["==", "name", "inst1"]]),
  (["a", "b*"], False, {}, ["|", ["==", "name", "a"],
                            ["=~", "name", "^b[^.]*(\\..*)?$"]]),
  (["n?"], False, {"namefield": "node"},
   ["|", ["=~", "node", "^n[^.](\\..*)?$"]]),
  (["1", "22"], False, {"namefield": "id", "isnumeric": True},
   ["|", ["==", "id", 1], ["==", "id", 22]]),
  (['admin_state == "up"'], False, {}, ["==", "admin_state", "up"]),
  (["oper_state"], True, {}, ["?", "oper_state"]),
  (["a(b"], True, {}, None),
  ])
def testMakeFilter(args, force, kwargs, expected):
  if expected is None and args and force:
    with pytest.raises(errors.QueryFilterParseError):
      qlang.MakeFilter(args, force, **kwargs)
  else:
    assert qlang.MakeFilter(args, force, **kwargs) == expected


def testMakeFilterBadJobId():
  with pytest.raises(errors.OpPrereqError):
    qlang.MakeFilter(["x"], False, namefield="id", isnumeric=True)


def testMakeSimpleFilter():
  assert qlang.MakeSimpleFilter("name", []) is None
  assert qlang.MakeSimpleFilter("name", ["a", "b"]) == \
    ["|", ["==", "name", "a"], ["==", "name", "b"]]


@pytest.mark.parametrize(("glob", "name", "match"), [
  ("inst*", "inst1.example.test", True),
  ("inst?", "inst1.example.test", True),
  ("inst?", "inst12.example.test", False),
  ("*.example.test", "inst1.example.test", True),
  ("*.test", "inst1.example.test", False),
  ("inst1.example.*", "inst1.example.test", True),
  ("node*", "inst1", False),
  ])
def testDnsNameGlob(glob, name, match):
  import re
  assert bool(re.match(qlang.DnsNameGlobPattern(glob), name)) == match


def testDetectionChars():
  assert qlang.FILTER_DETECTION_CHARS >= frozenset("()=/!~'\"\\<> \t")
  assert qlang.GLOB_DETECTION_CHARS == frozenset("*?")
