"""A small CEL subset for trigger ``expression``, ``if`` and ``cancel`` rules.

Supported: member access (``a.b``, ``a["b"]``), literals (strings, numbers,
``true``/``false``/``null``, lists), ``== != < <= > >=``, ``&& || !``, ``in``,
``+ - * / %``, ``has(a.b)``, ``size(x)`` and the methods ``startsWith``,
``endsWith``, ``contains``, ``matches``. Anything else raises ``CELError``.
"""

from __future__ import annotations

import functools
import operator
import re
import typing

Env = typing.Mapping[str, object]
Node = typing.Callable[[Env], object]


class CELError(Exception):
    """Parse or evaluation error (unknown syntax, missing key, bad types)."""


_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+\.\d+|\d+)|(?P<str>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
    r"|(?P<op>&&|\|\||==|!=|<=|>=|[<>!+\-*/%().,\[\]])|(?P<id>[A-Za-z_]\w*))"
)
BinOp = typing.Callable[[typing.Any, typing.Any], object]
_COMPARE: dict[str, BinOp] = dict(
    zip(
        ["==", "!=", "<", "<=", ">", ">="],
        [operator.eq, operator.ne, operator.lt, operator.le, operator.gt, operator.ge],
        strict=True,
    )
)
_ARITH: dict[str, BinOp] = dict(
    zip(
        "+-*/%",
        [operator.add, operator.sub, operator.mul, operator.truediv, operator.mod],
        strict=True,
    )
)
_METHODS: dict[str, typing.Callable[[str, str], bool]] = {
    "startsWith": str.startswith,
    "endsWith": str.endswith,
    "contains": str.__contains__,
    "matches": lambda s, p: re.search(p, s) is not None,
}


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise CELError(f"unexpected input at {pos}: {text[pos:]!r}")
        kind = typing.cast(str, match.lastgroup)
        out.append((kind, match.group(kind)))
        pos = match.end()
    return out


def _get(obj: object, key: object) -> object:
    if isinstance(obj, dict) and key in obj:
        return obj[key]
    if isinstance(obj, list) and isinstance(key, int) and -len(obj) <= key < len(obj):
        return obj[key]
    raise CELError(f"no such key: {key!r}")


