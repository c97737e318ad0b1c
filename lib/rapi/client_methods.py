"""The resource methods of L{ganeti.rapi.client.GanetiRapiClient}.

Mixin classes, one per group of resources; each method builds one request
(method, ``/2/...`` path, query arguments, JSON body) exactly as Ganeti's
client does and returns the decoded answer. ``reason`` adds a ``reason``
query argument, ``dry_run`` a ``dry-run=1`` one.
"""

import time

from ganeti.rapi.client_base import (
  GanetiApiError, HTTP_GET, HTTP_PUT, HTTP_POST, HTTP_DELETE,
  HTTP_NOT_FOUND, GANETI_RAPI_VERSION, REPLACE_DISK_AUTO, NODE_EVAC_SEC,
  JOB_STATUS_SUCCESS, JOB_STATUS_FINALIZED, INST_CREATE_REQV1,
  INST_REINSTALL_REQV1, NODE_MIGRATE_REQV1, NODE_EVAC_RES1,
  _REQ_DATA_VERSION_FIELD, _Query, _Tags, _Body, _V, EpochNano)


def _Names(items, bulk, key):
  return items if bulk else [item[key] for item in items]


class ClusterMethods:
  """Version, features, cluster info, modification and tags."""

  def GetVersion(self):
    """The RAPI version of the server (an integer, 2)."""
    return self._SendRequest(HTTP_GET, "/version", None, None)

  def GetFeatures(self):
    """The optional features of the server ([] for servers without the
    resource)."""
    try:
      return self._SendRequest(HTTP_GET, _V("/features"), None, None)
    except GanetiApiError as err:
      if err.code == HTTP_NOT_FOUND:
        return []
      raise

  def GetOperatingSystems(self, reason=None):
    return self._SendRequest(HTTP_GET, _V("/os"), _Query().Reason(reason),
                             None)

  def GetInfo(self, reason=None):
    return self._SendRequest(HTTP_GET, _V("/info"), _Query().Reason(reason),
                             None)

  def RedistributeConfig(self, reason=None):
    return self._SendRequest(HTTP_PUT, _V("/redistribute-config"),
                             _Query().Reason(reason), None)

  def ModifyCluster(self, reason=None, **kwargs):
    return self._SendRequest(HTTP_PUT, _V("/modify"), _Query().Reason(reason),
                             kwargs)

  def GetClusterTags(self, reason=None):
    return self._SendRequest(HTTP_GET, _V("/tags"), _Query().Reason(reason),
                             None)

  def AddClusterTags(self, tags, dry_run=False, reason=None):
    return self._SendRequest(HTTP_PUT, _V("/tags"),
                             _Tags(tags, dry_run, reason), None)

  def DeleteClusterTags(self, tags, dry_run=False, reason=None):
    return self._SendRequest(HTTP_DELETE, _V("/tags"),
                             _Tags(tags, dry_run, reason), None)

  def Query(self, what, fields, qfilter=None, reason=None):
    """PUT /2/query/C{what}: the rows of the fields (filter as wire form)."""
    body = {"fields": fields}
    if qfilter is not None:
      body["qfilter"] = qfilter
      body["filter"] = qfilter
    return self._SendRequest(HTTP_PUT, _V("/query/%s", what),
                             _Query().Reason(reason), body)

  def QueryFields(self, what, fields=None, reason=None):
    query = _Query().Reason(reason)
    query.AddIf(fields is not None, "fields",
                ",".join(fields or []))
    return self._SendRequest(HTTP_GET, _V("/query/%s/fields", what), query,
                             None)

  def GetFilters(self, bulk=False):
    """Filter rules: UUIDs, or dicts with C{bulk}."""
    return _Names(self._SendRequest(HTTP_GET, _V("/filters"),
                                    _Query().AddIf(bulk, "bulk"), None),
                  bulk, "uuid")

  def GetFilter(self, filter_uuid):
    return self._SendRequest(HTTP_GET, _V("/filters/%s", filter_uuid), [],
                             None)

  @staticmethod
  def _FilterBody(priority, predicates, action, reason_trail):
    trail = list(reason_trail or [])
    trail.append(("gnt:client", "", EpochNano()))
    return {"priority": priority, "predicates": predicates,
            "action": action, "reason": trail}

  def AddFilter(self, priority, predicates, action, reason_trail=None):
    """Add a filter rule; returns its UUID."""
    return self._SendRequest(HTTP_POST, _V("/filters"), [],
                             self._FilterBody(priority, predicates, action,
                                              reason_trail))

  def ReplaceFilter(self, uuid, priority, predicates, action,
                    reason_trail=None):
    """Replace (or add) the filter rule C{uuid}; returns its UUID."""
    return self._SendRequest(HTTP_PUT, _V("/filters/%s", uuid), [],
                             self._FilterBody(priority, predicates, action,
                                              reason_trail))

  def DeleteFilter(self, uuid):
    return self._SendRequest(HTTP_DELETE, _V("/filters/%s", uuid), [], {})


