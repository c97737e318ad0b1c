"""OP_CLUSTER_VERIFY (spawns the jobs) and OP_CLUSTER_VERIFY_CONFIG (the
cluster-wide checks that need no node: configuration consistency,
certificates, hypervisor parameter names, dangling nodes and instances)."""

import calendar
import os
import time

from ganeti import constants
from ganeti import errors
from ganeti import locking
from ganeti import opcodes
from ganeti import pathutils
from ganeti import utils
from ganeti.cmdlib.base import NoHooksLU, ResultWithJobs
from ganeti.cmdlib.cluster_verify import ecodes
from ganeti.cmdlib.cluster_verify.ecodes import (
  ETYPE_ERROR, ETYPE_WARNING, VerifyErrors)

#: certificates expiring within this many days give a warning / an error
CERT_WARN_DAYS = 30
CERT_ERROR_DAYS = 7


def CheckVerifyArguments(op):
  """Refuse unknown error codes (``-I``) and unknown optional checks."""
  bad = sorted(set(op.ignore_errors or []) - ecodes.ALL_ECODE_STRINGS)
  if bad:
    raise errors.OpPrereqError("Unknown error code(s) to ignore: %s" %
                               utils.CommaJoin(bad), errors.ECODE_INVAL)
  bad = sorted(set(getattr(op, "skip_checks", None) or []) -
               ecodes.VERIFY_OPTIONAL_CHECKS)
  if bad:
    raise errors.OpPrereqError(
      "Unknown check(s) to skip: %s (valid: %s)" %
      (utils.CommaJoin(bad), utils.CommaJoin(sorted(
        ecodes.VERIFY_OPTIONAL_CHECKS))), errors.ECODE_INVAL)


class LUClusterVerify(NoHooksLU):
  """Submit one config job and one job per node group (each group job
  depends on the config job when the whole cluster is verified)."""
  REQ_BGL = False

  def CheckArguments(self):
    CheckVerifyArguments(self.op)

  def ExpandNames(self):
    self.needed_locks = {}

  def Exec(self, feedback_fn):
    jobs = []
    if self.op.group_name:
      groups = [self.cfg.LookupNodeGroup(self.op.group_name)]
      depends_fn = lambda: None  # noqa: E731
    else:
      groups = sorted(self.cfg.GetAllNodeGroupsInfo())
      jobs.append([opcodes.OpClusterVerifyConfig(
        ignore_errors=self.op.ignore_errors,
        error_codes=self.op.error_codes, verbose=self.op.verbose,
        debug_simulate_errors=self.op.debug_simulate_errors)])
      depends_fn = lambda: [(-len(jobs), [])]  # noqa: E731
    for group in groups:
      jobs.append([opcodes.OpClusterVerifyGroup(
        group_name=group, ignore_errors=self.op.ignore_errors,
        depends=depends_fn(), error_codes=self.op.error_codes,
        verbose=self.op.verbose, skip_checks=self.op.skip_checks,
        debug_simulate_errors=self.op.debug_simulate_errors)])
    return ResultWithJobs(jobs)


class LUClusterVerifyConfig(NoHooksLU, VerifyErrors):
  REQ_BGL = False

  def CheckArguments(self):
    CheckVerifyArguments(self.op)

  def ExpandNames(self):
    self.needed_locks = {}
    self.share_locks = dict.fromkeys(locking.LEVELS, 1)

  def Exec(self, feedback_fn):
    self.bad = False
    self._feedback_fn = feedback_fn
    feedback_fn("* Verifying cluster config")
    for msg in self.cfg.VerifyConfig():
      self._Error(ecodes.ECLUSTERCFG, None, msg)
    feedback_fn("* Verifying cluster certificate files")
    paths = pathutils.Get()
    for cert in (paths.NODED_CERT_FILE, paths.RAPI_CERT_FILE,
                 paths.SPICE_CERT_FILE, paths.SPICE_CACERT_FILE):
      if cert not in (paths.NODED_CERT_FILE, paths.RAPI_CERT_FILE) and \
          not os.path.exists(cert):
        continue  # SPICE certificates are optional here
      (errcode, msg) = VerifyCertificate(cert)
      if errcode is not None:
        self._Error(ecodes.ECLUSTERCERT, None, msg, code=errcode)
    feedback_fn("* Verifying hypervisor parameters")
    cluster = self.cfg.GetClusterInfo()
    self._VerifyHVP(GetAllHypervisorParameters(
      cluster, self.cfg.GetAllInstancesInfo().values()))
    feedback_fn("* Verifying all nodes belong to an existing group")
    groups = self.cfg.GetAllNodeGroupsInfo()
    dangling = [n.name for n in self.cfg.GetAllNodesInfo().values()
                if n.group not in groups]
    self._ErrorIf(dangling, ecodes.ECLUSTERDANGLINGNODES, None,
                  "the following nodes (and their instances) belong to a non"
                  " existing group: %s", utils.CommaJoin(dangling))
    nodes = self.cfg.GetAllNodesInfo()
    dangling_inst = [i.name for i in self.cfg.GetAllInstancesInfo().values()
                     if i.primary_node not in nodes]
    self._ErrorIf(dangling_inst, ecodes.ECLUSTERDANGLINGINST, None,
                  "the following instances have a non-existing primary-node:"
                  " %s", utils.CommaJoin(dangling_inst))
    return not self.bad

  def _VerifyHVP(self, hvp_data):
    """Report parameter names a hypervisor does not have (ECLUSTERCFG).

    Ganeti runs the hypervisor classes' syntax check here; cmdlib cannot
    reach them (DESIGN.md section 2), so this checks the names (with the
    messages of Ganeti's type and syntax checks) and the nodes check the
    values (``hvparms`` of node_verify, reported as ENODEHV).  Ganeti's
    message names the source and the hypervisor the other way round.
    """
    known = set()
    for defaults in constants.HVC_DEFAULTS.values():
      known.update(defaults)
    for (source, hv_name, hv_params) in hvp_data:
      own = constants.HVC_DEFAULTS.get(hv_name, {})
      for key in sorted(hv_params):
        if key not in known:
          err = "Unknown parameter '%s'" % key
        elif key not in own:
          err = "Parameter '%s' is not supported" % key
        else:
          continue
        self._Error(ecodes.ECLUSTERCFG, None,
                    "hypervisor %s parameters syntax check (source %s):"
                    " %s", source, hv_name, err)
        break