def _apply(fn: BinOp, a: object, b: object) -> object:
    try:
        return fn(a, b)
    except (TypeError, ZeroDivisionError) as err:
        raise CELError(str(err)) from err


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _tokens(text)
        self.i = 0

    def peek(self) -> str | None:
        return self.toks[self.i][1] if self.i < len(self.toks) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.i >= len(self.toks):
            raise CELError("unexpected end of expression")
        tok = self.toks[self.i]
        if expected is not None and tok[1] != expected:
            raise CELError(f"expected {expected!r}, got {tok[1]!r}")
        self.i += 1
        return tok

    def parse(self) -> Node:
        node = self.or_()
        if self.i != len(self.toks):
            raise CELError(f"unexpected token {self.toks[self.i][1]!r}")
        return node

    def or_(self) -> Node:
        node = self.and_()
        while self.peek() == "||":
            self.take()
            node = functools.partial(_logic, False, node, self.and_())
        return node

    def and_(self) -> Node:
        node = self.rel()
        while self.peek() == "&&":
            self.take()
            node = functools.partial(_logic, True, node, self.rel())
        return node

    def rel(self) -> Node:
        left = self.add()
        op = self.peek()
        if op in _COMPARE:
            self.take()
            right, fn = self.add(), _COMPARE[op]
            return lambda env: _apply(fn, left(env), right(env))
        if op == "in":
            self.take()
            right = self.add()
            return lambda env: _apply(lambda a, b: a in b, left(env), right(env))
        return left

    def add(self) -> Node:
        node = self.mul()
        while self.peek() in ("+", "-"):
            fn = _ARITH[self.take()[1]]
            node = functools.partial(_binary, fn, node, self.mul())
        return node

    def mul(self) -> Node:
        node = self.unary()
        while self.peek() in ("*", "/", "%"):
            fn = _ARITH[self.take()[1]]
            node = functools.partial(_binary, fn, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.peek() == "!":
            self.take()
            inner = self.unary()
            return lambda env: not _truth(inner(env))
        if self.peek() == "-":
            self.take()
            inner = self.unary()
            return lambda env: _apply(operator.sub, 0, inner(env))
        return self.postfix(self.primary())

    def postfix(self, node: Node) -> Node:
        while self.peek() in (".", "["):
            if self.take()[1] == "[":
                index = self.or_()
                self.take("]")
                node = functools.partial(_index, node, index)
                continue
            kind, name = self.take()
            if kind != "id":
                raise CELError(f"expected a field name, got {name!r}")
            if self.peek() == "(":
                node = self.method(node, name)
            else:
                node = functools.partial(_field, node, name)
        return node

    def method(self, target: Node, name: str) -> Node:
        if name not in _METHODS:
            raise CELError(f"unsupported method {name}()")
        args = self.args()
        if len(args) != 1:
            raise CELError(f"{name}() takes one argument")
        fn, arg = _METHODS[name], args[0]
        return lambda env: _apply(fn, _str(target(env)), _str(arg(env)))

    def args(self) -> list[Node]:
        self.take("(")
        args: list[Node] = []
        while self.peek() != ")":
            args.append(self.or_())
            if self.peek() != ")":
                self.take(",")
        self.take(")")
        return args

    def primary(self) -> Node:
        kind, text = self.take()
        if kind == "num":
            value: object = float(text) if "." in text else int(text)
            return lambda env: value
        if kind == "str":
            literal = _unquote(text)
            return lambda env: literal
        if text == "(":
            node = self.or_()
            self.take(")")
            return node
        if text == "[":
            items: list[Node] = []
            while self.peek() != "]":
                items.append(self.or_())
                if self.peek() != "]":
                    self.take(",")
            self.take("]")
            return lambda env: [item(env) for item in items]
        if kind != "id":
            raise CELError(f"unexpected token {text!r}")
        consts = {"true": True, "false": False, "null": None}
        if text in consts:
            const = consts[text]
            return lambda env: const
        if self.peek() == "(":
            return self.call(text)
        return lambda env: _get(env, text)

    def call(self, name: str) -> Node:
        if name == "has":
            (field,) = self.args()
            return functools.partial(_has, field)
        if name == "size":
            (arg,) = self.args()
            return lambda env: _size(arg(env))
        raise CELError(f"unsupported function {name}()")


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(
        r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body
    )


def _truth(value: object) -> bool:
    if not isinstance(value, bool):
        raise CELError(f"expected a bool, got {value!r}")
    return value


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise CELError(f"expected a string, got {value!r}")
    return value


def _size(value: object) -> int:
    if isinstance(value, str | list | dict):
        return len(value)
    raise CELError(f"size() of {value!r}")


def _has(node: Node, env: Env) -> bool:
    """``has(a.b)``: whether the selection resolves (missing key → false)."""
    try:
        node(env)
    except CELError:
        return False
    return True


def _field(node: Node, name: str, env: Env) -> object:
    return _get(node(env), name)


def _index(node: Node, index: Node, env: Env) -> object:
    return _get(node(env), index(env))


def _binary(fn: BinOp, a: Node, b: Node, env: Env) -> object:
    return _apply(fn, a(env), b(env))


def _logic(is_and: bool, a: Node, b: Node, env: Env) -> bool:
    """CEL's commutative ``&&`` / ``||``: a decisive side wins over an error."""
    decisive = not is_and
    try:
        left: bool | CELError = _truth(a(env))
    except CELError as err:
        left = err
    if left is decisive:
        return decisive
    right = _truth(b(env))
    if right is decisive:
        return decisive
    if isinstance(left, CELError):
        raise left
    return right


@functools.lru_cache(maxsize=512)
def compile_expression(text: str) -> Node:
    return _Parser(text).parse()


def evaluate(text: str, env: Env) -> object:
    return compile_expression(text)(env)


def matches(text: str | None, env: Env) -> bool:
    """True when ``text`` is empty or evaluates to ``true``; errors → CELError."""
    if not text or not text.strip():
        return True
    return _truth(evaluate(text, env))
