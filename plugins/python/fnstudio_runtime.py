# fnstudio's Python runtime: the Lambda Runtime API (2018-06-01) client loop, handler loading from
# _HANDLER, the context object, Lambda's error shapes and log formats. Standard library only.
#
# The loop speaks raw HTTP/1.1 over one persistent TCP connection because it is most of a warm
# invocation's overhead: http.client costs ~320 us per /next + /response pair, this costs a
# fraction of that. Behaviour (messages, error types, log lines) follows AWS's Python runtime
# interface client (awslambdaric) so that a function behaves here as it does on Lambda.

# Start-up imports are kept to C modules: `json` pulls in `re` and `enum`, `socket` pulls in `enum`,
# `logging` pulls in half the standard library; together ~15 ms of CPU on every cold start here.
# The hot path uses the C JSON codec (`_json`) and `_socket` directly; `json` is imported only on
# error paths, and `logging` is configured when user code first imports it (see _LoggingSetup).
import _json
import _socket
import os
import sys
import time

_TASK_ROOT = os.environ.get("LAMBDA_TASK_ROOT") or "/var/task"
_OPT = "/opt"
_API = "/2018-06-01/runtime"
_EXEC_ENV = os.environ.get("AWS_EXECUTION_ENV", "")


def _json_module():
    import json
    return json


# --------------------------------------------------------------------------------------------
# Runtime API client: strict handling of the few fixed exchanges on one keep-alive connection.

_CHANNEL_FD = 3


class RuntimeApiError(Exception):
    pass


