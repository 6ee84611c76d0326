#!/usr/bin/python3
"""A client nobody here wrote: Debian's python3-websockets against `minibroker exchange`.

Starts the program on a free port, subscribes to quotes, trades from two institutions, checks
acks, rejects, fills, that each institution's report stream holds only its own reports, and that a
wrong token is refused with 401. Usage: python_client_test.py PATH/TO/minibroker
"""
import asyncio
import json
import subprocess
import sys
import urllib.request

import websockets
import websockets.exceptions

TIMEOUT = 10  # seconds any single step may take before the test fails


async def recv_json(ws):
    return json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))


async def recv_type(ws, wanted):
    while True:
        m = await recv_json(ws)
        if m["type"] == wanted:
            return m


def check(condition, what):
    if not condition:
        raise AssertionError(what)


async def scenario(base):
    http = base.replace("ws://", "http://")
    health = urllib.request.urlopen(http + "/health", timeout=TIMEOUT).read().decode()
    check(json.loads(health) == {"status": "ok"}, f"health: {health}")

    # Instruments: a snapshot, then snapshot_end.
    async with websockets.connect(base + "/ws/instruments") as ws:
        instruments = []
        while True:
            m = await recv_json(ws)
            if m["type"] == "snapshot_end":
                break
            instruments.append(m)
        check(len(instruments) == m["count"] == 3, f"instruments: {instruments}")
    inst = instruments[0]
    symbol, px, lot = inst["symbol"], inst["reference_price"], inst["lot_size"]

    # Quotes for one symbol only.
    async with websockets.connect(f"{base}/ws/quotes?symbols={symbol}") as quotes:
        first = await recv_json(quotes)
        check(first["type"] == "quote" and first["symbol"] == symbol, f"quote: {first}")
        check(isinstance(first["bid"], str) and isinstance(first["ask"], str), "prices are decimal strings")
        end = await recv_json(quotes)
        check(end == {"type": "snapshot_end", "count": 1}, f"quote snapshot end: {end}")
        later = await recv_type(quotes, "quote")
        check(later["symbol"] == symbol and later["seq"] > first["seq"], f"quote update: {later}")

    alpha_auth = {"Authorization": "Bearer alpha-secret"}
    async with websockets.connect(base + "/ws/order", extra_headers=alpha_auth) as alpha, \
            websockets.connect(base + "/ws/order?token=bravo-secret") as bravo, \
            websockets.connect(base + "/ws/order/update/alpha?from=1", extra_headers=alpha_auth) as alpha_reports, \
            websockets.connect(base + "/ws/order/update/bravo?token=bravo-secret&from=1") as bravo_reports:
        # alpha rests a buy; bravo sells into it.
        await alpha.send(json.dumps({"type": "new", "id": 1, "symbol": symbol, "side": "buy", "price": px,
                                     "qty": 2 * lot}))
        ack = await recv_json(alpha)
        check(ack["type"] == "ack" and ack["id"] == 1 and ack["status"] == "new", f"alpha ack: {ack}")
        await bravo.send(json.dumps({"type": "new", "id": 500, "symbol": symbol, "side": "sell", "price": px,
                                     "qty": 2 * lot, "tif": "ioc"}))
        ack = await recv_json(bravo)
        check(ack["type"] == "ack" and ack["id"] == 500, f"bravo ack: {ack}")

        # Rejections name the client order id and the reason.
        await alpha.send(json.dumps({"type": "new", "id": 2, "symbol": "NOPE", "side": "buy", "price": "1",
                                     "qty": lot}))
        rej = await recv_json(alpha)
        check(rej["type"] == "reject" and rej["id"] == 2 and rej["reason"] == "unknown_instrument", f"reject: {rej}")
        await alpha.send(json.dumps({"type": "cancel", "id": 3, "symbol": symbol}))
        rej = await recv_json(alpha)
        check(rej["type"] == "reject" and rej["id"] == 3 and rej["reason"] == "unknown_order", f"reject: {rej}")
        await alpha.send('{"type":"new","id":4')
        err = await recv_json(alpha)
        check(err["type"] == "error" and err["code"] == "malformed_json", f"error: {err}")
        await alpha.send(json.dumps({"type": "new", "id": 5, "symbol": symbol, "side": "buy", "qty": "1"}))
        err = await recv_json(alpha)
        check(err["code"] == "wrong_type" and err["id"] == 5, f"error: {err}")

        # Fills, numbered per institution.
        a = [await recv_json(alpha_reports) for _ in range(2)]
        check([r["seq"] for r in a] == [1, 2], f"alpha seqs: {a}")
        check(a[1]["exec"] == "trade" and a[1]["status"] == "filled" and a[1]["last_qty"] == 2 * lot,
              f"alpha fill: {a[1]}")
        check(a[1]["last_price"] == px, f"fill price: {a[1]}")
        b = [await recv_json(bravo_reports) for _ in range(2)]
        check([r["seq"] for r in b] == [1, 2] and b[1]["status"] == "filled", f"bravo reports: {b}")

        # Isolation: alpha's next report is its own next one (its rejects), none of bravo's.
        a3 = await recv_json(alpha_reports)
        check(a3["seq"] == 3 and a3["id"] in (2, 3) and a3["exec"] == "rejected", f"alpha report 3: {a3}")
        check(all(r["id"] != 500 for r in a + [a3]), "alpha saw bravo's order")
        check(all(r["id"] == 500 for r in b), "bravo saw alpha's order")

    # Wrong token, and the right token for the wrong institution.
    for uri, headers, status in ((base + "/ws/order", {"Authorization": "Bearer wrong"}, 401),
                                 (base + "/ws/order", {}, 401),
                                 (base + "/ws/order/update/bravo", alpha_auth, 403)):
        try:
            async with websockets.connect(uri, extra_headers=headers):
                raise AssertionError(f"{uri} accepted {headers}")
        except websockets.exceptions.InvalidStatusCode as e:
            check(e.status_code == status, f"{uri}: {e.status_code} instead of {status}")

    metrics = urllib.request.urlopen(http + "/metrics", timeout=TIMEOUT).read().decode()
    check('minibroker_ws_refusals_total{reason="unauthorized",status="401"} 2' in metrics, "401s counted")
    check('minibroker_ws_errors_total{code="malformed_json"} 1' in metrics, "errors counted")
    check("minibroker_exchange_trades_total 1" in metrics, "one trade")


def main():
    program = sys.argv[1]
    proc = subprocess.Popen([program, "exchange", "--listen", "127.0.0.1:0", "--instruments", "3",
                             "--quote-rate", "50", "--halt-probability", "0", "--token", "alpha=alpha-secret",
                             "--token", "bravo=bravo-secret"], stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline().strip()
        check(line.startswith("listening on 127.0.0.1:"), f"first line: {line!r}")
        port = int(line.rsplit(":", 1)[1])
        check(port > 0, "a real port")
        asyncio.run(scenario(f"ws://127.0.0.1:{port}"))
    finally:
        proc.terminate()
        code = proc.wait(timeout=TIMEOUT)
    check(code == 0, f"exit code {code} after SIGTERM")
    print("python client: ok")


if __name__ == "__main__":
    main()