class InstanceMethods:
  """/2/instances and its sub-resources."""

  def GetInstances(self, bulk=False, reason=None):
    """Instance names, or dicts of their details with C{bulk}."""
    query = _Query().AddIf(bulk, "bulk").Reason(reason)
    return _Names(self._SendRequest(HTTP_GET, _V("/instances"), query, None),
                  bulk, "id")

  def GetInstance(self, instance, reason=None):
    return self._SendRequest(HTTP_GET, _V("/instances/%s", instance),
                             _Query().Reason(reason), None)

  def GetInstanceInfo(self, instance, static=None, reason=None):
    """Submit an instance information job; returns the job id."""
    query = _Query().AddIf(static is not None, "static", static)
    return self._SendRequest(HTTP_GET, _V("/instances/%s/info", instance),
                             query.Reason(reason), None)

  def InstanceAllocation(self, mode, name, disk_template, disks, nics,
                         **kwargs):
    """The request dict of one instance (as CreateInstance sends it)."""
    alloc = {"mode": mode, "name": name, "disk_template": disk_template,
             "disks": disks, "nics": nics}
    self._UpdateWithKwargs(alloc, **kwargs)
    return alloc

  def InstancesMultiAlloc(self, instances, reason=None, **kwargs):
    body = {"instances": instances}
    self._UpdateWithKwargs(body, **kwargs)
    query = _Query().DryRun(kwargs.get("dry_run")).Reason(reason)
    return self._SendRequest(HTTP_POST, _V("/instances-multi-alloc"), query,
                             body)

  def CreateInstance(self, mode, name, disk_template, disks, nics,
                     reason=None, **kwargs):
    """Create an instance (request data version 1); returns the job id.

    @raise GanetiApiError: if the server lacks the instance-create-reqv1
      feature

    """
    query = _Query().DryRun(kwargs.get("dry_run")).Reason(reason)
    if INST_CREATE_REQV1 not in self.GetFeatures():
      raise GanetiApiError("Server does not support new-style (version 1)"
                           " instance creation requests")
    body = self.InstanceAllocation(mode, name, disk_template, disks, nics,
                                   **kwargs)
    body[_REQ_DATA_VERSION_FIELD] = 1
    return self._SendRequest(HTTP_POST, _V("/instances"), query, body)

  def DeleteInstance(self, instance, dry_run=False, reason=None, **kwargs):
    return self._SendRequest(HTTP_DELETE, _V("/instances/%s", instance),
                             _Query().DryRun(dry_run).Reason(reason), kwargs)

  def ModifyInstance(self, instance, reason=None, **kwargs):
    return self._SendRequest(HTTP_PUT, _V("/instances/%s/modify", instance),
                             _Query().Reason(reason), kwargs)

  def ActivateInstanceDisks(self, instance, ignore_size=None, reason=None):
    query = _Query().AddIf(ignore_size, "ignore_size").Reason(reason)
    return self._SendRequest(HTTP_PUT,
                             _V("/instances/%s/activate-disks", instance),
                             query, None)

  def DeactivateInstanceDisks(self, instance, reason=None, force=False):
    return self._SendRequest(HTTP_PUT,
                             _V("/instances/%s/deactivate-disks", instance),
                             _Query().Force(force).Reason(reason), None)

  def RecreateInstanceDisks(self, instance, disks=None, nodes=None,
                            reason=None, iallocator=None):
    return self._SendRequest(HTTP_POST,
                             _V("/instances/%s/recreate-disks", instance),
                             _Query().Reason(reason),
                             _Body(disks=disks, nodes=nodes,
                                   iallocator=iallocator))

  def GrowInstanceDisk(self, instance, disk, amount, wait_for_sync=None,
                       reason=None):
    return self._SendRequest(HTTP_POST,
                             _V("/instances/%s/disk/%s/grow", instance,
                                disk),
                             _Query().Reason(reason),
                             _Body(amount=amount,
                                   wait_for_sync=wait_for_sync))

  def GetInstanceTags(self, instance, reason=None):
    return self._SendRequest(HTTP_GET, _V("/instances/%s/tags", instance),
                             _Query().Reason(reason), None)

  def AddInstanceTags(self, instance, tags, dry_run=False, reason=None):
    return self._SendRequest(HTTP_PUT, _V("/instances/%s/tags", instance),
                             _Tags(tags, dry_run, reason), None)

  def DeleteInstanceTags(self, instance, tags, dry_run=False, reason=None):
    return self._SendRequest(HTTP_DELETE, _V("/instances/%s/tags", instance),
                             _Tags(tags, dry_run, reason), None)

  def RebootInstance(self, instance, reboot_type=None,
                     ignore_secondaries=None, dry_run=False, reason=None,
                     **kwargs):
    query = _Query().DryRun(dry_run).AddIf(reboot_type, "type", reboot_type)
    query.AddIf(ignore_secondaries is not None, "ignore_secondaries",
                ignore_secondaries)
    return self._SendRequest(HTTP_POST, _V("/instances/%s/reboot", instance),
                             query.Reason(reason), kwargs)

  def ShutdownInstance(self, instance, dry_run=False, no_remember=False,
                       reason=None, **kwargs):
    query = _Query().DryRun(dry_run).AddIf(no_remember, "no_remember")
    return self._SendRequest(HTTP_PUT, _V("/instances/%s/shutdown", instance),
                             query.Reason(reason), kwargs)

  def StartupInstance(self, instance, dry_run=False, no_remember=False,
                      reason=None):
    query = _Query().DryRun(dry_run).AddIf(no_remember, "no_remember")
    return self._SendRequest(HTTP_PUT, _V("/instances/%s/startup", instance),
                             query.Reason(reason), None)

  def ReinstallInstance(self, instance, os=None, no_startup=False,
                        osparams=None, reason=None):
    path = _V("/instances/%s/reinstall", instance)
    if INST_REINSTALL_REQV1 in self.GetFeatures():
      body = {"start": not no_startup}
      body.update(_Body(os=os, osparams=osparams))
      return self._SendRequest(HTTP_POST, path, _Query().Reason(reason),
                               body)
    if osparams:
      raise GanetiApiError("Server does not support specifying OS parameters"
                           " for instance reinstallation")
    query = _Query().AddIf(os, "os", os).AddIf(no_startup, "nostartup")
    return self._SendRequest(HTTP_POST, path, query, None)

  def ReplaceInstanceDisks(self, instance, disks=None,
                           mode=REPLACE_DISK_AUTO, remote_node=None,
                           iallocator=None, reason=None, early_release=None):
    query = _Query([("mode", mode)])
    query.AddIf(disks is not None, "disks",
                ",".join(str(idx) for idx in disks or []))
    query.AddIf(remote_node is not None, "remote_node", remote_node)
    query.AddIf(iallocator is not None, "iallocator", iallocator)
    query.Reason(reason)
    query.AddIf(early_release is not None, "early_release", early_release)
    return self._SendRequest(HTTP_POST,
                             _V("/instances/%s/replace-disks", instance),
                             query, None)

  def PrepareExport(self, instance, mode, reason=None):
    return self._SendRequest(HTTP_PUT,
                             _V("/instances/%s/prepare-export", instance),
                             _Query([("mode", mode)]).Reason(reason), None)

  def ExportInstance(self, instance, mode, destination, shutdown=None,
                     remove_instance=None, x509_key_name=None,
                     destination_x509_ca=None, compress=None, reason=None):
    body = {"destination": destination, "mode": mode}
    body.update(_Body(shutdown=shutdown, remove_instance=remove_instance,
                      x509_key_name=x509_key_name,
                      destination_x509_ca=destination_x509_ca,
                      compress=compress))
    return self._SendRequest(HTTP_PUT, _V("/instances/%s/export", instance),
                             _Query().Reason(reason), body)

  def MigrateInstance(self, instance, mode=None, cleanup=None,
                      target_node=None, reason=None):
    return self._SendRequest(HTTP_PUT, _V("/instances/%s/migrate", instance),
                             _Query().Reason(reason),
                             _Body(mode=mode, cleanup=cleanup,
                                   target_node=target_node))

  def FailoverInstance(self, instance, iallocator=None,
                       ignore_consistency=None, target_node=None,
                       reason=None):
    return self._SendRequest(HTTP_PUT, _V("/instances/%s/failover", instance),
                             _Query().Reason(reason),
                             _Body(iallocator=iallocator,
                                   ignore_consistency=ignore_consistency,
                                   target_node=target_node))

  def RenameInstance(self, instance, new_name, ip_check=None,
                     name_check=None, reason=None):
    body = {"new_name": new_name}
    body.update(_Body(ip_check=ip_check, name_check=name_check))
    return self._SendRequest(HTTP_PUT, _V("/instances/%s/rename", instance),
                             _Query().Reason(reason), body)

  def GetInstanceConsole(self, instance, reason=None):
    return self._SendRequest(HTTP_GET, _V("/instances/%s/console", instance),
                             _Query().Reason(reason), None)


