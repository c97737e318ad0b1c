"""Reproduce the golden list / list-fields outputs of a real 3.0.2 cluster."""

import io
import shlex

import pytest

from ganeti import cli_query
from ganeti import constants
from ganeti import errors
from ganeti import qlang

import qgolden

pytestmark = pytest.mark.unit

_DEFAULTS = {
  ("gnt-instance", "list"): ("instance", "name,hypervisor,os,pnode,status,"
                             "oper_ram", cli_query.INSTANCE_LIST_OVERRIDE,
                             "name", False),
  ("gnt-node", "list"): ("node", "name,dtotal,dfree,mtotal,mnode,mfree,"
                         "pinst_cnt,sinst_cnt", cli_query.NODE_LIST_OVERRIDE,
                         "name", False),
  ("gnt-group", "list"): ("group", "name,node_cnt,pinst_cnt,alloc_policy,"
                          "ndparams", cli_query.GROUP_LIST_OVERRIDE,
                          "name", False),
  ("gnt-job", "list"): ("job", "id,status,summary",
                        cli_query.JOB_LIST_OVERRIDE, "id", True),
  }


def _Contexts():
  return {"instance": qgolden.MakeInstanceData(),
          "node": qgolden.MakeNodeData(),
          "group": qgolden.MakeGroupData(),
          "job": qgolden.MakeJobData()}


def _RunList(cmd):
  """Emulate the option parsing of ``gnt-* list`` and run it."""
  argv = shlex.split(qgolden.ToReal(cmd))
  (prog, sub) = argv[:2]
  (resource, fields, override, namefield, isnumeric) = _DEFAULTS[(prog, sub)]
  separator = None
  header = True
  force_filter = False
  args = []
  rest = argv[2:]
  while rest:
    arg = rest.pop(0)
    if arg == "-o":
      fields = rest.pop(0)
    elif arg.startswith("--separator="):
      separator = arg.split("=", 1)[1]
    elif arg == "--no-headers":
      header = False
    elif arg == "-F":
      force_filter = True
    else:
      args.append(arg)
  out = io.StringIO()
  err = io.StringIO()
  code = cli_query.GenericList(resource, fields.split(","), args, None,
                               separator, header,
                               cl=qgolden.FakeClient(_Contexts()),
                               format_override=override,
                               force_filter=force_filter,
                               namefield=namefield, isnumeric=isnumeric,
                               out=out, err=err)
  return (code, qgolden.ToGolden(out.getvalue().split("\n")[:-1]),
          err.getvalue().split("\n")[:-1])


@pytest.mark.parametrize("golden", ["21", "22", "26", "27", "28", "30", "31",
                                    "36", "38", "40", "64"])
def testGoldenList(golden):
  (cmd, code, lines, errlines) = qgolden.ReadGolden(golden)
  assert _RunList(cmd) == (code, lines, errlines)


def testGoldenInstanceListFinal():
  (cmd, code, lines, _) = qgolden.ReadGolden("96")
  extra = [("rapi1.example.com", [], "up", {}, True)]
  ctx = {"instance": qgolden.MakeInstanceData(extra=extra)}
  out = io.StringIO()
  rc = cli_query.GenericList(
    "instance", ["name", "hypervisor", "os", "pnode", "status", "oper_ram"],
    [], None, None, True, cl=qgolden.FakeClient(ctx),
    format_override=cli_query.INSTANCE_LIST_OVERRIDE, out=out)
  assert (rc, qgolden.ToGolden(out.getvalue().split("\n")[:-1])) == \
    (code, lines)


def testGoldenFilterMisuse():
  (_, code, lines, errlines) = qgolden.ReadGolden("29")
  assert code == 1 and lines == []
  assert errlines[-1] == "Exactly one argument must be given as a filter"
  for args in ([], ["a", "b"], None):
    with pytest.raises(errors.OpPrereqError) as exc:
      qlang.MakeFilter(args, True)
    assert exc.value.args == (errlines[-1], constants.ECODE_INVAL)


@pytest.mark.parametrize(("golden", "resource"), [
  ("41", "instance"), ("42", "node"), ("43", "job"), ("44", "group")])
def testGoldenListFields(golden, resource):
  (_, code, lines, _) = qgolden.ReadGolden(golden)
  out = io.StringIO()
  rc = cli_query.GenericListFields(resource, [], None, True,
                                   cl=qgolden.FakeClient({}), out=out)
  assert (rc, out.getvalue().split("\n")[:-1]) == (code, lines)


def testListFieldsUnknown():
  out = io.StringIO()
  err = io.StringIO()
  rc = cli_query.GenericListFields("node", ["name", "bogus"], ":", False,
                                   cl=qgolden.FakeClient({}), out=out,
                                   err=err)
  assert rc == constants.EXIT_UNKNOWN_FIELD
  assert out.getvalue() == ("name:Text:Node:Node name\n"
                            "bogus:Unknown:bogus:Unknown field 'bogus'\n")
  assert err.getvalue() == "Warning: Queried for unknown fields bogus\n"


def testGoldenListStorage():
  (_, code, lines, _) = qgolden.ReadGolden("25")
  fields = ["node", "type", "name", "size", "used", "free", "allocatable"]
  headers = dict(zip(fields, ["Node", "Type", "Name", "Size", "Used",
                              "Free", "Allocatable"]))
  data = [["node1.example.com", "file", "/srv/ganeti/file-storage",
           258048, 1126, 79360, "Y"]]
  assert code == 0
  result = cli_query.GenerateTable(headers, fields, None, data,
                                 numfields=["size", "used", "free"],
                                 unitfields=["size", "used", "free"])
  assert qgolden.ToGolden(result) == lines


def testGoldenJobListFinal():
  (_, code, lines, _) = qgolden.ReadGolden("97")
  jobs = []
  for line in lines[1:]:
    (jid, status, summary) = line.split()
    jobs.append((int(jid), qgolden.FakeJob(status, qgolden.ToReal(summary),
                                           None, None, None)))
  ctx = {"job": qgolden.query.JobQueryData(jobs)}
  out = io.StringIO()
  rc = cli_query.GenericList("job", ["id", "status", "summary"], [], None,
                             None, True, cl=qgolden.FakeClient(ctx),
                             format_override=cli_query.JOB_LIST_OVERRIDE,
                             namefield="id", isnumeric=True, out=out)
  assert (rc, qgolden.ToGolden(out.getvalue().split("\n")[:-1])) == \
    (code, lines)
