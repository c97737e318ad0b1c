"""RAPI resources of jobs: list, info, cancel and the long-poll wait."""

from ganeti import rapi
from ganeti.rapi import baserlib

#: Fields of /2/jobs/[id]
J_FIELDS = ["end_ts", "id", "oplog", "opresult", "ops", "opstatus",
            "received_ts", "start_ts", "status", "summary"]
#: Fields of /2/jobs?bulk=1
J_FIELDS_BULK = [f for f in J_FIELDS if f not in ("oplog", "opresult")]

#: How long /2/jobs/[id]/wait waits for a change (seconds)
WFJC_TIMEOUT = 10
_JOB_NOTCHANGED = "nochange"


def _JobId(text):
  try:
    return int(text)
  except ValueError:
    raise baserlib.HttpBadRequest("Invalid job id '%s'" % text)


class R_2_jobs(baserlib.ResourceBase):
  LIST_URI = ("/2/jobs/%s", "id")
  BULK_FIELDS = J_FIELDS_BULK
  QUERY_KIND = "job"

  def GET(self):
    """Jobs: [{id, uri}] or, with ?bulk=1, job objects."""
    if self.useBulk():
      rows = self.Luxi("QueryJobs", None, J_FIELDS_BULK)
      return baserlib.MapBulkFields([r for r in rows if r is not None],
                                    J_FIELDS_BULK)
    rows = self.Luxi("QueryJobs", None, ["id"])
    return baserlib.BuildUriList([int(r[0]) for r in rows if r is not None],
                                 "/2/jobs/%s", uri_fields=("id", "uri"))


class R_2_jobs_id(baserlib.ResourceBase):
  BULK_FIELDS = J_FIELDS
  QUERY_KIND = "job"

  def GET(self):
    """One job (J_FIELDS)."""
    job_id = _JobId(self.items[0])
    rows = self.Luxi("QueryJobs", [job_id], J_FIELDS)
    if not rows or rows[0] is None:
      raise baserlib.HttpNotFound()
    return baserlib.MapFields(J_FIELDS, rows[0])

  def DELETE(self):
    """Cancel the job; returns [success, message]."""
    return list(self.Luxi("CancelJob", _JobId(self.items[0])))


class R_2_jobs_id_wait(baserlib.ResourceBase):
  GET_ACCESS = [rapi.RAPI_ACCESS_WRITE]
  GET_BODY = {"fields": ("list", "Job fields to return (required)"),
              "previous_job_info": ("list", "The field values the client"
                                    " already has"),
              "previous_log_serial": ("integer", "Serial of the last log"
                                      " entry the client has")}

  def GET(self):
    """Wait (up to 10 s) for a change of the job; null if none, else
    {job_info, log_entries}."""
    job_id = _JobId(self.items[0])
    fields = self.getBodyParameter("fields")
    prev_job_info = self.getBodyParameter("previous_job_info", None)
    prev_log_serial = self.getBodyParameter("previous_log_serial", None)
    if not isinstance(fields, list):
      raise baserlib.HttpBadRequest("The 'fields' parameter should be a"
                                    " list")
    if not (prev_job_info is None or isinstance(prev_job_info, list)):
      raise baserlib.HttpBadRequest("The 'previous_job_info' parameter"
                                    " should be a list")
    if not (prev_log_serial is None or
            (isinstance(prev_log_serial, int) and
             not isinstance(prev_log_serial, bool))):
      raise baserlib.HttpBadRequest("The 'previous_log_serial' parameter"
                                    " should be a number")
    result = self.Luxi("WaitForJobChangeOnce", job_id, fields,
                       prev_job_info, prev_log_serial, WFJC_TIMEOUT)
    if not result:
      raise baserlib.HttpNotFound()
    if result == _JOB_NOTCHANGED:
      return None
    (job_info, log_entries) = result
    return {"job_info": job_info, "log_entries": log_entries}