class JobNodeMethods:
  """/2/jobs and /2/nodes."""

  def GetJobs(self, bulk=False):
    """Job ids (integers), or dicts of their details with C{bulk}."""
    if bulk:
      return self._SendRequest(HTTP_GET, _V("/jobs"), [("bulk", 1)], None)
    return [int(job["id"])
            for job in self._SendRequest(HTTP_GET, _V("/jobs"), None, None)]

  def GetJobStatus(self, job_id):
    return self._SendRequest(HTTP_GET, "/%s/jobs/%s" %
                             (GANETI_RAPI_VERSION, job_id), None, None)

  def WaitForJobCompletion(self, job_id, period=5, retries=-1):
    """Poll a job until it is finalized; True if it succeeded.

    C{retries} polls at most (-1: no limit), C{period} seconds apart;
    False when it failed, was canceled, is unknown or the polls ran out.

    """
    while retries != 0:
      result = self.GetJobStatus(job_id)
      if result and result["status"] == JOB_STATUS_SUCCESS:
        return True
      if not result or result["status"] in JOB_STATUS_FINALIZED:
        return False
      if period:
        time.sleep(period)
      if retries > 0:
        retries -= 1
    return False

  def WaitForJobChange(self, job_id, fields, prev_job_info, prev_log_serial):
    """Wait until a job changes: None, or {"job_info", "log_entries"}."""
    body = {"fields": fields, "previous_job_info": prev_job_info,
            "previous_log_serial": prev_log_serial}
    return self._SendRequest(HTTP_GET, "/%s/jobs/%s/wait" %
                             (GANETI_RAPI_VERSION, job_id), None, body)

  def CancelJob(self, job_id, dry_run=False):
    return self._SendRequest(HTTP_DELETE, "/%s/jobs/%s" %
                             (GANETI_RAPI_VERSION, job_id),
                             _Query().DryRun(dry_run), None)

  def GetNodes(self, bulk=False, reason=None):
    query = _Query().AddIf(bulk, "bulk").Reason(reason)
    return _Names(self._SendRequest(HTTP_GET, _V("/nodes"), query, None),
                  bulk, "id")

  def GetNode(self, node, reason=None):
    return self._SendRequest(HTTP_GET, _V("/nodes/%s", node),
                             _Query().Reason(reason), None)

  def EvacuateNode(self, node, iallocator=None, remote_node=None,
                   dry_run=False, early_release=None, mode=None,
                   accept_old=False, reason=None):
    """Evacuate a node's instances; returns the job id.

    @raise GanetiApiError: both C{iallocator} and C{remote_node}, or a
      pre-2.5 server (without node-evac-res1) and not C{accept_old}

    """
    if iallocator and remote_node:
      raise GanetiApiError("Only one of iallocator or remote_node can be used")
    query = _Query().DryRun(dry_run).Reason(reason)
    if NODE_EVAC_RES1 in self.GetFeatures():
      body = _Body(iallocator=iallocator, remote_node=remote_node,
                   early_release=early_release, mode=mode)
    else:
      body = None
      if not accept_old:
        raise GanetiApiError("Server is version 2.4 or earlier and caller does"
                             " not accept old-style results (parameter"
                             " accept_old)")
      if mode is not None and mode != NODE_EVAC_SEC:
        raise GanetiApiError("Server can only evacuate secondary instances")
      query.AddIf(iallocator, "iallocator", iallocator)
      query.AddIf(remote_node, "remote_node", remote_node)
      query.AddIf(early_release, "early_release")
    return self._SendRequest(HTTP_POST, _V("/nodes/%s/evacuate", node),
                             query, body)

  def MigrateNode(self, node, mode=None, dry_run=False, iallocator=None,
                  target_node=None, reason=None):
    query = _Query().DryRun(dry_run).Reason(reason)
    path = _V("/nodes/%s/migrate", node)
    if NODE_MIGRATE_REQV1 in self.GetFeatures():
      return self._SendRequest(HTTP_POST, path, query,
                               _Body(mode=mode, iallocator=iallocator,
                                     target_node=target_node))
    if target_node is not None:
      raise GanetiApiError("Server does not support specifying target node"
                           " for node migration")
    query.AddIf(mode is not None, "mode", mode)
    return self._SendRequest(HTTP_POST, path, query, None)

  def GetNodeRole(self, node, reason=None):
    return self._SendRequest(HTTP_GET, _V("/nodes/%s/role", node),
                             _Query().Reason(reason), None)

  def SetNodeRole(self, node, role, force=False, auto_promote=None,
                  reason=None):
    query = _Query().Force(force)
    query.AddIf(auto_promote is not None, "auto-promote", auto_promote)
    return self._SendRequest(HTTP_PUT, _V("/nodes/%s/role", node),
                             query.Reason(reason), role)

  def PowercycleNode(self, node, force=False, reason=None):
    return self._SendRequest(HTTP_POST, _V("/nodes/%s/powercycle", node),
                             _Query().Force(force).Reason(reason), None)

  def ModifyNode(self, node, reason=None, **kwargs):
    return self._SendRequest(HTTP_POST, _V("/nodes/%s/modify", node),
                             _Query().Reason(reason), kwargs)

  def GetNodeStorageUnits(self, node, storage_type, output_fields,
                          reason=None):
    query = _Query([("storage_type", storage_type),
                    ("output_fields", output_fields)])
    return self._SendRequest(HTTP_GET, _V("/nodes/%s/storage", node),
                             query.Reason(reason), None)

  def ModifyNodeStorageUnits(self, node, storage_type, name,
                             allocatable=None, reason=None):
    query = _Query([("storage_type", storage_type), ("name", name)])
    query.AddIf(allocatable is not None, "allocatable", allocatable)
    return self._SendRequest(HTTP_PUT, _V("/nodes/%s/storage/modify", node),
                             query.Reason(reason), None)

  def RepairNodeStorageUnits(self, node, storage_type, name, reason=None):
    query = _Query([("storage_type", storage_type), ("name", name)])
    return self._SendRequest(HTTP_PUT, _V("/nodes/%s/storage/repair", node),
                             query.Reason(reason), None)

  def GetNodeTags(self, node, reason=None):
    return self._SendRequest(HTTP_GET, _V("/nodes/%s/tags", node),
                             _Query().Reason(reason), None)

  def AddNodeTags(self, node, tags, dry_run=False, reason=None):
    return self._SendRequest(HTTP_PUT, _V("/nodes/%s/tags", node),
                             _Tags(tags, dry_run, reason), tags)

  def DeleteNodeTags(self, node, tags, dry_run=False, reason=None):
    return self._SendRequest(HTTP_DELETE, _V("/nodes/%s/tags", node),
                             _Tags(tags, dry_run, reason), None)


