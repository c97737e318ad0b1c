"""RAPI resources of the cluster: version, info, features, OS list,
cluster modification, generic queries and job filters."""

from ganeti import constants
from ganeti import rapi
from ganeti.rapi import baserlib

#: /2/features
INST_CREATE_REQV1 = "instance-create-reqv1"
INST_REINSTALL_REQV1 = "instance-reinstall-reqv1"
NODE_MIGRATE_REQV1 = "node-migrate-reqv1"
NODE_EVAC_RES1 = "node-evac-res1"
ALL_FEATURES = [INST_CREATE_REQV1, INST_REINSTALL_REQV1, NODE_MIGRATE_REQV1,
                NODE_EVAC_RES1]

#: Query resources reachable through /2/query
QR_VIA_RAPI = ("export", "filter", "group", "instance", "job", "lock",
               "network", "node")

#: Fields of /2/filters?bulk=1 and /2/filters/[uuid]
FILTER_RULE_FIELDS = ["action", "predicates", "priority", "reason_trail",
                      "uuid", "watermark"]

#: Fields of /2/os?bulk=1 (3.1)
OS_BULK_FIELDS = ["name", "valid", "variants", "parameters", "api_versions",
                  "blacklisted", "hidden", "trusted"]

#: WaitForJobChange's answer when nothing changed
JOB_NOTCHANGED = "nochange"


class R_root(baserlib.ResourceBase):
  def GET(self):
    """Legacy entry point; returns null."""
    return None


class R_version(baserlib.ResourceBase):
  def GET(self):
    """The remote API version (the integer 2)."""
    return constants.RAPI_VERSION


class R_2(baserlib.ResourceBase):
  def GET(self):
    """Legacy entry point of version 2; returns null."""
    return None


class R_2_info(baserlib.ResourceBase):
  def GET(self):
    """Cluster information (LUXI QueryClusterInfo)."""
    info = self.Luxi("QueryClusterInfo")
    if isinstance(info, dict):
      info.setdefault("vg_name", info.get("volume_group_name"))
      info.setdefault("drbd_helper", info.get("drbd_usermode_helper"))
    return info


class R_2_features(baserlib.ResourceBase):
  def GET(self):
    """The feature strings this RAPI supports."""
    return list(ALL_FEATURES)


def WaitForJobResult(res, job_id, timeout=300):
  """Wait (via WaitForJobChange) until the job ends; return its opresult.

  @raise baserlib.RapiError: 500 if the job did not succeed
  """
  import time
  deadline = time.monotonic() + timeout
  prev = None
  while time.monotonic() < deadline:
    result = res.Luxi("WaitForJobChangeOnce", job_id, ["status"], prev, None)
    if result is None:
      raise baserlib.RapiError(500, "Job %s disappeared" % job_id)
    if result != JOB_NOTCHANGED:
      (prev, _) = result
      if prev[0] in constants.JOBS_FINALIZED:
        break
  ((status, opresult), ) = res.Luxi("QueryJobs", [job_id],
                                    ["status", "opresult"])
  if status != constants.JOB_STATUS_SUCCESS:
    msg = opresult
    if opresult and isinstance(opresult[-1], (list, tuple)) and \
        len(opresult[-1]) == 2:
      msg = opresult[-1][1]
    raise baserlib.RapiError(500, "Job %s failed: %s" % (job_id, msg))
  return opresult


def CalculateOSNames(name, variants):
  if variants:
    return ["%s+%s" % (name, v) for v in variants]
  return [name]


class R_2_os(baserlib.ResourceBase):
  BULK_FIELDS = OS_BULK_FIELDS
  LIST_RESULT = "names"
  GET_QUERY = ("bulk", )

  def GET(self):
    """Valid OS names (name+variant), or with ?bulk=1 full OS objects
    (runs OP_OS_DIAGNOSE and waits for it)."""
    opcls = baserlib.GetOpcodeClass("OP_OS_DIAGNOSE")
    bulk = self.useBulk()
    fields = OS_BULK_FIELDS if bulk else ["name", "variants", "valid"]
    op = self.FillOpcode(opcls, None, {"output_fields": fields,
                                       "names": []})
    job_id = self.SubmitJob([op])
    data = WaitForJobResult(self, job_id)[0]
    if not isinstance(data, list):
      raise baserlib.RapiError(500, "Can't get OS list")
    if bulk:
      return [baserlib.MapFields(fields, row) for row in data]
    names = []
    for (name, variants, valid) in data:
      if valid:
        names.extend(CalculateOSNames(name, variants))
    return names


class R_2_cluster_modify(baserlib.ResourceBase):
  PUT_OPCODE = "OP_CLUSTER_SET_PARAMS"
  FORBIDDEN = ("compression_tools", )

  def GetPutOpInput(self):
    body = self.BodyDict()
    for name in self.FORBIDDEN:
      if name in body:
        raise baserlib.RapiError(403, "The parameter %s cannot be set via"
                                 " RAPI" % name)
    return (body, {})


class R_2_redist_config(baserlib.ResourceBase):
  PUT_OPCODE = "OP_CLUSTER_REDIST_CONF"