def GetAllHypervisorParameters(cluster, instances):
  """[source, hypervisor, full parameters] for every set in use.

  The sources are ``cluster`` (each enabled hypervisor), ``os NAME`` (an
  OS's overrides on top of the cluster values) and ``instance NAME`` (an
  instance with parameters of its own, fully filled); only enabled
  hypervisors are listed.
  """
  enabled = list(cluster.enabled_hypervisors)
  data = [["cluster", hv, cluster.GetHVDefaults(hv)] for hv in enabled]
  for os_name in sorted(cluster.os_hvp or {}):
    for (hv, params) in sorted(cluster.os_hvp[os_name].items()):
      if params and hv in enabled:
        data.append(["os %s" % os_name, hv,
                     cluster.GetHVDefaults(hv, os_name=os_name)])
  for inst in sorted(instances, key=lambda i: utils.NiceSortKey(i.name)):
    if inst.hvparams and inst.hypervisor in enabled:
      data.append(["instance %s" % inst.name, inst.hypervisor,
                   cluster.FillHV(inst)])
  return data


def _Asn1Time(value):
  if value is None:
    return None
  text = value.decode("ascii") if isinstance(value, bytes) else value
  return calendar.timegm(time.strptime(text, "%Y%m%d%H%M%SZ"))


def CertificateValidity(expired, not_before, not_after, now,
                        warn_days=CERT_WARN_DAYS,
                        error_days=CERT_ERROR_DAYS):
  """(None, None) for a good certificate, else (ETYPE_*, message).

  ``now`` already includes the allowed clock skew; times are UNIX
  timestamps or None when the certificate does not say.
  """
  if expired:
    msg = "Certificate is expired"
    if not_before is not None and not_after is not None:
      msg += " (valid from %s to %s)" % (utils.FormatTime(not_before),
                                         utils.FormatTime(not_after))
    elif not_after is not None:
      msg += " (valid until %s)" % utils.FormatTime(not_after)
    return (ETYPE_ERROR, msg)
  if not_before is not None and not_before > now:
    return (ETYPE_WARNING, "Certificate not yet valid (valid from %s)" %
            utils.FormatTime(not_before))
  if not_after is not None:
    days = int((not_after - now) / 86400)
    msg = "Certificate expires in about %d days" % days
    if error_days is not None and days <= error_days:
      return (ETYPE_ERROR, msg)
    if warn_days is not None and days <= warn_days:
      return (ETYPE_WARNING, msg)
  return (None, None)


def VerifyCertificate(path, _now=None):
  """Return (None, None) if the PEM certificate at ``path`` is fine, else
  (ETYPE_*, message naming the file)."""
  try:
    from OpenSSL import crypto  # pylint: disable=C0415
    cert = crypto.load_certificate(crypto.FILETYPE_PEM,
                                   utils.ReadBinaryFile(path))
  except Exception as err:  # pylint: disable=broad-except
    return (ETYPE_ERROR, "Failed to load X509 certificate %s: %s" %
            (path, err))
  now = (_now if _now is not None else time.time()) + \
    constants.NODE_MAX_CLOCK_SKEW
  (errcode, msg) = CertificateValidity(
    cert.has_expired(), _Asn1Time(cert.get_notBefore()),
    _Asn1Time(cert.get_notAfter()), now)
  if errcode is None:
    return (None, None)
  return (errcode, "While verifying %s: %s" % (path, msg))
