"""The ``.../tags`` resources of every taggable object kind."""

from ganeti import constants
from ganeti.rapi import baserlib


class _R_Tags(baserlib.ResourceBase):
  """Tags of one object: GET lists them, PUT adds and DELETE removes the
  ``?tag=`` values (each a job)."""

  TAG_LEVEL = None
  LIST_RESULT = "tags"

  def _Name(self):
    if self.TAG_LEVEL == constants.TAG_CLUSTER:
      return None
    return self.items[0]

  def GET(self):
    """The object's tags (a sorted list of strings)."""
    name = self._Name()
    return list(self.Luxi("QueryTags", self.TAG_LEVEL,
                          name if name is not None else ""))

  def _TagsOp(self, op_id, verb):
    tags = self.queryargs.get("tag", [])
    if not tags:
      raise baserlib.HttpBadRequest("Please specify tag(s) to %s using the"
                                    " 'tag' parameter" % verb)
    opcls = baserlib.GetOpcodeClass(op_id)
    static = {"kind": self.TAG_LEVEL, "tags": tags}
    if self._Name() is not None:
      static["name"] = self._Name()
    op = self.FillOpcode(opcls, None, static)
    return self.SubmitJob([op])

  def PUT(self):
    """Add the ``?tag=`` tags (OP_TAGS_SET); returns the job id."""
    return self._TagsOp("OP_TAGS_SET", "add")

  def DELETE(self):
    """Remove the ``?tag=`` tags (OP_TAGS_DEL); returns the job id."""
    return self._TagsOp("OP_TAGS_DEL", "delete")


class R_2_tags(_R_Tags):
  TAG_LEVEL = constants.TAG_CLUSTER


class R_2_instances_name_tags(_R_Tags):
  TAG_LEVEL = constants.TAG_INSTANCE


class R_2_nodes_name_tags(_R_Tags):
  TAG_LEVEL = constants.TAG_NODE


class R_2_groups_name_tags(_R_Tags):
  TAG_LEVEL = constants.TAG_NODEGROUP


class R_2_networks_name_tags(_R_Tags):
  TAG_LEVEL = constants.TAG_NETWORK