class RuntimeApi(object):
    __slots__ = ("host", "port", "sock", "buf", "view", "start", "end", "closing",
                 "next_request", "host_header", "channel")

    def __init__(self, address):
        host, _, port = address.rpartition(":")
        self.host = host or "127.0.0.1"
        self.port = int(port)
        self.sock = None
        # The engine hands this runtime its channel to the Runtime API on descriptor 3 (runtime.json
        # "runtimeApiFd"): the first connection is that one; later ones (if it ever closed) are TCP
        # connections to AWS_LAMBDA_RUNTIME_API, which serves the same state.
        self.channel = True
        # One receive buffer for the environment's life; an event larger than it grows it once.
        self.buf = bytearray(256 * 1024)
        self.view = memoryview(self.buf)
        self.start = 0
        self.end = 0
        self.closing = False
        self.host_header = ("Host: %s\r\n" % address).encode("ascii")
        self.next_request = (b"GET " + _API.encode("ascii") + b"/invocation/next HTTP/1.1\r\n"
                             + self.host_header + b"\r\n")

    def connect(self):
        if self.sock is not None:
            self.sock.close()
        sock = None
        if self.channel:
            self.channel = False
            try:
                sock = _socket.socket(fileno=_CHANNEL_FD)
            except OSError:
                sock = None  # not handed one: started by hand, or by another tool
        if sock is None:
            sock = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
            sock.connect((self.host, self.port))
            sock.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
        self.sock = sock
        self.start = self.end = 0
        self.closing = False

    def _fill(self):
        # Reads more bytes after self.end; compacts or grows the buffer when it is full.
        if self.end == len(self.buf):
            if self.start > 0:
                n = self.end - self.start
                self.buf[0:n] = self.buf[self.start:self.end]
                self.start, self.end = 0, n
            else:
                # A bytearray with a view open on it cannot grow (BufferError): let go of the view first.
                self.view.release()
                self.buf.extend(bytes(len(self.buf)))
                self.view = memoryview(self.buf)
        n = self.sock.recv_into(self.view[self.end:])
        if n == 0:
            raise ConnectionResetError("Runtime API closed the connection")
        self.end += n

    def _read_response(self):
        # Returns (status, headers as list of (lower-case name, value) bytes, body bytes).
        buf = self.buf
        while True:
            head_end = buf.find(b"\r\n\r\n", self.start, self.end)
            if head_end >= 0:
                break
            self._fill()
            buf = self.buf
        head = bytes(self.view[self.start:head_end])
        lines = head.split(b"\r\n")
        status_line = lines[0]
        if not status_line.startswith(b"HTTP/1.") or len(status_line) < 12:
            raise RuntimeApiError("malformed status line from Runtime API: %r" % status_line[:80])
        status = int(status_line[9:12])
        headers = []
        length = -1
        chunked = False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            value = value.strip()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"connection":
                self.closing = value.lower() == b"close"
            headers.append((name, value))
        self.start = head_end + 4
        if chunked:
            body = self._read_chunked()
        else:
            if length < 0:
                length = 0
            while self.end - self.start < length:
                self._fill()
            body = bytes(self.view[self.start:self.start + length])
            self.start += length
        if self.start == self.end:
            self.start = self.end = 0
        return status, headers, body

    def _read_line(self):
        while True:
            i = self.buf.find(b"\r\n", self.start, self.end)
            if i >= 0:
                line = bytes(self.view[self.start:i])
                self.start = i + 2
                return line
            self._fill()

    def _read_chunked(self):
        # Not what fnstudio's server sends; kept so that a proxying server still works.
        parts = []
        while True:
            size = int(self._read_line().split(b";")[0], 16)
            if size == 0:
                while self._read_line():
                    pass
                return b"".join(parts)
            while self.end - self.start < size + 2:
                self._fill()
            parts.append(bytes(self.view[self.start:self.start + size]))
            self.start += size + 2

    def _exchange(self, request, body=None):
        # Sends one request and reads its response; reconnects once if the server had closed the
        # idle keep-alive connection (the send then fails or the read sees end of stream).
        for attempt in (0, 1):
            try:
                if self.sock is None or self.closing:
                    self.connect()
                if body:
                    sent = self.sock.sendmsg((request, body))
                    total = len(request) + len(body)
                    if sent < total:
                        rest = (request + body)[sent:] if sent < len(request) else body[sent - len(request):]
                        self.sock.sendall(rest)
                else:
                    self.sock.sendall(request)
                return self._read_response()
            except (ConnectionResetError, BrokenPipeError, ConnectionAbortedError):
                if attempt:
                    raise
                self.sock.close()
                self.sock = None

    def next(self):
        return self._exchange(self.next_request)

    def post(self, path, body, content_type=b"application/json", error_type=None):
        request = (b"POST " + path + b" HTTP/1.1\r\n" + self.host_header
                   + b"Content-Type: " + content_type + b"\r\n"
                   + (b"Lambda-Runtime-Function-Error-Type: " + error_type.encode("utf-8") + b"\r\n"
                      if error_type else b"")
                   + b"Content-Length: " + str(len(body)).encode("ascii") + b"\r\n\r\n")
        return self._exchange(request, body)


# --------------------------------------------------------------------------------------------
# Errors, in awslambdaric's shapes.

class FaultException(Exception):
    MARSHAL_ERROR = "Runtime.MarshalError"
    UNMARSHAL_ERROR = "Runtime.UnmarshalError"
    USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
    HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
    IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
    BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
    MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
    LAMBDA_CONTEXT_UNMARSHAL_ERROR = "Runtime.LambdaContextUnmarshalError"

    def __init__(self, exception_type, msg, trace=None):
        Exception.__init__(self, msg)
        self.exception_type = exception_type
        self.msg = msg
        self.trace = trace


_UNHANDLED_WARNING = (
    "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code. "
    "However, in rare cases, a Lambda runtime update can cause unexpected function behavior. "
    "For functions using managed runtimes, runtime updates can be triggered by a function change, "
    "or can be applied automatically. To determine if the runtime has been updated, check the "
    "runtime version in the INIT_START log entry. If this error correlates with a change in the "
    "runtime version, you may be able to mitigate this error by temporarily rolling back to the "
    "previous runtime version. For more information, see "
    "https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html")


