// The Python side of a Pyodide sandbox worker: run once at start-up, it defines the call runner and then
// closes the doors Pyodide opens from Python to JavaScript (the js and pyodide modules and their kin).
// Tool code runs in a fresh namespace per call; after each call the runner checks that builtins and the
// modules loaded at start-up are as they were, and asks for a fresh interpreter when they are not.
// `urllib.request` gets a handler for http and https that hands the request to the host (the pool makes
// it under the call's network grant, or says why not: that refusal is the URLError the tool sees).

/** Python source; defines `_lmos_run(request_json) -> result_json` in __main__. */
export const PYTHON_PRELUDE = `
import builtins, inspect, json, os, sys, traceback, types

_BLOCKED = ("js", "pyodide", "pyodide_js", "_pyodide", "_pyodide_core", "micropip", "pyodide_http",
            "ctypes", "_ctypes")

class _LmosBlocker:
    """Refuses the modules that reach JavaScript (and ctypes, which reaches raw WebAssembly)."""
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in _BLOCKED:
            raise ImportError(f"the module {name!r} is not available in the lmos sandbox")
        return None

def _lmos_close_doors():
    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "JsFinder"]
    sys.meta_path.insert(0, _LmosBlocker())
    for name in list(sys.modules):
        if name.split(".")[0] in _BLOCKED:
            del sys.modules[name]

# Modules whose every value is compared after a call (the runner's own and what it uses); the others
# are compared by identity and size, which catches replaced modules and added or removed names.
_WATCHED = ("__main__", "os", "json", "inspect", "traceback", "types", "posixpath")

def _lmos_fingerprint():
    mods = {}
    for name, mod in list(sys.modules.items()):
        d = getattr(mod, "__dict__", None)
        if isinstance(d, dict):
            mods[name] = (mod, d, len(d))
    watched = {name: dict(sys.modules[name].__dict__) for name in _WATCHED if name in sys.modules}
    return dict(builtins.__dict__), mods, watched

def _lmos_tainted(snapshot):
    bset, mods, watched = snapshot
    for current, before in [(builtins.__dict__, bset)] + [
            (sys.modules[n].__dict__ if n in sys.modules else {}, d) for n, d in watched.items()]:
        if len(current) != len(before):
            return True
        for k, v in before.items():
            if current.get(k, _lmos_tainted) is not v:
                return True
    for name, (mod, d, n) in mods.items():
        if sys.modules.get(name) is not mod or mod.__dict__ is not d or len(d) != n:
            return True
    if sys.meta_path[0].__class__ is not _LmosBlocker:
        return True
    return False

def _lmos_text(value):
    # Letta's validate_function_response: strings as they are, None as "None", dicts as JSON, else str().
    if isinstance(value, str):
        return value
    if value is None:
        return "None"
    if isinstance(value, dict):
        try:
            return json.dumps(value, ensure_ascii=False)
        except Exception:
            return str(value)
    return str(value)

def _lmos_drive(coro):
    # No event loop reaches out of the sandbox; a coroutine that only awaits other coroutines still runs.
    try:
        while True:
            coro.send(None)
    except StopIteration as stop:
        return stop.value
    raise RuntimeError("an async tool awaited something the sandbox cannot wait for")

def _lmos_error(e):
    lines = traceback.format_exception(type(e), e, e.__traceback__)
    tool_lines = [l for l in lines if "<tool>" in l or not l.startswith("  File")]
    return "".join(tool_lines[-12:]).strip()

def _lmos_run(request_json):
    req = json.loads(request_json)
    saved_env = dict(os.environ)
    saved_cwd = os.getcwd()
    out = None
    try:
        os.environ.update(req["env"])
        ns = {"__name__": "__lmos_tool__", "__builtins__": builtins}
        exec(compile(req["source"], "<tool>", "exec"), ns)
        fn = ns.get(req["entry"])
        if not callable(fn):
            out = {"ok": False, "kind": "error", "message": f"Error: the source defines no function named {req['entry']!r}"}
        else:
            args = dict(req["args"])
            try:
                params = inspect.signature(fn).parameters
            except (TypeError, ValueError):
                params = {}
            if "agent_state" in params and "agent_state" not in args:
                args["agent_state"] = types.SimpleNamespace(**(req.get("agent") or {}))
            value = fn(**args)
            if inspect.iscoroutine(value):
                value = _lmos_drive(value)
            text = _lmos_text(value)
            cap = req["limits"]["outputChars"]
            out = {"ok": True, "value": text[:cap] if cap > 0 else text, "length": len(text)}
    except MemoryError:
        out = {"ok": False, "kind": "memory", "message": "MemoryError"}
    except KeyboardInterrupt:
        out = {"ok": False, "kind": "timeout", "message": "interrupted"}
    except RecursionError as e:
        out = {"ok": False, "kind": "error", "message": "RecursionError: " + str(e)}
    except BaseException as e:
        out = {"ok": False, "kind": "error", "message": _lmos_error(e)}
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        try:
            os.chdir(saved_cwd)
        except OSError:
            pass
    out["recycle"] = _lmos_tainted(_LMOS_SNAPSHOT[0])
    return json.dumps(out)

def _lmos_install_http(host):
    import base64, email.message, io, urllib.error, urllib.request, urllib.response

    class LmosHTTPHandler(urllib.request.BaseHandler):
        handler_order = 100

        def __init__(self, host):
            self.host = host

        def _open(self, req):
            data = req.data
            if data is not None and not isinstance(data, (bytes, bytearray)):
                data = bytes(data)
            ask = {"url": req.full_url, "method": req.get_method(), "headers": dict(req.header_items())}
            if data is not None:
                ask["body"] = base64.b64encode(data).decode("ascii")
            res = json.loads(self.host(json.dumps(ask)))
            if not res.get("ok"):
                raise urllib.error.URLError(res.get("error", "the request failed"))
            headers = email.message.Message()
            for k, v in res["headers"].items():
                headers[k] = v
            resp = urllib.response.addinfourl(io.BytesIO(base64.b64decode(res["body"])), headers, res["url"], res["status"])
            resp.msg = res["statusText"]
            return resp

        http_open = _open
        https_open = _open

    # A dry run of every path at start-up, so that no call is the first to import what they import (a
    # module first imported during a call changes its package, which would mark the interpreter spoiled).
    def canned(status):
        body = base64.b64encode(b"{}").decode("ascii")
        answer = {"ok": status > 0, "error": "refused", "status": status, "statusText": "OK",
                  "url": "http://lmos.invalid/", "headers": {"content-type": "text/plain; charset=utf-8"}, "body": body}
        return lambda ask: json.dumps(answer)
    handler = LmosHTTPHandler(canned(200))
    opener = urllib.request.build_opener(handler)
    for status in (200, 404, 0):
        handler.host = canned(status)
        try:
            r = opener.open(urllib.request.Request("http://lmos.invalid/", data=b"x", method="POST"), timeout=1)
            r.read().decode(r.headers.get_content_charset() or "utf-8"), r.status, r.getcode(), dict(r.headers)
            json.loads(opener.open("http://lmos.invalid/").read())
        except urllib.error.URLError as e:
            str(e)
    handler.host = host
    urllib.request.install_opener(opener)

_lmos_install_http(_lmos_host_http)
del _lmos_host_http

_LMOS_SNAPSHOT = []
_lmos_close_doors()
_LMOS_SNAPSHOT.append(_lmos_fingerprint())
`;
