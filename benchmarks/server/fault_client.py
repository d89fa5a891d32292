#!/usr/bin/env python3
"""Fault clients for load-and-fault.sh (standard library only, 127.0.0.1 only).

  fault_client.py burst PORT BODY_FILE N          N requests released at once; prints the count per status
  fault_client.py disconnect PORT BODY_FILE N MS  N clients send a request and hang up after MS milliseconds
  fault_client.py slowbody PORT SECONDS           sends a body at one byte per second; prints what the server did
  fault_client.py body PORT PATH 100k-docs        sends 100,000 documents and prints the status and problem
  fault_client.py hostile PORT BODY_30 BODY_100 N M  N clients send BODY_30 at once, every third hangs up after 50 ms,
                                                  and M more send BODY_100; prints the count per status
"""
import http.client
import json
import socket
import sys
import threading
import time
from collections import Counter

HOST = "127.0.0.1"


def post(port, path, body, timeout=120):
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, response.getheader("Retry-After"), response.read()
    finally:
        conn.close()


def burst(port, body_file, n):
    body = open(body_file, "rb").read()
    barrier = threading.Barrier(n)
    results = []
    lock = threading.Lock()

    def one():
        barrier.wait()
        try:
            status, retry_after, _ = post(port, "/v1/rerank", body, timeout=600)
        except Exception as e:  # a refused or reset connection is a failure of the server
            status, retry_after = f"error {type(e).__name__}", None
        with lock:
            results.append((status, retry_after))

    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counts = Counter(str(s) for s, _ in results)
    retry = all(r is not None for s, r in results if s == 429)
    print(json.dumps({"requests": n, "statuses": counts, "all_429_have_retry_after": retry}))


def disconnect(port, body_file, n, ms):
    body = open(body_file, "rb").read()
    head = (f"POST /v1/rerank HTTP/1.1\r\nHost: {HOST}:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    answered = []

    def one():
        s = socket.create_connection((HOST, port))
        s.sendall(head + body)
        s.settimeout(ms / 1000)
        try:
            answered.append(len(s.recv(1)) > 0)
        except socket.timeout:
            answered.append(False)
        s.close()

    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"clients": n, "hung_up_after_ms": ms, "answered_before_hang_up": sum(answered)}))


def hostile(port, body_30_file, body_100_file, n, m):
    body_30, body_100 = open(body_30_file, "rb").read(), open(body_100_file, "rb").read()
    barrier = threading.Barrier(n + m)
    results = []
    lock = threading.Lock()

    def one(i):
        body, hang_up = (body_30, i % 3 == 2) if i < n else (body_100, False)
        barrier.wait()
        if hang_up:
            head = (f"POST /v1/rerank HTTP/1.1\r\nHost: {HOST}:{port}\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n").encode()
            s = socket.create_connection((HOST, port))
            s.sendall(head + body)
            s.settimeout(0.05)
            try:
                status = "answered before hanging up" if s.recv(1) else "closed by the server"
            except socket.timeout:
                status = "hung up"
            s.close()
        else:
            try:
                status, _, _ = post(port, "/v1/rerank", body, timeout=300)
            except Exception as e:  # a refused or reset connection is a failure of the server
                status = f"error {type(e).__name__}"
        with lock:
            results.append(str(status))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n + m)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"clients": n + m, "statuses": Counter(results)}))


def slowbody(port, seconds):
    s = socket.create_connection((HOST, port))
    s.sendall((f"POST /v1/rerank HTTP/1.1\r\nHost: {HOST}:{port}\r\nContent-Type: application/json\r\n"
               "Content-Length: 5000\r\n\r\n{").encode())
    s.settimeout(1)
    started = time.time()
    outcome = "still open"
    while time.time() - started < seconds:
        try:
            data = s.recv(4096)
            outcome = "closed by the server" if not data else "answered: " + data.split(b"\r\n")[0].decode()
            break
        except socket.timeout:
            try:
                s.sendall(b" ")
            except OSError:
                outcome = "closed by the server"
                break
        except OSError:
            outcome = "reset by the server"
            break
    s.close()
    print(json.dumps({"slow_body": outcome, "after_seconds": round(time.time() - started, 1)}))


def generated(kind):
    if kind == "100k-docs":
        return json.dumps({"query": "q", "documents": ["doc"] * 100_000}).encode()
    raise SystemExit(f"unknown body kind {kind}")


def body(port, path, kind):
    data = generated(kind)
    try:
        status, _, answer = post(port, path, data)
        problem = json.loads(answer) if answer else {}
        print(json.dumps({"body": kind, "bytes": len(data), "status": status, "field": problem.get("field"), "detail": problem.get("detail")}))
    except (ConnectionResetError, BrokenPipeError) as e:
        print(json.dumps({"body": kind, "bytes": len(data), "status": f"connection closed while sending ({type(e).__name__})"}))


if __name__ == "__main__":
    command, port = sys.argv[1], int(sys.argv[2])
    if command == "burst":
        burst(port, sys.argv[3], int(sys.argv[4]))
    elif command == "disconnect":
        disconnect(port, sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    elif command == "hostile":
        hostile(port, sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
    elif command == "slowbody":
        slowbody(port, int(sys.argv[3]))
    elif command == "body":
        body(port, sys.argv[3], sys.argv[4])
    else:
        raise SystemExit(__doc__)