def _SplitQueryFields(text):
  return [i.strip() for i in text.split(",")]


class R_2_query(baserlib.ResourceBase):
  GET_ACCESS = [rapi.RAPI_ACCESS_WRITE, rapi.RAPI_ACCESS_READ]
  PUT_ACCESS = [rapi.RAPI_ACCESS_WRITE, rapi.RAPI_ACCESS_READ]
  PUT_BODY = {"fields": ("list", "Fields to return"),
              "qfilter": ("list", "Query filter (query language as a"
                          " list)"),
              "filter": ("list", "Old name of qfilter")}

  def _Query(self, fields, qfilter):
    return self.Luxi("Query", self.items[0], fields, qfilter)

  def _Fields(self):
    text = self._checkStringVariable("fields")
    if text is None:
      raise baserlib.HttpBadRequest("Missing 'fields' query argument")
    return _SplitQueryFields(text)

  def GET(self):
    """Query the resource (?fields=a,b; no filter): LUXI Query."""
    return self._Query(self._Fields(), None)

  def PUT(self):
    """Query with a body {fields, qfilter}: LUXI Query."""
    body = self.BodyDict()
    if "fields" in body:
      fields = baserlib.CheckType(body["fields"], list, "'fields' parameter")
    else:
      fields = self._Fields()
    qfilter = body.get("qfilter")
    if qfilter is None:
      qfilter = body.get("filter")
    if qfilter is not None:
      baserlib.CheckType(qfilter, list, "'qfilter' parameter")
    return self._Query(fields, qfilter)


class R_2_query_fields(baserlib.ResourceBase):
  def GET(self):
    """Field definitions of the resource (?fields=a,b to select)."""
    text = self._checkStringVariable("fields")
    fields = _SplitQueryFields(text) if text else None
    return self.Luxi("QueryFields", self.items[0], fields)


def _CheckFilterParameters(data):
  if data is None:
    data = {}
  if not isinstance(data, dict):
    raise baserlib.HttpBadRequest("Invalid body contents, not a dictionary")
  priority = data.get("priority", 0)
  predicates = data.get("predicates", [])
  action = data.get("action", "CONTINUE")
  reason = data.get("reason", [])
  if not isinstance(priority, int) or isinstance(priority, bool):
    raise baserlib.HttpBadRequest("'priority' must be an integer")
  if not isinstance(predicates, list):
    raise baserlib.HttpBadRequest("'predicates' must be a list")
  if not isinstance(reason, list):
    raise baserlib.HttpBadRequest("'reason' must be a list")
  return (priority, predicates, action, reason)


_FILTER_BODY = {
  "priority": ("integer", "Priority (lower is earlier; default 0)"),
  "predicates": ("list", "Predicates (default [])"),
  "action": ("any", "CONTINUE (default), ACCEPT, PAUSE, REJECT or"
             " [\"RATE_LIMIT\", n]"),
  "reason": ("list", "Reason trail"),
}


class R_2_filters(baserlib.ResourceBase):
  LIST_URI = ("/2/filters/%s", "uuid")
  BULK_FIELDS = FILTER_RULE_FIELDS
  POST_BODY = _FILTER_BODY

  def GET(self):
    """Filter rules: [{uuid, uri}] or, with ?bulk=1, full rules."""
    res = self.Luxi("Query", "filter", FILTER_RULE_FIELDS, None)
    rows = [baserlib.MapFields(FILTER_RULE_FIELDS,
                               [value for (_, value) in row])
            for row in res["data"]]
    if self.useBulk():
      return rows
    return baserlib.BuildUriList([r["uuid"] for r in rows], "/2/filters/%s",
                                 uri_fields=("uuid", "uri"))

  def POST(self):
    """Add a filter rule (LUXI ReplaceFilter); returns its uuid."""
    params = _CheckFilterParameters(self.request_body)
    return self.Luxi("CallMethod", "ReplaceFilter", [None] + list(params))


class R_2_filters_uuid(baserlib.ResourceBase):
  BULK_FIELDS = FILTER_RULE_FIELDS
  PUT_BODY = _FILTER_BODY

  def GET(self):
    """One filter rule."""
    uuid = self.items[0]
    res = self.Luxi("Query", "filter", FILTER_RULE_FIELDS,
                    ["=", "uuid", uuid])
    if not res["data"]:
      raise baserlib.HttpNotFound("Filter %s not found" % uuid)
    return baserlib.MapFields(FILTER_RULE_FIELDS,
                              [value for (_, value) in res["data"][0]])

  def PUT(self):
    """Replace (or create) the rule with this uuid; returns the uuid."""
    params = _CheckFilterParameters(self.request_body)
    return self.Luxi("CallMethod", "ReplaceFilter",
                     [self.items[0]] + list(params))

  def DELETE(self):
    """Delete the rule (LUXI DeleteFilter)."""
    return self.Luxi("CallMethod", "DeleteFilter", [self.items[0]])


class R_2_openapi(baserlib.ResourceBase):
  def GET(self):
    """The OpenAPI 3 description of this remote API."""
    from ganeti.rapi import openapi
    return openapi.GetDocument()
