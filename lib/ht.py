"""Type checks for opcode parameters.

Each check is a callable returning a bool; its ``__doc__``-like description
(``str(check)``) is used in error messages, so checks are small objects with
a readable description.
"""

import re

from ganeti import constants


class _Check:
  __slots__ = ["fn", "desc"]

  def __init__(self, fn, desc):
    self.fn = fn
    self.desc = desc

  def __call__(self, val):
    return self.fn(val)

  def __str__(self):
    return self.desc

  __repr__ = __str__


def WithDesc(desc):
  def wrap(fn):
    return _Check(fn, desc)
  return wrap


TNone = _Check(lambda v: v is None, "None")
TAny = _Check(lambda v: True, "Any")
TBool = _Check(lambda v: isinstance(v, bool), "Boolean")
TInt = _Check(lambda v: isinstance(v, int) and not isinstance(v, bool),
              "Integer")
TFloat = _Check(lambda v: isinstance(v, float), "Float")
TNumber = _Check(lambda v: (isinstance(v, (int, float)) and
                            not isinstance(v, bool)), "Number")
TString = _Check(lambda v: isinstance(v, str), "String")
TList = _Check(lambda v: isinstance(v, list), "List")
TTuple = _Check(lambda v: isinstance(v, tuple), "Tuple")
TDict = _Check(lambda v: isinstance(v, dict), "Dictionary")
TNonEmptyString = _Check(lambda v: isinstance(v, str) and bool(v),
                         "NonEmptyString")
TNonNegativeInt = _Check(lambda v: TInt(v) and v >= 0, "NonNegativeInt")
TPositiveInt = _Check(lambda v: TInt(v) and v > 0, "PositiveInt")
TNonNegativeNumber = _Check(lambda v: TNumber(v) and v >= 0,
                            "NonNegativeNumber")
TPositiveNumber = _Check(lambda v: TNumber(v) and v > 0, "PositiveNumber")
TListOrTuple = _Check(lambda v: isinstance(v, (list, tuple)), "ListOrTuple")


def TOr(*checks):
  return _Check(lambda v: any(c(v) for c in checks),
                "Or(%s)" % ", ".join(str(c) for c in checks))


def TAnd(*checks):
  return _Check(lambda v: all(c(v) for c in checks),
                "And(%s)" % ", ".join(str(c) for c in checks))


def TMaybe(check):
  return _Check(lambda v: v is None or check(v), "Maybe(%s)" % check)


def TElemOf(items):
  items = frozenset(items)
  return _Check(lambda v: v in items,
                "OneOf(%s)" % ", ".join(repr(i) for i in sorted(items,
                                                                 key=str)))


def TListOf(check):
  return _Check(lambda v: isinstance(v, (list, tuple)) and
                all(check(i) for i in v), "ListOf(%s)" % check)


def TDictOf(key_check, val_check):
  return _Check(lambda v: isinstance(v, dict) and
                all(key_check(k) and val_check(i) for k, i in v.items()),
                "DictOf(%s, %s)" % (key_check, val_check))


def TRegex(pattern):
  rx = re.compile(pattern)
  return _Check(lambda v: isinstance(v, str) and rx.match(v) is not None,
                "String matching %r" % pattern)


def TItems(checks):
  return _Check(lambda v: isinstance(v, (list, tuple)) and
                len(v) == len(checks) and
                all(c(i) for c, i in zip(checks, v)),
                "Items(%s)" % ", ".join(str(c) for c in checks))


TMaybeString = TMaybe(TNonEmptyString)
TMaybeBool = TMaybe(TBool)
TMaybeDict = TMaybe(TDict)
TMaybeListOf = lambda c: TMaybe(TListOf(c))  # noqa: E731
TStrictPositiveInt = TPositiveInt
TJobId = TOr(TNonNegativeInt, TRegex(r"^\d+$"))
TRelativeJobId = _Check(lambda v: TInt(v) and v < 0, "RelativeJobId")
TJobDep = TItems([TOr(TJobId, TRelativeJobId),
                  TListOf(TElemOf(constants.JOBS_FINALIZED))])
TReasonTrail = TListOf(TItems([TString, TString, TInt]))
THostname = TRegex(r"^[A-Za-z0-9_.-]+$")
