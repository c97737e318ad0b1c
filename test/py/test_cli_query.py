"""Tests for query result formatting."""

import pytest

from ganeti import cli_query

pytestmark = pytest.mark.unit


def _Result(fields, data):
  return {"fields": [{"name": n, "title": t, "kind": k, "doc": ""}
                     for (n, t, k) in fields],
          "data": data}


_FIELDS = [("name", "Name", "text"), ("mem", "Mem", "unit"),
           ("ok", "OK", "bool"), ("n", "N", "number")]


@pytest.mark.parametrize(("kwargs", "status", "lines"), [
  ({"header": True}, cli_query.QR_INCOMPLETE,
   ["Name  Mem OK   N", "a    1.5G Y   10", "bb      * N  (x)"]),
  ({"header": True, "verbose": True}, cli_query.QR_INCOMPLETE,
   ["Name       Mem OK   N", "a         1.5G Y   10",
    "bb   (offline) N  (x)"]),
  ({"separator": ":"}, cli_query.QR_INCOMPLETE,
   ["a:1536:Y:10", "bb:*:N:(x)"]),
  ({"separator": ":", "unit": "g"}, cli_query.QR_INCOMPLETE,
   ["a:1.5:Y:10", "bb:*:N:(x)"]),
  ])
def testFormatQueryResult(kwargs, status, lines):
  result = _Result(_FIELDS, [
    [[0, "a"], [0, 1536], [0, True], [0, 10]],
    [[0, "bb"], [4, None], [0, False], [0, "(x)"]]])
  assert cli_query.FormatQueryResult(result, **kwargs) == (status, lines)


def testFormatQueryResultStatuses():
  result = _Result([("a", "A", "text"), ("b", "B", "text")],
                   [[[0, "x"], [0, "y"]]])
  assert cli_query.FormatQueryResult(result)[0] == cli_query.QR_NORMAL
  result = _Result([("a", "A", "unknown")], [])
  assert cli_query.FormatQueryResult(result, header=True) == \
    (cli_query.QR_UNKNOWN, ["A"])
  result = _Result([("a", "A", "text"), ("b", "B", "text")],
                   [[[2, None], [3, None]], [[1, None], [0, "z"]]])
  assert cli_query.FormatQueryResult(result, verbose=True) == \
    (cli_query.QR_UNKNOWN, ["(nodata)  (unavail)", "(unknown) z"])
  assert cli_query.FormatQueryResult(result)[1] == ["?  -", "?? z"]


def testFormatOverrideAndTimestamp():
  result = _Result([("t", "T", "other"), ("l", "L", "other")],
                   [[[0, ["a", "b"]], [0, ["a", "b"]]]])
  assert cli_query.FormatQueryResult(
    result, format_override=cli_query.INSTANCE_LIST_OVERRIDE | {
      "t": (cli_query.FormatListJoined, False)})[1] == ["a,b ['a', 'b']"]
  assert cli_query.FormatDictEmpty({}) == "(empty)"
  assert cli_query.FormatDictEmpty({"a": 1, "b": ""}) == "a=1, b="


def testFormatTableAlignment():
  cols = [cli_query.TableColumn("A", str, False),
          cli_query.TableColumn("B", str, True)]
  assert cli_query.FormatTable([["x", "1"], ["yyy", "22"]], cols, True,
                               None) == ["A    B", "x    1", "yyy 22"]
  cols.reverse()
  assert cli_query.FormatTable([["1", "x"], ["22", "yyy"]], cols, False,
                               None) == [" 1 x", "22 yyy"]


def testGenerateTable():
  assert cli_query.GenerateTable(None, ["a", "b"], ":", [["x", 2048]],
                                 unitfields=["b"]) == ["x:2048"]
  assert cli_query.GenerateTable({"a": "A", "b": "B"}, ["a", "b"], None,
                                 [["x", 2048], None], numfields=["b"],
                                 unitfields=["b"]) == \
    ["A    B", "x 2.0G", "-    -"]
