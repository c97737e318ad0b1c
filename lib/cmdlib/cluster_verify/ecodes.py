"""The error codes of cluster verification and how problems are reported.

Each code is a triple ``(object type, code, description)`` as in Ganeti
(``constants.CV_E*``); the code string is what ``-I/--ignore-errors`` and
the parseable ``--error-codes`` output use.  :class:`VerifyErrors` is the
mixin the verify LUs share: one line per problem, ERROR lines make the
result false, ignored codes are demoted to WARNING.
"""

TCLUSTER = "cluster"
TNODE = "node"
TINSTANCE = "instance"
TGROUP = "group"

ETYPE_ERROR = "ERROR"
ETYPE_WARNING = "WARNING"

#: the skip_checks value of ``--no-nplus1-mem``
VERIFY_NPLUSONE_MEM = "nplusone_mem"
#: the skip_checks value of ``--no-hv-param-assessment``
VERIFY_HVPARAM_ASSESSMENT = "hvparam_assessment"
VERIFY_OPTIONAL_CHECKS = frozenset([VERIFY_NPLUSONE_MEM,
                                    VERIFY_HVPARAM_ASSESSMENT])

ECLUSTERCERT = (TCLUSTER, "ECLUSTERCERT",
                "Cluster certificate files verification failure")
ECLUSTERCFG = (TCLUSTER, "ECLUSTERCFG",
               "Cluster configuration verification failure")
ECLUSTERDANGLINGINST = (TNODE, "ECLUSTERDANGLINGINST",
                        "Some instances have a non-existing primary node")
ECLUSTERDANGLINGNODES = (TNODE, "ECLUSTERDANGLINGNODES",
                         "Some nodes belong to non-existing groups")
ECLUSTERFILECHECK = (TCLUSTER, "ECLUSTERFILECHECK",
                     "Cluster configuration verification failure")
EGROUPDIFFERENTPVSIZE = (TGROUP, "EGROUPDIFFERENTPVSIZE",
                         "PVs in the group have different sizes")
EINSTANCEBADNODE = (TINSTANCE, "EINSTANCEBADNODE",
                    "Instance marked as running lives on an offline node")
EINSTANCEDOWN = (TINSTANCE, "EINSTANCEDOWN",
                 "Instance not running on its primary node")
EINSTANCEFAULTYDISK = (TINSTANCE, "EINSTANCEFAULTYDISK",
                       "Impossible to retrieve status for a disk")
EINSTANCELAYOUT = (TINSTANCE, "EINSTANCELAYOUT",
                   "Instance has multiple secondary nodes")
EINSTANCEMISSINGCFGPARAMETER = (
  TINSTANCE, "EINSTANCEMISSINGCFGPARAMETER",
  "A configuration parameter for an instance is missing")
EINSTANCEMISSINGDISK = (TINSTANCE, "EINSTANCEMISSINGDISK",
                        "Missing volume on an instance")
EINSTANCEPOLICY = (TINSTANCE, "EINSTANCEPOLICY",
                   "Instance does not meet policy")
EINSTANCESPLITGROUPS = (TINSTANCE, "EINSTANCESPLITGROUPS",
                        "Instance with primary and secondary nodes in"
                        " different groups")
EINSTANCEUNSUITABLENODE = (TINSTANCE, "EINSTANCEUNSUITABLENODE",
                           "Instance running on nodes that are not suitable"
                           " for it")
EINSTANCEWRONGNODE = (TINSTANCE, "EINSTANCEWRONGNODE",
                      "Instance running on the wrong node")
ENODEDRBD = (TNODE, "ENODEDRBD", "Error parsing the DRBD status file")
ENODEDRBDHELPER = (TNODE, "ENODEDRBDHELPER",
                   "Error caused by the DRBD helper")
ENODEDRBDVERSION = (TNODE, "ENODEDRBDVERSION",
                    "DRBD version mismatch within a node group")
ENODEFILECHECK = (TNODE, "ENODEFILECHECK",
                  "Error retrieving the checksum of the node files")