def make_error(message, error_type, stack_trace, request_id=""):
    return {
        "errorMessage": message or "",
        "errorType": error_type or "",
        "requestId": request_id or "",
        "stackTrace": stack_trace or [],
    }


def error_from_exception(exc, request_id=""):
    import traceback
    frames = traceback.extract_tb(exc.__traceback__)
    # Frames of this file are the runtime's, not the user's.
    for i, frame in enumerate(frames):
        if not frame.filename.endswith(("/bootstrap.py", "/fnstudio_runtime.py")):
            frames = frames[i:]
            break
    return make_error(str(exc), type(exc).__name__, traceback.format_list(frames), request_id)


def log_error(error):
    # One log event: the lines joined by \r, indentation turned into no-break spaces (as Lambda).
    description = "[ERROR]"
    if error["errorType"]:
        description += " " + error["errorType"]
    if error["errorMessage"]:
        if error["errorType"]:
            description += ":"
        description += " " + error["errorMessage"]
    lines = [description, "Traceback (most recent call last):"]
    for element in error["stackTrace"]:
        if element == "":
            lines.append("")
            continue
        for line in element.splitlines():
            stripped = line.lstrip(" ")
            lines.append("\u00a0" * (len(line) - len(stripped)) + stripped)
    sys.stdout.write("\r".join(lines) + "\n")


# --------------------------------------------------------------------------------------------
# Context object, as awslambdaric's LambdaContext.

class CognitoIdentity(object):
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]


class Client(object):
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code",
                 "app_package_name"]


class ClientContext(object):
    __slots__ = ["custom", "env", "client"]


def _obj_from_dict(cls, d):
    if d is None:
        return None
    obj = cls()
    for field in cls.__slots__:
        setattr(obj, field, d.get(field))
    return obj


class LambdaContext(object):
    def __init__(self, request_id, client_context, cognito_identity, deadline_ms, function_arn):
        env = os.environ
        self.aws_request_id = request_id
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")  # a string, as on Lambda
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = function_arn
        self.tenant_id = None
        self.client_context = _obj_from_dict(ClientContext, client_context)
        if self.client_context is not None:
            self.client_context.client = _obj_from_dict(Client, self.client_context.client)
        self.identity = _obj_from_dict(CognitoIdentity, {})
        if cognito_identity is not None:
            self.identity.cognito_identity_id = cognito_identity.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = cognito_identity.get("cognitoIdentityPoolId")
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        delta = self._deadline_ms - int(time.time() * 1000)
        return delta if delta > 0 else 0

    def log(self, msg):
        sys.stdout.write(str(msg))

    def __repr__(self):
        return ("LambdaContext([aws_request_id=%s,log_group_name=%s,log_stream_name=%s,"
                "function_name=%s,memory_limit_in_mb=%s,function_version=%s,"
                "invoked_function_arn=%s,client_context=%s,identity=%s,tenant_id=%s])" % (
                    self.aws_request_id, self.log_group_name, self.log_stream_name,
                    self.function_name, self.memory_limit_in_mb, self.function_version,
                    self.invoked_function_arn, self.client_context, self.identity, self.tenant_id))


def _parse_json_header(value, name):
    try:
        return _json_module().loads(value)
    except Exception as e:
        raise FaultException(FaultException.LAMBDA_CONTEXT_UNMARSHAL_ERROR,
                             "Unable to parse %s JSON: %s" % (name, e))


# --------------------------------------------------------------------------------------------
# Logging: the root logger writes Lambda's text (or JSON) lines with the current request id.

_request_id = ""


