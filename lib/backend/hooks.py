"""Hooks: running ``$CONF_DIR/hooks/<hpath>-<phase>.d/`` scripts."""

import os

from ganeti import constants
from ganeti import pathutils
from ganeti.backend import _Fail
from ganeti.utils import process
from ganeti.utils import text

HOOKS_PATH = "/sbin:/bin:/usr/sbin:/usr/bin"


def RunHooks(hpath, phase, env, hooks_base_dir=None):
  """Run the hook scripts of ``hpath`` and ``phase``.

  The environment is cleared: PATH plus the given variables (the caller
  passes GANETI_* names).  A missing directory means no hooks.

  @return: list of [ "<hpath>-<phase>.d/<name>", status, output ] with
      status HKR_SKIP (0), HKR_FAIL (1) or HKR_SUCCESS (2)

  """
  if phase == constants.HOOKS_PHASE_PRE:
    suffix = "pre"
  elif phase == constants.HOOKS_PHASE_POST:
    suffix = "post"
  else:
    _Fail("Unknown hooks phase '%s'", phase)
  if hooks_base_dir is None:
    hooks_base_dir = pathutils.Get().HOOKS_BASE_DIR
  subdir = "%s-%s.d" % (hpath, suffix)
  dir_name = os.path.join(hooks_base_dir, subdir)
  hook_env = dict((str(k), str(v)) for (k, v) in (env or {}).items())
  hook_env["PATH"] = HOOKS_PATH
  # this node's data directory (below the node root in a virtual cluster)
  hook_env["GANETI_DATA_DIR"] = pathutils.Get().DATA_DIR
  results = []
  if not os.path.isdir(dir_name):
    return results
  for (name, status, runresult) in process.RunParts(dir_name, env=hook_env,
                                                    reset_env=True):
    if status == process.RUNPARTS_SKIP:
      rrval = constants.HKR_SKIP
      output = ""
    elif status == process.RUNPARTS_ERR:
      rrval = constants.HKR_FAIL
      output = "Hook script execution error: %s" % runresult
    elif runresult.failed:
      rrval = constants.HKR_FAIL
      output = runresult.output
    else:
      rrval = constants.HKR_SUCCESS
      output = runresult.output
    results.append(["%s/%s" % (subdir, name), rrval,
                    text.SafeEncode(output.strip())])
  return results


def RunLocalHooks(hpath, env, action):
  """Run pre hooks, ``action()``, then post hooks on this node only.

  Used for master-ip-turnup/turndown.  A failing pre hook aborts.
  """
  paths = pathutils.Get()
  base_env = {"GANETI_HOOKS_VERSION": str(constants.HOOKS_VERSION),
              "GANETI_HOOKS_PATH": hpath,
              "GANETI_OP_CODE": hpath,
              "GANETI_DATA_DIR": paths.DATA_DIR,
              "GANETI_OBJECT_TYPE": constants.HTYPE_CLUSTER}
  for (key, value) in env.items():
    base_env["GANETI_%s" % key] = str(value)
  pre_env = dict(base_env, GANETI_HOOKS_PHASE=constants.HOOKS_PHASE_PRE)
  failed = [r for r in RunHooks(hpath, constants.HOOKS_PHASE_PRE, pre_env)
            if r[1] == constants.HKR_FAIL]
  if failed:
    _Fail("Hooks of %s failed: %s", hpath,
          "; ".join("%s: %s" % (r[0], r[2]) for r in failed))
  result = action()
  post_env = dict(base_env, GANETI_HOOKS_PHASE=constants.HOOKS_PHASE_POST)
  RunHooks(hpath, constants.HOOKS_PHASE_POST, post_env)
  return result
