"""OS checks of the instance LUs: variants, blacklist, OS parameters.

OS parameters come in three kinds (ganeti-os-interface(7),
gnt-instance(8)):

* public (``-O``, ``osparams``): stored in the configuration, shown
  everywhere;
* private (``--os-parameters-private``, ``osparams_private``): stored in
  the configuration, but masked as ``<redacted>`` in job files, job
  queries and ``gnt-instance info``;
* secret (``--os-parameters-secret``, ``osparams_secret``): passed to the
  OS scripts of the one job that carries them and stored nowhere.

All three reach the OS scripts as ``OSP_<NAME>`` variables, secret over
private over public over the cluster's per-OS defaults.  For an API 20 OS
the ``verify`` script checks them (``verify parameters``) on every node
of the instance before anything is created.
"""

from ganeti import errors
from ganeti import objects
from ganeti.cmdlib.cluster_params import GetUpdatedParams


def CheckOSVariant(os_obj, name):
  """Check the variant part of ``name`` against the OS's variants.

  @param os_obj: the OS as a dict (``objects.OS.ToDict``, as ``os_get``
      returns it) or an L{objects.OS}
  @raise errors.OpPrereqError: with Ganeti's messages (ECODE_INVAL)
  """
  if isinstance(os_obj, dict):
    os_obj = objects.OS.FromDict(os_obj)
  variant = objects.OS.GetVariant(name)
  if not os_obj.supported_variants:
    if variant:
      raise errors.OpPrereqError("OS '%s' doesn't support variants ('%s'"
                                 " passed)" % (os_obj.name, variant),
                                 errors.ECODE_INVAL)
    return
  if not variant:
    raise errors.OpPrereqError("OS name must include a variant",
                               errors.ECODE_INVAL)
  if variant not in os_obj.supported_variants:
    raise errors.OpPrereqError("Unsupported OS variant", errors.ECODE_INVAL)


def CheckNodeHasOS(lu, node_uuid, os_name, force_variant):
  """The OS must exist, be valid and trusted on the node; check its variant.

  Only used before running the OS's create script (add, reinstall).
  @raise errors.OpPrereqError: missing/invalid/untrusted OS or a bad
      variant
  """
  result = lu.rpc.call_os_get(node_uuid, objects.OS.GetName(os_name))
  result.Raise("OS '%s' not in supported OS list for node %s" %
               (os_name, lu.cfg.GetNodeName(node_uuid)), prereq=True,
               ecode=errors.ECODE_INVAL)
  os_obj = objects.OS.FromDict(result.payload or {})
  if not force_variant:
    CheckOSVariant(os_obj, os_name)
  if os_obj.trusted is False:
    raise errors.OpPrereqError("OS '%s' is untrusted (it only has a"
                               " create_untrusted script) and can only be"
                               " installed in a safe environment, which is"
                               " not supported" % os_obj.name,
                               errors.ECODE_STATE)


def CheckOSNotBlacklisted(cluster, os_name):
  """New instances may not use a blacklisted OS (reinstalls may).

  @raise errors.OpPrereqError: ECODE_STATE
  """
  blacklisted = cluster.blacklisted_os or []
  if os_name in blacklisted or objects.OS.GetName(os_name) in blacklisted:
    raise errors.OpPrereqError("Guest OS '%s' is not allowed for"
                               " installation" % os_name,
                               errors.ECODE_STATE)


def _ClusterOsDefaults(params_by_os, os_name):
  """The cluster's per-OS defaults: those of the OS, then of os+variant."""
  result = dict(params_by_os.get(objects.OS.GetName(os_name)) or {})
  if objects.OS.GetVariant(os_name):
    result.update(params_by_os.get(os_name) or {})
  return result


def FillOsParams(cluster, os_name, public, private=None, secret=None):
  """Every OS parameter an OS script will see for these settings.

  Order of precedence (last wins): cluster defaults for the OS (public,
  then private), the instance's public, private and secret parameters.
  """
  result = _ClusterOsDefaults(cluster.osparams or {}, os_name)
  result.update(_ClusterOsDefaults(cluster.osparams_private_cluster or {},
                                   os_name))
  for params in (public, private, secret):
    result.update(params or {})
  return result


def UpdateInstanceOsParams(instance, op):
  """The instance's (public, private) parameters after applying ``op``.

  ``default`` as a value removes a parameter (Ganeti's convention).
  """
  public = GetUpdatedParams(instance.osparams or {}, op.osparams or {})
  private = GetUpdatedParams(instance.osparams_private or {},
                             op.osparams_private or {})
  return (public, private)


def CheckOSParams(lu, required, node_uuids, os_name, osparams,
                  force_variant):
  """Run the OS's parameter check (``verify parameters``) on the nodes.

  Only vm-capable nodes are asked.  API < 20 OSes accept anything; for
  API 20 the names must be in ``parameters.list`` and ``verify`` must
  succeed.

  @param required: whether a node lacking the OS is an error (else it
      is skipped with a message)
  @raise errors.OpPrereqError: validation failed on a node
  """
  if not os_name:
    return
  cfg = lu.cfg
  nodes = [uuid for uuid in node_uuids if cfg.GetNodeInfo(uuid).vm_capable]
  if not nodes:
    return
  result = lu.rpc.call_os_validate(nodes, required, os_name,
                                   ["parameters"], dict(osparams),
                                   force_variant)
  for node_uuid in nodes:
    nres = result[node_uuid]
    nres.Raise("OS Parameters validation failed on node %s" %
               cfg.GetNodeName(node_uuid), prereq=True,
               ecode=errors.ECODE_INVAL)
    if not nres.payload:
      lu.LogInfo("OS %s not found on node %s, validation skipped",
                 os_name, cfg.GetNodeName(node_uuid))


def UpdateClusterOsParams(current, changes):
  """The cluster's per-OS parameter dict after ``gnt-os modify``-like changes.

  @param current: {os name: {parameter: value}} (not modified)
  @param changes: {os name: {parameter: value or "default"/None}}, or an
      OS mapped to None to drop all its parameters
  @return: the new dict; OSes left without parameters are dropped
  """
  result = dict((name, dict(params)) for (name, params) in current.items())
  for (os_name, osp) in (changes or {}).items():
    if osp is None:
      result.pop(os_name, None)
      continue
    new = GetUpdatedParams(result.get(os_name, {}), osp, use_default=True,
                           use_none=True)
    if new:
      result[os_name] = new
    else:
      result.pop(os_name, None)
  return result


def CheckClusterOsParams(lu, cluster, public, private):
  """Validate the cluster's new per-OS defaults on the master node.

  Only the OSes whose entries changed are checked; an OS missing on the
  master is skipped (the settings may precede its installation).  The
  defaults of a bare OS name apply to all its variants, so the variant is
  not checked (the verify script sees the first variant).
  """
  master = lu.cfg.GetMasterNode()
  for os_name in sorted(set(public) | set(private)):
    params = dict(public.get(os_name) or {})
    params.update(private.get(os_name) or {})
    CheckOSParams(lu, False, [master], os_name, params, True)
