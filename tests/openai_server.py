"""A small OpenAI-compatible chat server on 127.0.0.1 that misbehaves on request.

It drives the gateway through litellm's real OpenAI path (HTTP, SSE parsing, its stream
wrapper), which the custom `fake/` provider never touches. Each request takes the next
behaviour from a script; when the script runs out, the last behaviour repeats.

Behaviours: "ok", "cut" (the connection closes mid-body), "nofinal" (the stream ends without
a finish reason or [DONE]), "empty" (a 200 stream with no content), "length" (finishes with
finish_reason "length"), "garbage" (a 200 whose body is not JSON), "slow" (waits before
answering), and any status code as a string ("429", "500", "401").
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

WORDS = ["This ", "house ", "should ", "act ", "because ", "the ", "evidence ", "is ", "clear."]


class OpenAIServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, script: list[str], *, echo: str = "", slow_s: float = 2.0) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script = list(script)
        self.echo = echo  # text every error body carries (a planted key, for the leak tests)
        self.slow_s = slow_s
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that timed out and hung up is part of the script, not a failure

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.server_port}/v1"

    def next_behaviour(self, body: dict[str, Any]) -> str:
        with self._lock:
            self.requests.append(body)
            return self.script.pop(0) if len(self.script) > 1 else self.script[0]


@contextmanager
def openai_server(script: list[str], **options: Any) -> Iterator[OpenAIServer]:
    server = OpenAIServer(script, **options)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _event(payload: dict[str, Any] | str) -> bytes:
    data = payload if isinstance(payload, str) else json.dumps(payload)
    return f"data: {data}\n\n".encode()


def _chunk(content: str | None = None, finish: str | None = None) -> dict[str, Any]:
    delta = {"content": content} if content else {}
    return {
        "id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1, "model": "test",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _usage_chunk(completion_tokens: int) -> dict[str, Any]:
    usage = {"prompt_tokens": 11, "completion_tokens": completion_tokens, "total_tokens": 11 + completion_tokens}
    return {"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1, "model": "test", "choices": [], "usage": usage}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: OpenAIServer

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
        behaviour = self.server.next_behaviour(body)
        if behaviour.isdigit():
            return self._error(int(behaviour))
        if behaviour == "slow":
            time.sleep(self.server.slow_s)
            behaviour = "ok"
        if behaviour == "garbage":
            return self._send(200, "application/json", b"<html>not json</html>")
        if body.get("stream"):
            return self._stream(behaviour)
        text = "".join(WORDS) if behaviour != "empty" else ""
        finish = "length" if behaviour == "length" else "stop"
        answer = {
            "id": "chatcmpl-test", "object": "chat.completion", "created": 1, "model": "test",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish}],
            "usage": {"prompt_tokens": 11, "completion_tokens": len(WORDS), "total_tokens": 11 + len(WORDS)},
        }
        self._send(200, "application/json", json.dumps(answer).encode())

    def _error(self, status: int) -> None:
        message = f"test server refuses with {status}; key seen: {self.server.echo}"
        payload = {"error": {"message": message, "type": "test_error", "code": status}}
        self._send(status, "application/json", json.dumps(payload).encode())

    def _send(self, status: int, content_type: str, data: bytes) -> None:
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, behaviour: str) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        if behaviour != "empty":
            for word in WORDS[: len(WORDS) // 2] if behaviour in ("cut", "nofinal") else WORDS:
                self._write(_event(_chunk(word)))
        if behaviour == "cut":
            self.close_connection = True  # no final chunk of the chunked encoding either
            return
        if behaviour == "nofinal":
            self._write(_event(_chunk()))
            self._end()
            return
        if behaviour != "empty":
            self._write(_event(_chunk(finish="length" if behaviour == "length" else "stop")))
            self._write(_event(_usage_chunk(len(WORDS))))
        self._write(_event("[DONE]"))
        self._end()

    def _write(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _end(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()
