"""Running an LU's hooks on the nodes (pre and post phase).

The environment is built from the LU's ``BuildHooksEnv`` plus Ganeti's
fixed variables; every key gets the ``GANETI_`` prefix (post-phase values
recomputed after Exec additionally appear as ``GANETI_POST_*``).
"""

import logging

from ganeti import constants
from ganeti import errors
from ganeti import pathutils


def _PrefixEnv(env, prefix):
  return dict(("%s%s" % (prefix, k), "" if v is None else str(v))
              for k, v in env.items())


class HooksMaster:
  def __init__(self, opcode, hooks_path, nodes, hooks_execution_fn,
               build_env_fn, prepare_post_nodes_fn, log_fn, htype=None,
               cluster_name=None, master_name=None):
    self.opcode = opcode
    self.hooks_path = hooks_path
    self.hooks_execution_fn = hooks_execution_fn
    self.build_env_fn = build_env_fn
    self.prepare_post_nodes_fn = prepare_post_nodes_fn
    self.log_fn = log_fn
    self.htype = htype
    self.cluster_name = cluster_name
    self.master_name = master_name
    self.pre_env = self._BuildEnv(constants.HOOKS_PHASE_PRE)
    (self.pre_nodes, self.post_nodes) = nodes

  def _BuildEnv(self, phase):
    if phase == constants.HOOKS_PHASE_PRE:
      prefix = "GANETI_"
    else:
      prefix = "GANETI_POST_"
    env = {}
    if self.hooks_path is not None:
      lu_env = self.build_env_fn()
      if lu_env:
        assert not [k for k in lu_env if k.upper().startswith("GANETI_")], \
          "LU hook environment keys must not carry the GANETI_ prefix"
        env = _PrefixEnv(lu_env, prefix)
    if phase == constants.HOOKS_PHASE_PRE:
      assert not [k for k in env if not k.startswith("GANETI_")]
    return env

  def _RunWrapper(self, node_list, hpath, phase, phase_env):
    env = {
      "PATH": "/sbin:/bin:/usr/sbin:/usr/bin",
      "GANETI_HOOKS_VERSION": str(constants.HOOKS_VERSION),
      "GANETI_OP_CODE": self.opcode,
      "GANETI_DATA_DIR": pathutils.Get().DATA_DIR,
      "GANETI_HOOKS_PHASE": phase,
      "GANETI_HOOKS_PATH": hpath,
    }
    if self.htype:
      env["GANETI_OBJECT_TYPE"] = self.htype
    if self.cluster_name is not None:
      env["GANETI_CLUSTER"] = self.cluster_name
    if self.master_name is not None:
      env["GANETI_MASTER"] = self.master_name
    if phase_env:
      env.update(phase_env)
    if not node_list:
      return {}
    return self.hooks_execution_fn(node_list, hpath, phase, env)

  def RunPhase(self, phase, node_names=None):
    """Run one phase; return {node: RpcResult}.

    A failing pre-phase script raises HooksAbort; post-phase failures are
    only logged.
    """
    if node_names is None:
      node_names = self.pre_nodes if phase == constants.HOOKS_PHASE_PRE \
        else self.post_nodes
    if phase == constants.HOOKS_PHASE_PRE:
      env = self.pre_env
    else:
      env = dict(self.pre_env)
      try:
        env.update(self._BuildEnv(constants.HOOKS_PHASE_POST))
      except (KeyError, errors.GenericError) as err:
        # the object may be gone (e.g. after a removal): pre values only
        logging.debug("No post-phase hook environment: %s", err)
    results = self._RunWrapper(node_names, self.hooks_path, phase, env)
    if not results:
      if phase == constants.HOOKS_PHASE_PRE and node_names:
        raise errors.HooksFailure("Communication Failure")
      return results
    errs = []
    for node_name, res in results.items():
      if res.offline:
        continue
      if res.fail_msg:
        self.log_fn("Communication failure to node %s: %s", node_name,
                    res.fail_msg)
        continue
      for script, hkr, output in res.payload:
        if hkr == constants.HKR_FAIL:
          if phase == constants.HOOKS_PHASE_PRE:
            errs.append((node_name, script, output))
          else:
            if not output:
              output = "(no output)"
            self.log_fn("On %s script %s failed, output: %s" %
                        (node_name, script, output))
    if errs and phase == constants.HOOKS_PHASE_PRE:
      raise errors.HooksAbort(errs)
    return results

  def RunConfigUpdate(self):
    """Run the config-update post hook on the master only."""
    if self.master_name is None:
      return
    try:
      self._RunWrapper([self.master_name], constants.HOOKS_NAME_CFGUPDATE,
                       constants.HOOKS_PHASE_POST, {})
    except Exception as err:  # pylint: disable=broad-except
      logging.warning("config-update hook failed: %s", err)

  @staticmethod
  def BuildFromLu(hooks_execution_fn, lu):
    if lu.HPATH is None:
      nodes = (None, None)
    else:
      hooks_nodes = lu.BuildHooksNodes()
      if hooks_nodes is None:
        nodes = ([], [])
      else:
        nodes = tuple(lu.cfg.GetNodeNames(n) if n else []
                      for n in hooks_nodes[:2])
    master_name = cluster_name = None
    if lu.cfg is not None and lu.cfg.GetMasterNode() in \
        lu.cfg.GetConfigData().nodes:
      master_name = lu.cfg.GetMasterNodeName()
      cluster_name = lu.cfg.GetClusterName()
    return HooksMaster(lu.op.OP_ID, lu.HPATH, nodes, hooks_execution_fn,
                       lu.BuildHooksEnv, None, lu.LogWarning, lu.HTYPE,
                       cluster_name, master_name)
