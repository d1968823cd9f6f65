"""IvoryOS-TS Python bridge: serves one IvoryOS deck script to the Node deck agent.

Standard library only, Python 3.8+. The agent spawns it once per deck and speaks JSON lines:
requests on stdin, answers and events on a private copy of the original stdout. Everything the
deck prints (print(), fd-1 writes, child processes) goes to stderr or to tagged events, never
into the protocol stream. Calls run one at a time on one deck thread.
"""
import argparse
import ast
import asyncio
import dataclasses
import datetime
import enum
import faulthandler
import inspect
import json
import logging
import math
import os
import pathlib
import queue
import re
import signal
import sys
import threading
import time
import traceback
import types
import typing

PROTOCOL_VERSION = 1
MAX_SAFE_INT = 2 ** 53 - 1
IO_TYPE_NAMES = ("BinaryIO", "TextIO", "BytesIO", "typing.IO")
TRUE_WORDS = {"true", "1", "yes", "on"}
FALSE_WORDS = {"false", "0", "no", "off"}
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")

try:
    from typing import Literal, get_args, get_origin
except ImportError:  # Python 3.7: no Literal; main-block detection also fails there
    Literal = None

    def get_origin(tp):
        return getattr(tp, "__origin__", None)

    def get_args(tp):
        return getattr(tp, "__args__", ())


# --------------------------------------------------------------------------- protocol channel

