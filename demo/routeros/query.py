"""Print queries: RouterOS's little stack language.

Each query word is evaluated against one item and pushes a boolean:

    ?name        the item has a value for ``name``
    ?-name       it has none
    ?name=x      ``name`` equals ``x`` (``?=name=x`` is the same word, as librouteros sends it)
    ?<name=x     ``name`` is less than ``x``; ``?>name=x`` greater
    ?#ops        stack operations, left to right:
                 ``!`` negates the top, ``&`` and ``|`` pop two and push their and/or,
                 digits push a copy of the value at that depth (0 = top; an optional
                 ``.`` after them ends the number), ``.`` on its own duplicates the top.

The stack starts as if it held endless ``true`` values, so popping an empty
stack gives ``true``. An item is printed when every value left on the stack is
``true``, which ANDs several query words that no operator combined.
"""

from __future__ import annotations

from collections.abc import Callable


class QueryError(ValueError):
    pass


Getter = Callable[[str], "str | None"]


def _compare_key(value: str):
    try:
        return (0, int(value), "")
    except ValueError:
        return (1, 0, value)


class Query:
    def __init__(self, words: list[str], normalize: Callable[[str, str], str] | None = None) -> None:
        self.ops: list[tuple] = []
        for word in words:
            self.ops.append(_compile(word, normalize))

    def __bool__(self) -> bool:
        return bool(self.ops)

    def sole_equality(self) -> tuple[str, str] | None:
        """(key, value) when the query is exactly one ``?key=value``: answerable from an index."""
        if len(self.ops) == 1 and self.ops[0][0] == "eq":
            return self.ops[0][1], self.ops[0][2]
        return None

    def keys(self) -> set[str]:
        return {op[1] for op in self.ops if op[0] != "ops"}

    def matches(self, get: Getter) -> bool:
        stack: list[bool] = []
        for op in self.ops:
            kind = op[0]
            if kind == "eq":
                value = get(op[1])
                stack.append((value or "") == op[2] if op[2] == "" else value == op[2])
            elif kind == "has":
                stack.append(get(op[1]) is not None)
            elif kind == "lacks":
                stack.append(get(op[1]) is None)
            elif kind == "lt":
                value = get(op[1])
                stack.append(value is not None and _compare_key(value) < op[2])
            elif kind == "gt":
                value = get(op[1])
                stack.append(value is not None and _compare_key(value) > op[2])
            else:
                _apply_operations(stack, op[1])
        return all(stack)


def _compile(word: str, normalize) -> tuple:
    body = word[1:]
    if body.startswith("#"):
        operations = body[1:]
        if not operations or any(char not in "0123456789.!&|" for char in operations):
            raise QueryError(f"unknown query operation {operations!r}")
        return ("ops", operations)
    if body.startswith(("<", ">")):
        key, sep, value = body[1:].partition("=")
        if not key or not sep:
            raise QueryError(f"comparison needs a value: {word!r}")
        if normalize:
            value = normalize(key, value)
        return ("lt" if body[0] == "<" else "gt", key, _compare_key(value))
    if body.startswith("-"):
        if not body[1:]:
            raise QueryError("empty property name in query")
        return ("lacks", body[1:])
    if body.startswith("="):
        body = body[1:]
    key, sep, value = body.partition("=")
    if not key:
        raise QueryError("empty property name in query")
    if not sep:
        return ("has", key)
    if normalize:
        value = normalize(key, value)
    return ("eq", key, value)


def _apply_operations(stack: list[bool], operations: str) -> None:
    def pop() -> bool:
        return stack.pop() if stack else True

    index = 0
    previous_was_index = False
    while index < len(operations):
        char = operations[index]
        if char.isdigit():
            end = index
            while end < len(operations) and operations[end].isdigit():
                end += 1
            depth = int(operations[index:end])
            stack.append(stack[-1 - depth] if depth < len(stack) else True)
            index = end
            previous_was_index = True
            continue
        if char == ".":
            if not previous_was_index:
                stack.append(stack[-1] if stack else True)
        elif char == "!":
            stack.append(not pop())
        elif char == "&":
            right, left = pop(), pop()
            stack.append(left and right)
        elif char == "|":
            right, left = pop(), pop()
            stack.append(left or right)
        previous_was_index = False
        index += 1