ENODEFILESTORAGEPATHS = (TNODE, "ENODEFILESTORAGEPATHS",
                         "Detected bad file storage paths")
ENODEFILESTORAGEPATHUNUSABLE = (TNODE, "ENODEFILESTORAGEPATHUNUSABLE",
                                "File storage path unusable")
ENODEHOOKS = (TNODE, "ENODEHOOKS",
              "Communication failure in hooks execution")
ENODEHV = (TNODE, "ENODEHV", "Hypervisor parameters verification failure")
ENODELVM = (TNODE, "ENODELVM", "LVM-related node error")
ENODEN1 = (TNODE, "ENODEN1",
           "Not enough memory to accommodate instance failovers")
ENODENET = (TNODE, "ENODENET", "Network-related node error")
ENODEOOBPATH = (TNODE, "ENODEOOBPATH", "Invalid Out Of Band path")
ENODEORPHANINSTANCE = (TNODE, "ENODEORPHANINSTANCE",
                       "Unknown intance running on a node")
ENODEORPHANLV = (TNODE, "ENODEORPHANLV", "Unknown LVM logical volume")
ENODEOS = (TNODE, "ENODEOS", "OS-related node error")
ENODERPC = (TNODE, "ENODERPC",
            "Error during connection to the primary node of an instance")
ENODESETUP = (TNODE, "ENODESETUP", "Node setup error")
ENODESHAREDFILESTORAGEPATHUNUSABLE = (
  TNODE, "ENODESHAREDFILESTORAGEPATHUNUSABLE",
  "Shared file storage path unusable")
ENODESSH = (TNODE, "ENODESSH", "SSH-related node error")
ENODETIME = (TNODE, "ENODETIME", "Node returned invalid time")
ENODEUSERSCRIPTS = (TNODE, "ENODEUSERSCRIPTS",
                    "User scripts not present or not executable")
ENODEVERSION = (TNODE, "ENODEVERSION",
                "Protocol version mismatch or Ganeti version mismatch")

ALL_ECODES = sorted((v for (k, v) in list(globals().items())
                     if k.startswith("E") and isinstance(v, tuple) and
                     len(v) == 3), key=lambda e: e[1])
ALL_ECODE_STRINGS = frozenset(e[1] for e in ALL_ECODES)


def FormatError(ltype, ecode, item, msg, error_codes):
  """One verify line (without the leading ``"  - "``).

  The human form is ``TYPE: objtype name: msg``; with ``error_codes`` the
  parseable ``TYPE:CODE:objtype:name:msg`` (a missing name prints as
  ``None`` there, as Ganeti does).
  """
  (itype, etxt, _) = ecode
  if error_codes:
    return "%s:%s:%s:%s:%s" % (ltype, etxt, itype, item, msg)
  shown = " %s" % item if item else ""
  return "%s: %s%s: %s" % (ltype, itype, shown, msg)


class VerifyErrors:
  """Mixin: report problems the way Ganeti's verify does.

  Users set ``self.bad = False`` and ``self._feedback_fn`` before the
  first report; ``self.op`` carries ``ignore_errors``, ``error_codes`` and
  ``debug_simulate_errors``.
  """

  def _ErrorIf(self, cond, ecode, item, msg, *args, **kwargs):
    """Report ``msg % args`` for ``item`` if ``cond`` (or if errors are
    simulated); ``code=ETYPE_WARNING`` reports a warning."""
    simulate = bool(getattr(self.op, "debug_simulate_errors", False))
    if not (cond or simulate):
      return
    ltype = kwargs.get("code", ETYPE_ERROR)
    if ecode[1] in (self.op.ignore_errors or []):
      ltype = ETYPE_WARNING
    if args:
      msg = msg % args
    self._feedback_fn("  - %s" % FormatError(ltype, ecode, item, msg,
                                             self.op.error_codes))
    if ltype == ETYPE_ERROR:
      self.bad = True

  def _Error(self, ecode, item, msg, *args, **kwargs):
    """Report unconditionally."""
    self._ErrorIf(True, ecode, item, msg, *args, **kwargs)