class GroupNetMethods:
  """/2/groups and /2/networks."""

  def GetNetworks(self, bulk=False, reason=None):
    query = _Query().AddIf(bulk, "bulk").Reason(reason)
    return _Names(self._SendRequest(HTTP_GET, _V("/networks"), query, None),
                  bulk, "name")

  def GetNetwork(self, network, reason=None):
    return self._SendRequest(HTTP_GET, _V("/networks/%s", network),
                             _Query().Reason(reason), None)

  def CreateNetwork(self, network_name, network, gateway=None, network6=None,
                    gateway6=None, mac_prefix=None, add_reserved_ips=None,
                    tags=None, dry_run=False, reason=None):
    """Add a network; C{add_reserved_ips} and C{tags} are comma-separated
    strings (as Ganeti's client takes them)."""
    body = {"network_name": network_name, "gateway": gateway,
            "network": network, "gateway6": gateway6, "network6": network6,
            "mac_prefix": mac_prefix,
            "add_reserved_ips": (add_reserved_ips.split(",")
                                 if add_reserved_ips else add_reserved_ips),
            "tags": tags.split(",") if tags else tags}
    return self._SendRequest(HTTP_POST, _V("/networks"),
                             _Query().DryRun(dry_run).Reason(reason), body)

  def ConnectNetwork(self, network_name, group_name, mode, link, vlan="",
                     dry_run=False, reason=None):
    body = {"group_name": group_name, "network_mode": mode,
            "network_link": link, "network_vlan": vlan}
    return self._SendRequest(HTTP_PUT,
                             _V("/networks/%s/connect", network_name),
                             _Query().DryRun(dry_run).Reason(reason), body)

  def DisconnectNetwork(self, network_name, group_name, dry_run=False,
                        reason=None):
    return self._SendRequest(HTTP_PUT,
                             _V("/networks/%s/disconnect", network_name),
                             _Query().DryRun(dry_run).Reason(reason),
                             {"group_name": group_name})

  def ModifyNetwork(self, network, reason=None, **kwargs):
    return self._SendRequest(HTTP_PUT, _V("/networks/%s/modify", network),
                             _Query().Reason(reason), kwargs)

  def DeleteNetwork(self, network, dry_run=False, reason=None):
    return self._SendRequest(HTTP_DELETE, _V("/networks/%s", network),
                             _Query().DryRun(dry_run).Reason(reason), None)

  def GetNetworkTags(self, network, reason=None):
    return self._SendRequest(HTTP_GET, _V("/networks/%s/tags", network),
                             _Query().Reason(reason), None)

  def AddNetworkTags(self, network, tags, dry_run=False, reason=None):
    return self._SendRequest(HTTP_PUT, _V("/networks/%s/tags", network),
                             _Tags(tags, dry_run, reason), None)

  def DeleteNetworkTags(self, network, tags, dry_run=False, reason=None):
    return self._SendRequest(HTTP_DELETE, _V("/networks/%s/tags", network),
                             _Tags(tags, dry_run, reason), None)

  def GetGroups(self, bulk=False, reason=None):
    query = _Query().AddIf(bulk, "bulk").Reason(reason)
    return _Names(self._SendRequest(HTTP_GET, _V("/groups"), query, None),
                  bulk, "name")

  def GetGroup(self, group, reason=None):
    return self._SendRequest(HTTP_GET, _V("/groups/%s", group),
                             _Query().Reason(reason), None)

  def CreateGroup(self, name, alloc_policy=None, dry_run=False, reason=None):
    return self._SendRequest(HTTP_POST, _V("/groups"),
                             _Query().DryRun(dry_run).Reason(reason),
                             {"name": name, "alloc_policy": alloc_policy})

  def ModifyGroup(self, group, reason=None, **kwargs):
    return self._SendRequest(HTTP_PUT, _V("/groups/%s/modify", group),
                             _Query().Reason(reason), kwargs)

  def DeleteGroup(self, group, dry_run=False, reason=None):
    return self._SendRequest(HTTP_DELETE, _V("/groups/%s", group),
                             _Query().DryRun(dry_run).Reason(reason), None)

  def RenameGroup(self, group, new_name, reason=None):
    return self._SendRequest(HTTP_PUT, _V("/groups/%s/rename", group),
                             _Query().Reason(reason), {"new_name": new_name})

  def AssignGroupNodes(self, group, nodes, force=False, dry_run=False,
                       reason=None):
    query = _Query().Force(force).DryRun(dry_run).Reason(reason)
    return self._SendRequest(HTTP_PUT, _V("/groups/%s/assign-nodes", group),
                             query, {"nodes": nodes})

  def GetGroupTags(self, group, reason=None):
    return self._SendRequest(HTTP_GET, _V("/groups/%s/tags", group),
                             _Query().Reason(reason), None)

  def AddGroupTags(self, group, tags, dry_run=False, reason=None):
    return self._SendRequest(HTTP_PUT, _V("/groups/%s/tags", group),
                             _Tags(tags, dry_run, reason), None)

  def DeleteGroupTags(self, group, tags, dry_run=False, reason=None):
    return self._SendRequest(HTTP_DELETE, _V("/groups/%s/tags", group),
                             _Tags(tags, dry_run, reason), None)