class Channel:
    """Writes protocol lines on a private fd; one os.write loop per line, under a lock."""

    def __init__(self, fd):
        self.fd = fd
        self.lock = threading.Lock()

    def send(self, message):
        data = (json.dumps(message, allow_nan=False, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        with self.lock:
            view = memoryview(data)
            while view:
                written = os.write(self.fd, view)
                view = view[written:]


CHANNEL = None
CURRENT_CALL = threading.local()


def current_call_id():
    return getattr(CURRENT_CALL, "id", None)


def emit(event, **fields):
    if CHANNEL is not None:
        fields["event"] = event
        CHANNEL.send(fields)


class PrintCapture:
    """sys.stdout/sys.stderr replacement: complete lines become `stdout`/`stderr` events of the current call."""

    def __init__(self, stream_name):
        self.stream_name = stream_name
        self.pending = ""
        self.lock = threading.Lock()
        self.encoding = "utf-8"
        self.errors = "replace"

    def write(self, text):
        if not isinstance(text, str):
            text = str(text)
        with self.lock:
            self.pending += text
            if "\n" not in self.pending:
                return len(text)
            lines, _, self.pending = self.pending.rpartition("\n")
        emit(self.stream_name, id=current_call_id(), text=lines)
        return len(text)

    def flush(self):
        with self.lock:
            rest, self.pending = self.pending, ""
        if rest:
            emit(self.stream_name, id=current_call_id(), text=rest)

    def isatty(self):
        return False

    def fileno(self):
        return 2

    def writable(self):
        return True


class ProtocolLogHandler(logging.Handler):
    def emit(self, record):
        try:
            message = record.getMessage()
            if record.exc_info:
                message += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip()
            emit("log", id=current_call_id(), logger=record.name, level=record.levelname.lower(), message=message,
                 ts=record.created)
        except Exception:  # a broken log record must never break a call
            pass


def setup_channel():
    """Private protocol fds first, then fd 1 → stderr and stdin → /dev/null, before anything can print."""
    global CHANNEL
    pin, pout = os.dup(0), os.dup(1)
    os.dup2(2, 1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    CHANNEL = Channel(pout)
    return os.fdopen(pin, "rb", buffering=0)


# --------------------------------------------------------------------------- the stub ivoryos package

class DeckReady(BaseException):
    """Raised by the stub ivoryos.run(): a deck's `except Exception` cannot swallow it."""


RUN_CALLS = []
BUILDING_BLOCKS = {}


def _stub_run(module=None, *args, **kwargs):
    if module is None:
        raise RuntimeError("the deck called ivoryos.run() without a module (offline mode): nothing to serve")
    RUN_CALLS.append(dict(kwargs, module=module))
    raise DeckReady(module)


def _stub_block(_func=None, *, category="general", **_kwargs):
    def register(func):
        BUILDING_BLOCKS.setdefault(category, {})[func.__name__] = {"func": func, "signature": inspect.signature(func),
                                                                   "docstring": inspect.getdoc(func),
                                                                   "coroutine": inspect.iscoroutinefunction(func)}
        return func
    return register(_func) if callable(_func) else register


def install_stub_ivoryos():
    """`import ivoryos` in a deck gets this, whether or not the real package is installed."""
    pkg = types.ModuleType("ivoryos")
    pkg.__path__ = []
    pkg.run = _stub_run
    pkg.block = _stub_block
    pkg.BUILDING_BLOCKS = BUILDING_BLOCKS
    pkg.__version__ = "ivoryos-ts-bridge"
    utils = types.ModuleType("ivoryos.utils")
    utils.__path__ = []
    decorators = types.ModuleType("ivoryos.utils.decorators")
    decorators.block = _stub_block
    decorators.BUILDING_BLOCKS = BUILDING_BLOCKS
    utils.decorators = decorators
    pkg.utils = utils
    sys.modules.update({"ivoryos": pkg, "ivoryos.utils": utils, "ivoryos.utils.decorators": decorators})


# --------------------------------------------------------------------------- loading the deck

def main_block_calls_run(source):
    """True when an `if __name__ == "__main__":` block calls ivoryos.run(...) (or a `run` imported from ivoryos)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    run_names = {"run"} if any(isinstance(n, ast.ImportFrom) and n.module == "ivoryos" for n in ast.walk(tree)) else set()
    for node in tree.body:
        if not (isinstance(node, ast.If) and _is_main_test(node.test)):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Call):
                fn = inner.func
                if isinstance(fn, ast.Attribute) and fn.attr == "run" and isinstance(fn.value, ast.Name) and fn.value.id == "ivoryos":
                    return True
                if isinstance(fn, ast.Name) and fn.id in run_names:
                    return True
    return False


def _is_main_test(test):
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    has_name = any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides)
    has_main = any(isinstance(s, ast.Constant) and s.value == "__main__" for s in sides)
    return has_name and has_main


def load_deck(path, entry, warnings):
    """Imports the deck as IvoryOS would run it; returns (module, entry used)."""
    with open(path, "rb") as f:
        source = f.read()
    if entry == "auto":
        entry = "main" if main_block_calls_run(source) else "import"
    elif entry == "main" and not main_block_calls_run(source):
        raise RuntimeError("--entry main needs an `if __name__ == \"__main__\":` block that calls ivoryos.run(__name__); "
                           "without one the whole script would run. Use --entry import.")
    stem = os.path.splitext(os.path.basename(path))[0]
    if entry == "main":
        module = types.ModuleType("__main__")
        module.__file__ = path
        module.__builtins__ = __builtins__
        module.__spec__ = None
        sys.modules["__main__"] = module
        code = compile(source, path, "exec")
        try:
            exec(code, module.__dict__)
            warnings.append("the __main__ block ended without calling ivoryos.run(); serving what it created")
        except DeckReady:
            pass
        return module, entry
    import importlib.util
    name = stem if stem not in sys.modules else "_ivoryos_deck_" + stem
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except DeckReady:
        warnings.append("the deck calls ivoryos.run() outside `if __name__ == \"__main__\":`; the rest of the file was skipped")
    main_names = _main_block_assignments(source)
    if main_names:
        warnings.append("the __main__ block assigns %s; these objects are not created on import (use --entry main)" % main_names)
    return module, entry


def _main_block_assignments(source):
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names = []
    for node in tree.body:
        if isinstance(node, ast.If) and _is_main_test(node.test):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Assign):
                    names += [t.id for t in inner.targets if isinstance(t, ast.Name) and not t.id.startswith("_")]
    return sorted(set(names))


# --------------------------------------------------------------------------- schema (IvoryOS's rules)

class Introspector:
    def __init__(self, module, deck_file):
        self.module = module
        self.stem = os.path.splitext(os.path.basename(deck_file))[0]

    def module_name(self, cls):
        name = cls.__module__
        if name == "__main__" or name.startswith("_ivoryos_deck_"):
            return self.stem
        return name

    def resolve(self, ann):
        """IvoryOS's descriptor of one type inside a Union, or of a return element."""
        if isinstance(ann, str):
            return ann
        if isinstance(ann, type) and issubclass(ann, enum.Enum):
            return "Enum:%s.%s" % (self.module_name(ann), ann.__name__)
        if hasattr(ann, "__name__"):
            return ann.__name__
        return str(ann)

    def descriptor(self, ann):
        """IvoryOS's `arg_types` value for an annotation: str, or a list for Optional/Union."""
        if ann is inspect.Parameter.empty:
            return ""
        if isinstance(ann, str):
            return ann
        if isinstance(ann, type) and issubclass(ann, enum.Enum):
            return self.resolve(ann)
        if Literal is not None and get_origin(ann) is Literal:
            return "Literal:" + ",".join(str(a) for a in get_args(ann))
        if getattr(ann, "__module__", "") == "typing":
            origin = getattr(ann, "__origin__", None)
            if origin is None:
                return ""
            if getattr(origin, "_name", None) in ("Optional", "Union"):
                return [self.resolve(a) for a in ann.__args__]
            return getattr(origin, "__name__", "")
        if getattr(ann, "__module__", "") == "types":
            return [self.resolve(a) for a in getattr(ann, "__args__", ())]
        return getattr(ann, "__name__", str(ann))

    def return_format(self, sig):
        if sig is None:
            return {"kind": "none", "types": [], "annotation": ""}
        ann = sig.return_annotation
        if ann is None or ann is type(None):
            return {"kind": "none", "types": [], "annotation": ""}
        if ann is inspect.Signature.empty:
            return {"kind": "scalar", "types": [], "annotation": ""}
        if isinstance(ann, str):
            return return_format_from_text(ann)
        origin, args = get_origin(ann), get_args(ann)
        if ann is tuple or origin is tuple:
            variable = len(args) == 2 and args[1] is Ellipsis
            return {"kind": "tuple", "types": [self.resolve(a) for a in args if a is not Ellipsis], "annotation": str(ann),
                    "variable_length": variable, "arity": None if variable else len(args)}
        if ann is dict or origin is dict:
            return {"kind": "dict", "types": [self.resolve(a) for a in args], "annotation": str(ann)}
        return {"kind": "scalar", "types": [self.resolve(ann)], "annotation": str(ann)}

    def choices(self, ann):
        """Enum members or Literal values of an annotation (inside Optional/Union too)."""
        for part in union_parts(ann):
            if isinstance(part, type) and issubclass(part, enum.Enum):
                members = list(part.__members__.items())
                return {"kind": "enum", "enum": "%s.%s" % (self.module_name(part), part.__name__),
                        "names": [n for n, _ in members], "values": [json_safe(m.value) for _, m in members]}
            if Literal is not None and get_origin(part) is Literal:
                return {"kind": "literal", "values": [json_safe(v) for v in get_args(part)]}
        return None

    def param(self, p):
        ann = p.annotation
        out = {"name": p.name, "kind": p.kind.name, "type": self.descriptor(ann)}
        parts = union_parts(ann)
        optional = type(None) in parts
        if p.default is not inspect.Parameter.empty:
            out["default"] = json_safe(p.default)
            if isinstance(p.default, enum.Enum):
                out["default_name"] = p.default.name
        out["required"] = p.default is inspect.Parameter.empty and not optional
        choices = self.choices(ann)
        if choices:
            out["choices"] = choices
        return out

    def method(self, fn):
        sig = inspect.signature(fn)
        params = list(sig.parameters.values())
        return {
            "kind": "method",
            "signature": strip_addresses(str(sig)),
            "params": [self.param(p) for p in params if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)],
            "docstring": inspect.getdoc(fn),
            "coroutine": inspect.iscoroutinefunction(fn),
            "has_args": any(p.kind == p.VAR_POSITIONAL for p in params),
            "has_kwargs": any(p.kind == p.VAR_KEYWORD for p in params),
            "returns": self.return_format(sig),
        }

    def prop(self, name, prop):
        sig = inspect.signature(prop.fget) if prop.fget else None
        out = {"kind": "property", "signature": strip_addresses(str(sig)) if sig else None, "docstring": inspect.getdoc(prop),
               "coroutine": False, "is_property": True, "has_setter": prop.fset is not None,
               "getter": {"action": name, "returns": self.return_format(sig)}}
        if prop.fset is not None:
            ann = sig.return_annotation if sig else inspect.Parameter.empty
            value = inspect.Parameter("value", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                      annotation=ann if ann is not inspect.Signature.empty else inspect.Parameter.empty)
            out["setter"] = {"action": name + "_(setter)", "params": [self.param(value)]}
        return out

    def instrument(self, obj):
        cls = type(obj)
        methods, properties, skipped = {}, {}, {}
        for name, member in inspect.getmembers(cls, callable):
            if name.startswith("_") or name.isupper():
                continue
            if isinstance(member, type):
                skipped[name] = "a class attribute, not a method"
                continue
            try:
                sig = inspect.signature(member)
            except (TypeError, ValueError) as err:
                skipped[name] = "no signature: %s" % err
                continue
            if any(any(t in str(p.annotation) for t in IO_TYPE_NAMES) for p in sig.parameters.values()):
                skipped[name] = "binary or stream parameter (hidden, as in IvoryOS)"
                continue
            try:
                methods[name] = self.method(member)
            except Exception as err:  # one odd member must not hide the instrument
                skipped[name] = "%s: %s" % (type(err).__name__, err)
        for name, member in inspect.getmembers(cls, lambda x: isinstance(x, property)):
            if name.startswith("_") or name.isupper():
                continue
            try:
                properties[name] = self.prop(name, member)
            except Exception as err:
                skipped[name] = "%s: %s" % (type(err).__name__, err)
        return {"class": cls.__name__, "module": self.module_name(cls), "docstring": inspect.getdoc(cls) if cls.__doc__ else None,
                "methods": methods, "properties": properties, "skipped": skipped}

    def schema(self, exclude_names):
        instruments, excluded, failed = {}, {}, {}
        for name, val in list(vars(self.module).items()):
            qualified = "deck." + name
            if (type(val).__module__ == "builtins" or not name or name[0].isupper() or name.startswith("_")
                    or isinstance(val, logging.Logger) or type(val).__name__ == "Blueprint"
                    or type(val).__module__ == "__future__" or name in exclude_names):
                excluded[qualified] = type(val).__name__
                continue
            try:
                instruments[qualified] = self.instrument(val)
            except Exception as err:
                failed[qualified] = "%s: %s" % (type(err).__name__, err)
        blocks = {}
        for category, funcs in BUILDING_BLOCKS.items():
            blocks["blocks." + category] = {"class": "blocks", "module": None, "docstring": None, "skipped": {}, "properties": {},
                                            "methods": {n: self.method(m["func"]) for n, m in funcs.items()}}
        instruments.update(blocks)
        return {"instruments": instruments, "excluded": excluded, "failed": failed}


def union_parts(ann):
    if ann is inspect.Parameter.empty or isinstance(ann, str):
        return []
    origin = get_origin(ann)
    if origin is typing.Union or type(ann).__name__ == "UnionType":
        return list(get_args(ann))
    return [ann]


def split_args(text):
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(text[start:i].strip())
            start = i + 1
    if text[start:].strip():
        out.append(text[start:].strip())
    return out


def return_format_from_text(annotation):
    """Return annotations written as strings (PEP 563), parsed the way IvoryOS does."""
    annotation = annotation.strip().strip("'\"")
    text = annotation[7:] if annotation.lower().startswith("typing.") else annotation
    low = text.lower()
    if low in ("", "none"):
        return {"kind": "none", "types": [], "annotation": annotation}
    for prefix in ("tuple[", "tuple("):
        if low.startswith(prefix) and text.endswith(("]", ")")):
            args = split_args(text[len(prefix):-1])
            variable = len(args) == 2 and args[1] == "..."
            return {"kind": "tuple", "types": [a for a in args if a != "..."], "annotation": annotation,
                    "variable_length": variable, "arity": None if variable else len(args)}
    for prefix in ("dict[", "dict("):
        if low.startswith(prefix) and text.endswith(("]", ")")):
            return {"kind": "dict", "types": split_args(text[len(prefix):-1]), "annotation": annotation}
    return {"kind": "scalar", "types": [annotation], "annotation": annotation}


def strip_addresses(text):
    return ADDRESS.sub("", text)


# --------------------------------------------------------------------------- values out: JSON-safe

def json_safe(value, _seen=None):
    """A driver's return value as JSON: NaN/±Infinity → null (as in TypeScript decks), big ints → text,
    Enum → value, tuple/set → list, numpy → lists/scalars, bytes and other objects → {"$type", "repr"}."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int) and not isinstance(value, enum.Enum):
        return value if -MAX_SAFE_INT <= value <= MAX_SAFE_INT else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, enum.Enum):
        return json_safe(value.value, _seen)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, pathlib.PurePath):
        return str(value)
    if hasattr(value, "dtype") and callable(getattr(value, "tolist", None)):  # numpy arrays and scalars, without importing numpy
        try:
            return json_safe(value.tolist(), _seen)
        except Exception:
            pass
    seen = _seen if _seen is not None else set()
    if id(value) in seen:
        return "[Circular]"
    if isinstance(value, (list, tuple, set, frozenset, dict)) or dataclasses.is_dataclass(value):
        seen.add(id(value))
        try:
            if isinstance(value, dict):
                return {k if isinstance(k, str) else json.dumps(json_safe(k)) if isinstance(k, (tuple, list)) else str(json_safe(k)): json_safe(v, seen)
                        for k, v in value.items()}
            if dataclasses.is_dataclass(value) and not isinstance(value, type):
                return {f.name: json_safe(getattr(value, f.name), seen) for f in dataclasses.fields(value)}
            items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
            return [json_safe(v, seen) for v in items]
        finally:
            seen.discard(id(value))
    try:
        text = repr(value)
    except Exception as err:
        text = "<unrepresentable %s: %s>" % (type(value).__name__, err)
    return {"$type": type(value).__name__, "repr": strip_addresses(text)}


# --------------------------------------------------------------------------- values in: conversion by annotation

class ArgumentError(Exception):
    pass


class NotFound(LookupError):
    pass


def convert(value, ann, where):
    """A JSON argument → what the annotation asks for. Unannotated parameters get the value as sent."""
    if ann is inspect.Parameter.empty or ann is typing.Any or isinstance(ann, str):
        return value
    parts = union_parts(ann)
    if len(parts) > 1:
        if type(None) in parts and (value is None or value == "" or value == "None"):
            return None
        errors = []
        for part in [p for p in parts if p is not type(None)]:
            try:
                return convert(value, part, where)
            except ArgumentError as err:
                errors.append(str(err))
        raise ArgumentError("; ".join(errors) or "%s: %r does not match %s" % (where, value, ann))
    if ann is type(None):
        if value is None:
            return None
        raise ArgumentError("%s: %r is not None" % (where, value))
    if isinstance(ann, type) and issubclass(ann, enum.Enum):
        return convert_enum(value, ann, where)
    if Literal is not None and get_origin(ann) is Literal:
        return convert_literal(value, get_args(ann), where)
    if ann is bool:
        return convert_bool(value, where)
    if ann is int:
        return convert_int(value, where)
    if ann is float:
        if isinstance(value, bool):
            raise ArgumentError("%s: %r is not a float" % (where, value))
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value.strip())
            except ValueError:
                pass
        raise ArgumentError("%s: %r is not a float" % (where, value))
    if ann is str:
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        raise ArgumentError("%s: %r is not a str" % (where, value))
    origin, args = get_origin(ann) or ann, get_args(ann)
    if origin in (list, tuple, set, frozenset):
        items = as_sequence(value, where)
        if origin is tuple and args and not (len(args) == 2 and args[1] is Ellipsis):
            if len(items) != len(args):
                raise ArgumentError("%s: expected %d items, got %d" % (where, len(args), len(items)))
            return tuple(convert(v, a, where) for v, a in zip(items, args))
        item_ann = args[0] if args else inspect.Parameter.empty
        return origin(convert(v, item_ann, where) for v in items)
    if origin is dict:
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise ArgumentError("%s: %r is not a JSON object" % (where, value))
        if not isinstance(value, dict):
            raise ArgumentError("%s: %r is not a dict" % (where, value))
        if len(args) == 2:
            return {convert(k, args[0], where): convert(v, args[1], where) for k, v in value.items()}
        return value
    if ann in (datetime.datetime, datetime.date, datetime.time) and isinstance(value, str):
        try:
            return ann.fromisoformat(value)
        except ValueError:
            raise ArgumentError("%s: %r is not an ISO %s" % (where, value, ann.__name__))
    if isinstance(ann, type) and issubclass(ann, pathlib.PurePath) and isinstance(value, str):
        return ann(value)
    # Any other class: never construct it from user data (IvoryOS's annotation(value) would).
    return value


def convert_enum(value, cls, where):
    if isinstance(value, cls):
        return value
    if isinstance(value, str) and value in cls.__members__:
        return cls[value]
    try:
        return cls(value)
    except (ValueError, TypeError):
        pass
    raise ArgumentError("%s: %r is not one of %s (names) or %s (values)" % (
        where, value, list(cls.__members__), [m.value for m in cls]))


def convert_literal(value, allowed, where):
    if value in allowed and not (isinstance(value, bool) and not any(isinstance(a, bool) for a in allowed)):
        return value
    for a in allowed:
        if isinstance(value, str) and str(a) == value.strip():
            return a
    raise ArgumentError("%s: %r is not one of %s" % (where, value, list(allowed)))


def convert_bool(value, where):
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    raise ArgumentError("%s: %r is not a bool" % (where, value))


def convert_int(value, where):
    if isinstance(value, bool):
        raise ArgumentError("%s: %r is not an int" % (where, value))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise ArgumentError("%s: %r is not an int" % (where, value))


def as_sequence(value, where):
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                parsed = json.loads(text)
                if isinstance(parsed, list):
                    return parsed
            except ValueError:
                pass
        return [part.strip() for part in text.split(",")] if text else []
    raise ArgumentError("%s: %r is not a list" % (where, value))


# --------------------------------------------------------------------------- calls

class Deck:
    def __init__(self, module, introspector, schema, call_log):
        self.module = module
        self.introspector = introspector
        self.schema = schema
        self.call_log = call_log
        self.signatures = {}

    def target(self, instrument, action):
        """(callable, signature or None, kind) for an action named as IvoryOS names it."""
        entry = self.schema["instruments"].get(instrument)
        if entry is None:
            raise NotFound("%s is not an instrument of this deck" % instrument)
        if instrument.startswith("blocks."):
            if action not in entry["methods"]:
                raise NotFound("%s has no action '%s'" % (instrument, action))
            fn = BUILDING_BLOCKS[instrument[len("blocks."):]][action]["func"]
            return fn, "method"
        obj = getattr(self.module, instrument[len("deck."):])
        if action in entry["methods"]:
            return getattr(obj, action), "method"
        if action in entry["properties"]:
            return (lambda: getattr(obj, action)), "getter"
        if action.endswith("_(setter)") and "setter" in entry["properties"].get(action[:-len("_(setter)")], {}):
            name = action[:-len("_(setter)")]
            return (lambda value: setattr(obj, name, value)), "setter"
        raise NotFound("%s has no action '%s'" % (instrument, action))

    def bind(self, instrument, action, kwargs):
        fn, kind = self.target(instrument, action)
        where = "%s.%s" % (instrument, action)
        if kind == "getter":
            if kwargs:
                raise ArgumentError("%s takes no arguments" % where)
            return fn, {}
        if kind == "setter":
            obj_cls = type(getattr(self.module, instrument[len("deck."):]))
            prop = getattr(obj_cls, action[:-len("_(setter)")])
            ann = resolved_signature(prop.fget).return_annotation if prop.fget else inspect.Parameter.empty
            if ann is inspect.Signature.empty:
                ann = inspect.Parameter.empty
            if set(kwargs) != {"value"}:
                raise ArgumentError("%s takes exactly one argument 'value'" % where)
            return fn, {"value": convert(kwargs["value"], ann, where + "(value)")}
        sig = resolved_signature(fn)
        converted = {}
        accepts_more = any(p.kind == p.VAR_KEYWORD for p in sig.parameters.values())
        for name, value in kwargs.items():
            p = sig.parameters.get(name)
            if p is None or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD, p.POSITIONAL_ONLY):
                if accepts_more and p is None:
                    converted[name] = value
                    continue
                raise ArgumentError("%s: unexpected argument '%s'" % (where, name))
            converted[name] = convert(value, p.annotation, "%s(%s)" % (where, name))
        try:
            sig.bind(**converted)
        except TypeError as err:
            raise ArgumentError("%s: %s" % (where, err))
        return fn, converted

    def record(self, instrument, action, kwargs):
        if not self.call_log:
            return
        now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        line = "%s %s %s %s\n" % (now, instrument.split(".", 1)[-1], action, json.dumps(kwargs, separators=(",", ":")))
        with open(self.call_log, "a", encoding="utf-8") as f:
            f.write(line)


_SIGNATURES = {}


def resolved_signature(fn):
    """inspect.signature with PEP 563 string annotations evaluated where possible (cached per function)."""
    key = getattr(fn, "__func__", fn)
    sig = _SIGNATURES.get(key)
    if sig is None:
        try:
            sig = inspect.signature(fn, eval_str=True) if sys.version_info >= (3, 10) else _eval_signature(fn)
        except Exception:
            sig = inspect.signature(fn)
        if len(_SIGNATURES) < 10000:
            _SIGNATURES[key] = sig
    return sig


def _eval_signature(fn):
    sig = inspect.signature(fn)
    hints = typing.get_type_hints(fn)
    params = [p.replace(annotation=hints.get(p.name, p.annotation)) for p in sig.parameters.values()]
    return sig.replace(parameters=params, return_annotation=hints.get("return", sig.return_annotation))


def error_of(err, tb_from=None):
    frames = traceback.extract_tb(err.__traceback__)
    # The driver's frames only: drop the bridge's own frames at the top.
    here = os.path.abspath(__file__)
    while frames and os.path.abspath(frames[0].filename) == here:
        frames = frames[1:]
    text = "Traceback (most recent call last):\n" + "".join(traceback.format_list(frames)) if frames else ""
    text += "".join(traceback.format_exception_only(type(err), err))
    message = str(err)
    if isinstance(err, SystemExit):
        message = "exit code %s" % (err.code,)
    elif not message:
        message = "(no message)"
    return {"type": type(err).__name__, "message": message, "traceback": text.rstrip()}


class DeckThread(threading.Thread):
    """Runs every call of the deck, one at a time, on this one thread, with one event loop for coroutines."""

    def __init__(self, deck, loop):
        super().__init__(name="deck", daemon=True)
        self.deck = deck
        self.loop = loop
        self.calls = queue.Queue()

    def run(self):
        asyncio.set_event_loop(self.loop)
        while True:
            request = self.calls.get()
            if request is None:
                return
            self.execute(request)

    def execute(self, request):
        call_id = request.get("id")
        CURRENT_CALL.id = call_id
        started = time.perf_counter()
        try:
            instrument, action = request.get("instrument"), request.get("action")
            kwargs = request.get("kwargs") or {}
            if not isinstance(kwargs, dict):
                raise ArgumentError("kwargs must be an object")
            fn, converted = self.deck.bind(instrument, action, kwargs)
            self.deck.record(instrument, action, kwargs)
            result = fn(**converted)
            if inspect.isawaitable(result):
                result = self.loop.run_until_complete(result)
            answer = {"id": call_id, "ok": True, "output": json_safe(result)}
        except BaseException as err:  # SystemExit/KeyboardInterrupt from a driver are call errors, not a dead bridge
            error = error_of(err)
            if isinstance(err, ArgumentError):
                error["type"] = "ArgumentError"
            elif isinstance(err, NotFound):
                error["type"] = "NotFound"
            answer = {"id": call_id, "ok": False, "error": error}
        finally:
            for stream in (sys.stdout, sys.stderr):
                if isinstance(stream, PrintCapture):
                    stream.flush()
            CURRENT_CALL.id = None
        answer["duration_ms"] = round((time.perf_counter() - started) * 1000, 3)
        try:
            CHANNEL.send(answer)
        except (TypeError, ValueError) as err:
            CHANNEL.send({"id": call_id, "ok": False, "duration_ms": answer["duration_ms"],
                          "error": {"type": "ProtocolError", "message": "the output could not be sent: %s" % err, "traceback": ""}})


# --------------------------------------------------------------------------- main

def attach_logging(logger_names):
    handler = ProtocolLogHandler()
    handler.setLevel(logging.INFO)
    for name in logger_names:
        lg = logging.getLogger(name)
        if lg.level == logging.NOTSET or lg.level > logging.INFO:
            lg.setLevel(logging.INFO)
        lg.addHandler(handler)
    root_handler = ProtocolLogHandler()
    root_handler.setLevel(logging.WARNING)
    logging.getLogger().addHandler(root_handler)


def python_info():
    return {"version": "%d.%d.%d" % sys.version_info[:3], "executable": sys.executable, "prefix": sys.prefix,
            "venv": sys.prefix != getattr(sys, "base_prefix", sys.prefix)}


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="ivoryos_bridge")
    ap.add_argument("--deck", required=True)
    ap.add_argument("--entry", choices=("auto", "import", "main"), default="auto")
    ap.add_argument("--exclude", action="append", default=[])
    ap.add_argument("--logger", action="append", default=[])
    ap.add_argument("--call-log", default=os.environ.get("IVORYOS_SIM_CALL_LOG") or None)
    ap.add_argument("deck_args", nargs=argparse.REMAINDER)
    opts = ap.parse_args(argv)
    if opts.deck_args and opts.deck_args[0] == "--":
        opts.deck_args = opts.deck_args[1:]
    return opts


def main(argv=None):
    opts = parse_args(sys.argv[1:] if argv is None else argv)
    requests = setup_channel()
    faulthandler.enable(file=sys.__stderr__)
    sys.stdout = PrintCapture("stdout")
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in the agent's terminal: the agent owns shutdown
    except (ValueError, OSError):
        pass
    emit("hello", protocol=PROTOCOL_VERSION, pid=os.getpid(), python=python_info(), platform=sys.platform, cwd=os.getcwd())

    deck_path = os.path.abspath(opts.deck)
    bridge_dir = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != bridge_dir]
    sys.path.insert(0, os.path.dirname(deck_path))
    sys.argv = [deck_path] + list(opts.deck_args)
    install_stub_ivoryos()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    warnings = []
    began = time.perf_counter()
    try:
        module, entry = load_deck(deck_path, opts.entry, warnings)
        asyncio.set_event_loop(loop)
        run_kwargs = RUN_CALLS[-1] if RUN_CALLS else {}
        loggers = list(opts.logger)
        run_logger = run_kwargs.get("logger")
        loggers += run_logger if isinstance(run_logger, (list, tuple)) else [run_logger] if run_logger else []
        exclude = list(opts.exclude) + list(run_kwargs.get("exclude_names") or [])
        introspector = Introspector(module, deck_path)
        schema = introspector.schema(set(exclude))
    except BaseException as err:
        sys.stdout.flush()
        emit("load_error", error=error_of(err))
        sys.stderr.write("".join(traceback.format_exception(type(err), err, err.__traceback__)))
        sys.stderr.flush()
        os._exit(3)
    schema["deck"] = {"file": deck_path, "module": module.__name__, "entry": entry, "streamed_loggers": loggers,
                      "exclude_names": exclude, "warnings": warnings}
    attach_logging(loggers)
    sys.stdout.flush()
    deck = Deck(module, introspector, schema, opts.call_log)
    worker = DeckThread(deck, loop)
    worker.start()
    emit("ready", load_ms=round((time.perf_counter() - began) * 1000, 3), schema=schema)
    serve(requests, worker, schema)


def serve(requests, worker, schema):
    """Reads requests until EOF or shutdown. Pings are answered here, even while a call runs."""
    while True:
        line = requests.readline()
        if not line:
            shutdown(worker, grace_s=30)
        line = line.strip()
        if not line:
            continue
        try:
            request = json.loads(line)
        except ValueError as err:
            emit("protocol_error", message="unreadable request: %s" % err)
            continue
        method = request.get("method")
        if method == "call":
            worker.calls.put(request)
        elif method == "ping":
            CHANNEL.send({"id": request.get("id"), "ok": True, "output": "pong"})
        elif method == "schema":
            CHANNEL.send({"id": request.get("id"), "ok": True, "output": schema})
        elif method == "shutdown":
            shutdown(worker, grace_s=float(request.get("grace_s", 5)))
        else:
            CHANNEL.send({"id": request.get("id"), "ok": False,
                          "error": {"type": "ProtocolError", "message": "unknown method %r" % (method,), "traceback": ""}})


def shutdown(worker, grace_s):
    """Waits for the call in progress (bounded), runs atexit handlers (bounded), then exits without waiting on driver threads."""
    worker.calls.put(None)
    worker.join(grace_s)
    abandoned = worker.is_alive()
    import atexit
    done = threading.Event()

    def run_atexit():
        try:
            atexit._run_exitfuncs()
        finally:
            done.set()
    threading.Thread(target=run_atexit, daemon=True).start()
    done.wait(5)
    try:
        emit("bye", abandoned_call=abandoned, atexit_finished=done.is_set())
    except OSError:
        pass
    os._exit(4 if abandoned else 0)


if __name__ == "__main__":
    main()