def _setup_logging():
    import logging
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL")
    level = {"TRACE": "DEBUG"}.get(level.upper(), level.upper()) if level else ""
    json_format = (os.environ.get("AWS_LAMBDA_LOG_FORMAT") or "").upper() == "JSON"

    class LambdaHandler(logging.Handler):
        def emit(self, record):
            try:
                sys.stdout.write(self.format(record))
            except Exception:
                self.handleError(record)

    class TextFormatter(logging.Formatter):
        def format(self, record):
            t = time.gmtime(record.created)
            return "[%s]\t%04d-%02d-%02dT%02d:%02d:%02d.%03dZ\t%s\t%s\n" % (
                record.levelname, t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec,
                int(record.msecs), _request_id, logging.Formatter.format(self, record))

    class JsonFormatter(logging.Formatter):
        def format(self, record):
            import traceback
            levelno = min(50, max(0, record.levelno)) // 10 * 10
            t = time.gmtime(record.created)
            exc = record.exc_info
            result = {
                "timestamp": "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (
                    t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, int(record.msecs)),
                "level": logging.getLevelName(levelno),
                "message": record.getMessage(),
                "logger": record.name,
                "stackTrace": traceback.format_tb(exc[2]) if exc else None,
                "errorType": exc[0].__name__ if exc else None,
                "errorMessage": str(exc[1]) if exc else None,
                "requestId": _request_id,
                "location": "%s:%s:%s" % (record.pathname, record.funcName, record.lineno) if exc else None,
            }
            return _json_module().dumps({k: v for k, v in result.items() if v is not None},
                              ensure_ascii=False, default=str) + "\n"

    handler = LambdaHandler()
    handler.setFormatter(JsonFormatter() if json_format else TextFormatter())
    root = logging.getLogger()
    if level in logging._nameToLevel:
        root.setLevel(level)
    root.addHandler(handler)


class _LoggingSetup(object):
    """Configures the root logger the moment anything first imports logging.

    awslambdaric configures it at start-up; importing logging costs ~10 ms of CPU, which a handler
    that never logs should not pay on every cold start. The effect for user code is the same: by
    the time `import logging` returns, the root logger writes Lambda's lines.
    """

    def find_spec(self, name, path=None, target=None):
        if name != "logging":
            return None
        sys.meta_path.remove(self)
        from importlib.machinery import PathFinder
        spec = PathFinder.find_spec("logging")
        if spec is None:
            return None
        self.loader = spec.loader
        spec.loader = self
        return spec

    # The real loader does the work; the root logger is configured before the import returns.
    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        _setup_logging()


def _install_logging_setup():
    if "logging" in sys.modules:
        _setup_logging()
    else:
        sys.meta_path.insert(0, _LoggingSetup())


# --------------------------------------------------------------------------------------------
# Handler loading, as awslambdaric: "module.function", the module may hold dots or slashes.

def _setup_sys_path():
    here = os.path.dirname(os.path.abspath(__file__))
    if sys.path and sys.path[0] == here:
        del sys.path[0]
    version = "python%d.%d" % sys.version_info[:2]
    front = [_TASK_ROOT, _OPT + "/python/lib/" + version + "/site-packages", _OPT + "/python"]
    sys.path[0:0] = front
    if here not in sys.path:
        sys.path.insert(len(front), here)


def load_handler(handler, profiling=False):
    import importlib
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException(FaultException.MALFORMED_HANDLER_NAME,
                             "Bad handler '%s': %s" % (handler, e))
    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise FaultException(FaultException.BUILT_IN_MODULE_CONFLICT,
                                 "Cannot use built-in module %s as a handler module" % modname)
        name = modname.replace("/", ".")
        if profiling:
            # -X importtime times the import statement's machinery, which importlib.import_module
            # bypasses: the handler module itself would be missing from the profile.
            __import__(name)
            module = sys.modules[name]
        else:
            module = importlib.import_module(name)
    except ImportError as e:
        raise FaultException(FaultException.IMPORT_MODULE_ERROR,
                             "Unable to import module '%s': %s" % (modname, e))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise FaultException(FaultException.USER_CODE_SYNTAX_ERROR,
                             "Syntax error in module '%s': %s" % (modname, e), trace)
    try:
        return getattr(module, fname)
    except AttributeError:
        raise FaultException(FaultException.HANDLER_NOT_FOUND,
                             "Handler '%s' missing on module '%s'" % (fname, modname))


