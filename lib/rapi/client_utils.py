"""Helpers for programs using the RAPI client: follow a job as gnt-* do.

Usage::

  from ganeti.rapi import client, client_utils
  cl = client.GanetiRapiClient("master.example.com")
  results = client_utils.PollJob(cl, job_id, cli.StdioJobPollReportCb())

"""

from ganeti import cli
from ganeti.rapi import client

#: What the RAPI answers for "nothing changed in time"
_JOB_NOTCHANGED = "nochange"


class RapiJobPollCb:
  """The job-polling interface of L{cli.GenericPollJob} over RAPI."""

  def __init__(self, cl):
    """@param cl: a L{client.GanetiRapiClient}"""
    self.cl = cl

  def WaitForJobChangeOnce(self, job_id, fields, prev_job_info,
                           prev_log_serial, timeout=None):
    """(job info, log entries), "nochange", or None for an unknown job."""
    try:
      result = self.cl.WaitForJobChange(job_id, fields, prev_job_info,
                                        prev_log_serial)
    except client.GanetiApiError as err:
      if err.code == client.HTTP_NOT_FOUND:
        return None
      raise
    if result is None:
      return _JOB_NOTCHANGED
    return (result["job_info"], result["log_entries"])

  def QueryJobs(self, job_ids, fields):
    """The values of the fields of one job ([None] if it is unknown)."""
    if len(job_ids) != 1:
      raise NotImplementedError("Only one job supported at this time")
    try:
      result = self.cl.GetJobStatus(job_ids[0])
    except client.GanetiApiError as err:
      if err.code == client.HTTP_NOT_FOUND:
        return [None]
      raise
    return [[result[name] for name in fields]]

  def CancelJob(self, job_id):
    return self.cl.CancelJob(job_id)


def PollJob(rapi_client, job_id, reporter):
  """Follow a job to its end, reporting its log; return its opcode results.

  @param reporter: e.g. L{cli.StdioJobPollReportCb}
  @raise errors.OpExecError: if the job failed (as L{cli.PollJob})

  """
  return cli.GenericPollJob(job_id, RapiJobPollCb(rapi_client), reporter)
