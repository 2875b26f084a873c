# MlPipelines scoring worker: runs an Azure ML style score.py (init() + run(raw_data)) for the .NET scoring host.
# Protocol on the ORIGINAL stdout, one JSON object per line:
#   first  {"ready": true} or {"ready": false, "error": "..."}
#   then, per stdin line {"id": N, "data": "<raw json>"}:  {"id": N, "ok": true, "result": ...} or {"id": N, "ok": false, "error": "..."}
# score.py's own prints (and anything writing to fd 1) go to stderr, so they cannot corrupt the protocol.
import importlib.util, json, os, sys, traceback

_proto = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
os.dup2(2, 1)
sys.stdout = sys.stderr


def _send(obj):
    _proto.write(json.dumps(obj, default=_default, allow_nan=False) + "\n")
    _proto.flush()


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
            _send({"id": request["id"], "ok": True, "result": result})
        except Exception:
            _send({"id": request["id"], "ok": False, "error": traceback.format_exc()})
    return 0


sys.exit(main())