# --------------------------------------------------------------------------------------------
# Marshalling, as awslambdaric: bytes pass through, everything else is JSON.

def _json_default(obj):
    import decimal
    if isinstance(obj, decimal.Decimal):
        return int(obj) if obj == obj.to_integral_value() and obj.is_finite() else float(obj)
    raise TypeError("Object of type %s is not JSON serializable" % type(obj).__name__)


# Lambda's python3.12 and later runtimes emit non-ASCII characters as they are.
_ENSURE_ASCII = not (_EXEC_ENV.startswith("AWS_Lambda_python3.") and
                     _EXEC_ENV[len("AWS_Lambda_python3."):].isdigit() and
                     int(_EXEC_ENV[len("AWS_Lambda_python3."):]) >= 12)


class _ScanContext(object):
    # What _json.make_scanner reads off json.JSONDecoder: the defaults of json.loads.
    def __init__(self):
        self.strict = True
        self.object_hook = None
        self.object_pairs_hook = None
        self.parse_float = float
        self.parse_int = int
        self.parse_constant = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}.__getitem__
        self.memo = {}


_scan_once = _json.make_scanner(_ScanContext())
_WHITESPACE = " \t\n\r"


def _loads(body):
    # json.loads for UTF-8 bytes through the C scanner; anything unusual takes the json module's
    # own path, so its exact error messages (line, column) reach the user.
    try:
        text = body.decode("utf-8")
        i, n = 0, len(text)
        while i < n and text[i] in _WHITESPACE:
            i += 1
        obj, end = _scan_once(text, i)
        while end < n and text[end] in _WHITESPACE:
            end += 1
        if end == n:
            return obj
    except Exception:
        pass
    return _json_module().loads(body)


_markers = {}
_c_encode = _json.make_encoder(
    _markers, _json_default, _json.encode_basestring_ascii if _ENSURE_ASCII else _json.encode_basestring,
    None, ": ", ", ", False, False, True)


def _encode(obj):
    # json.dumps(obj, ensure_ascii=..., default=_json_default) through the C encoder.
    try:
        return "".join(_c_encode(obj, 0))
    except BaseException:
        _markers.clear()  # a failed encode leaves its circular-reference markers behind
        raise


def marshal(result):
    if isinstance(result, bytes):
        return result, b"application/unknown"
    try:
        return _encode(result).encode("utf-8"), b"application/json"
    except Exception as e:
        raise FaultException(FaultException.MARSHAL_ERROR, "Unable to marshal response: %s" % e)


def unmarshal(body, content_type):
    if content_type and not content_type.startswith(b"application/json"):
        return body
    try:
        return _loads(body)
    except Exception as e:
        raise FaultException(FaultException.UNMARSHAL_ERROR, "Unable to unmarshal input: %s" % e)


# --------------------------------------------------------------------------------------------

def _flush():
    # The engine writes END/REPORT once the response is in: every line of the invocation must
    # already be in the pipe by then.
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        pass


def _post_init_error(api, error):
    _flush()
    try:
        api.post(_API.encode("ascii") + b"/init/error", _encode(error).encode("utf-8"),
                 error_type=error["errorType"])
    except Exception as e:
        sys.stderr.write("fnstudio bootstrap: could not report the init error: %s\n" % e)
        _flush()
    sys.exit(1)


