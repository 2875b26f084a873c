# MlPipelines scoring worker: runs an Azure ML style score.py (init() + run(raw_data)) for the .NET scoring host.
# Protocol on the ORIGINAL stdout, one JSON object per line:
#   first  {"ready": true} or {"ready": false, "error": "..."}
#   then, per stdin line {"id": N, "data": "<raw json>"}:  {"id": N, "ok": true, "result": ...},
#   {"id": N, "ok": false, "input_error": true, "error": "<message>"} when run() rejected its input, or
#   {"id": N, "ok": false, "error": "<traceback>"} when it failed otherwise.
# score.py's own prints (and anything writing to fd 1) go to stderr, so they cannot corrupt the protocol.
# Input errors (the caller's mistake, answered 400 with the message): ValueError (json.JSONDecodeError included),
# TypeError, KeyError, IndexError, and any exception class named ScoringInputError or deriving from one, which
# score.py may define itself. Their traceback goes to stderr (the host log), never to the caller.
import importlib.util, json, os, sys, traceback

_proto = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
os.dup2(2, 1)
sys.stdout = sys.stderr


_INPUT_ERRORS = (ValueError, TypeError, KeyError, IndexError)


def _send(obj):
    _write(_encode(obj))


def _encode(obj):
    return json.dumps(obj, default=_default, allow_nan=False)


def _write(line):
    _proto.write(line + "\n")
    _proto.flush()


def _is_input_error(e):
    return isinstance(e, _INPUT_ERRORS) or any(c.__name__ == "ScoringInputError" for c in type(e).__mro__)


def _input_message(e):
    if isinstance(e, KeyError) and len(e.args) == 1:
        return f"missing key {e.args[0]!r}"  # str(KeyError('data')) is just "'data'"
    return str(e) or type(e).__name__


def _failure(request_id, e):
    if _is_input_error(e):
        traceback.print_exc(file=sys.stderr)
        return {"id": request_id, "ok": False, "input_error": True, "error": _input_message(e)}
    return {"id": request_id, "ok": False, "error": traceback.format_exc()}


def _default(o):
    tolist = getattr(o, "tolist", None)  # numpy arrays and scalars, pandas objects
    if callable(tolist):
        return tolist()
    to_dict = getattr(o, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


def _load(path):
    folder = os.path.dirname(os.path.abspath(path))
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location("score", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["score"] = module
    spec.loader.exec_module(module)
    if not callable(getattr(module, "run", None)):
        raise AttributeError(f"{path} defines no run(raw_data) function")
    return module


def main():
    try:
        module = _load(sys.argv[1])
        if callable(getattr(module, "init", None)):
            module.init()
    except BaseException:
        _send({"ready": False, "error": traceback.format_exc()})
        return 3
    _send({"ready": True})
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            result = module.run(request["data"])
        except Exception as e:
            _send(_failure(request["id"], e))
            continue
        try:
            answer = _encode({"id": request["id"], "ok": True, "result": result})
        except Exception:
            # A result json cannot encode (NaN, an unknown type) is the scorer's fault, not the caller's.
            answer = _encode({"id": request["id"], "ok": False, "error": traceback.format_exc()})
        _write(answer)
    return 0


sys.exit(main())
