"""gnt-filter: job filter rules (accept, pause, reject, rate-limit jobs)."""

import json

from ganeti import cli
from ganeti import cli_query
from ganeti import constants
from ganeti import errors
from ganeti import qfields
from ganeti import utils
from ganeti.cli import GetClient, ToStdout
from ganeti.cli_opts import *  # noqa: F401,F403 pylint: disable=W0401,W0614
from ganeti.jqueue import filters as jfilters

#: Default fields of "gnt-filter list"
_LIST_DEF_FIELDS = ["uuid", "watermark", "priority", "predicates", "action",
                    "reason_trail"]


def _Reason(opts):
  if opts.reason:
    return [(constants.OPCODE_REASON_SRC_USER, opts.reason,
             utils.TimestampNs())]
  return []


def _Predicates(opts):
  """The --predicates value (JSON text) as a list."""
  if isinstance(opts.predicates, list):
    return opts.predicates
  try:
    value = json.loads(opts.predicates)
  except ValueError as err:
    raise errors.OpPrereqError("Invalid JSON in --predicates: %s" % err,
                               errors.ECODE_INVAL)
  return value


def _Action(opts):
  """The --action value: ACCEPT, PAUSE, REJECT, CONTINUE or RATE_LIMIT n."""
  return jfilters.ParseAction(opts.action)


def AddFilter(opts, args):
  uuid = GetClient().ReplaceFilter(None, opts.priority, _Predicates(opts),
                                   _Action(opts), _Reason(opts))
  ToStdout("%s", uuid)
  return 0


def ReplaceFilter(opts, args):
  (uuid, ) = args
  result = GetClient().ReplaceFilter(uuid, opts.priority, _Predicates(opts),
                                     _Action(opts), _Reason(opts))
  ToStdout("%s", result)
  return 0


def DeleteFilter(opts, args):
  (uuid, ) = args
  GetClient().DeleteFilter(uuid)
  return 0


def ListFilters(opts, args):
  selected = cli.ParseFields(opts.output, _LIST_DEF_FIELDS)
  return cli_query.GenericList(qfields.QR_FILTER, selected, args, None,
                               opts.separator, not opts.no_headers,
                               cl=GetClient(), verbose=opts.verbose,
                               namefield="uuid")


def ListFilterFields(opts, args):
  return cli_query.GenericListFields(qfields.QR_FILTER, args, opts.separator,
                                     not opts.no_headers, cl=GetClient())


def ShowFilter(opts, args):
  rows = GetClient().QueryFilters(args, _LIST_DEF_FIELDS)
  for (uuid, watermark, priority, predicates, action, trail) in rows:
    ToStdout("UUID: %s", uuid)
    ToStdout("  Watermark: %s", watermark)
    ToStdout("  Priority: %s", priority)
    ToStdout("  Predicates: %s", predicates)
    ToStdout("  Action: %s", action)
    ToStdout("  Reason trail: %s", trail)
  return 0


FILTER_PRIORITY_OPT = cli_option("--priority", dest="priority", default=0,
                                 type="int",
                                 help="Priority for filter processing")
FILTER_PREDICATES_OPT = cli_option(
  "--predicates", dest="predicates", default=[],
  help="List of predicates in the Ganeti query language, given as a JSON"
  " list.")
FILTER_ACTION_OPT = cli_option(
  "--action", dest="action", default=jfilters.ACTION_CONTINUE,
  help="The effect of the filter. Can be one of 'ACCEPT', 'PAUSE',"
  " 'REJECT', 'CONTINUE' and '[RATE_LIMIT, n]', where n is a positive"
  " integer.")

_RULE_OPTS = [FILTER_PRIORITY_OPT, FILTER_PREDICATES_OPT, FILTER_ACTION_OPT]

commands = {
  "add": (AddFilter, ARGS_NONE, _RULE_OPTS, "", "Adds a new filter rule"),
  "list": (ListFilters, [ArgUnknown()],
           [NOHDR_OPT, SEP_OPT, FIELDS_OPT, VERBOSE_OPT],
           "[<filter-uuid>...]",
           "Lists the job filter rules. The available fields can be shown"
           " using the \"list-fields\" command (see the man page for"
           " details). The default list is (in order): %s." %
           utils.CommaJoin(_LIST_DEF_FIELDS)),
  "list-fields": (ListFilterFields, [ArgUnknown()], [NOHDR_OPT, SEP_OPT],
                  "[<fields>...]", "Lists all available fields for filters"),
  "info": (ShowFilter, [ArgUnknown()], [], "[<filter-uuid>...]",
           "Shows information about the filter(s)"),
  "replace": (ReplaceFilter, [ArgUnknown(min=1, max=1)], _RULE_OPTS,
              "<filter-uuid>", "Replaces a filter"),
  "delete": (DeleteFilter, [ArgUnknown(min=1, max=1)], [], "<filter-uuid>",
             "Removes a filter"),
}


def Main():
  return cli.GenericMain(commands)