def main():
    global _request_id
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(line_buffering=True)
        except Exception:
            pass

    address = os.environ.get("AWS_LAMBDA_RUNTIME_API")
    if not address:
        sys.stderr.write("fnstudio bootstrap: AWS_LAMBDA_RUNTIME_API is not set\n")
        sys.exit(1)
    api = RuntimeApi(address)
    api.connect()

    # fnstudio's phase marker: the runtime is up, user code loads next.
    status, _, _ = api.post(b"/fnstudio/runtime-started", b"")
    if status not in (202, 404):
        sys.stderr.write("fnstudio bootstrap: runtime-started answered %d\n" % status)

    _setup_sys_path()
    try:
        os.chdir(_TASK_ROOT)
    except OSError:
        pass

    # fnstudio's import profile (-X importtime, asked for by the engine): only what the handler's
    # init imports counts, between two marker lines; the engine keeps the lines out of the logs.
    profiling = os.environ.pop("FNSTUDIO_PROFILE_IMPORTS", None) == "1"
    if profiling:
        os.environ.pop("PYTHONPROFILEIMPORTTIME", None)  # not for the processes the function starts
        import importlib  # the runtime's, not the handler's
        _flush()
        sys.stderr.write("import time: fnstudio: handler init begins\n")
        _flush()

    try:
        _install_logging_setup()
        handler = load_handler(os.environ.get("_HANDLER", ""), profiling)
        if profiling:
            _flush()
            sys.stderr.write("import time: fnstudio: handler init ends\n")
            _flush()
    except FaultException as e:
        error = make_error(e.msg, e.exception_type, e.trace)
        log_error(error)
        _post_init_error(api, error)
    except Exception as e:
        error = error_from_exception(e)
        log_error(error)
        _post_init_error(api, error)

    environ = os.environ
    response_prefix = _API.encode("ascii") + b"/invocation/"
    while True:
        status, headers, body = api.next()
        if status != 200:
            sys.stderr.write("fnstudio bootstrap: /next answered %d: %s\n"
                             % (status, body[:200].decode("utf-8", "replace")))
            _flush()
            sys.exit(1)
        request_id = b""
        deadline = 0
        arn = trace = client_context = cognito = content_type = None
        for name, value in headers:
            if name == b"lambda-runtime-aws-request-id":
                request_id = value
            elif name == b"lambda-runtime-deadline-ms":
                deadline = int(value)
            elif name == b"lambda-runtime-invoked-function-arn":
                arn = value.decode("utf-8")
            elif name == b"lambda-runtime-trace-id":
                trace = value.decode("latin-1")
            elif name == b"lambda-runtime-client-context":
                client_context = value
            elif name == b"lambda-runtime-cognito-identity":
                cognito = value
            elif name == b"content-type":
                content_type = value
        rid = request_id.decode("ascii")
        _request_id = rid
        if trace is not None:
            environ["_X_AMZN_TRACE_ID"] = trace
        elif "_X_AMZN_TRACE_ID" in environ:
            del environ["_X_AMZN_TRACE_ID"]

        error = None
        try:
            context = LambdaContext(
                rid,
                _parse_json_header(client_context, "Client Context") if client_context else None,
                _parse_json_header(cognito, "Cognito Identity") if cognito else None,
                deadline, arn)
            event = unmarshal(body, content_type)
            result, result_type = marshal(handler(event, context))
        except FaultException as e:
            error = make_error(e.msg, e.exception_type, e.trace, rid)
        except Exception as e:
            error = error_from_exception(e, rid)

        if error is None:
            _flush()
            status, _, reply = api.post(response_prefix + request_id + b"/response", result,
                                        content_type=result_type)
        else:
            sys.stdout.write(_UNHANDLED_WARNING + "\n")
            log_error(error)
            _flush()
            status, _, reply = api.post(response_prefix + request_id + b"/error",
                                        _encode(error).encode("utf-8"),
                                        error_type=error["errorType"])
        if status >= 500:
            # The Runtime API asks the runtime to exit (container error).
            sys.stderr.write("fnstudio bootstrap: Runtime API answered %d: %s\n"
                             % (status, reply[:200].decode("utf-8", "replace")))
            _flush()
            sys.exit(1)


if __name__ == "__main__":
    main()
