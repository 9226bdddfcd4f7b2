"""Web chat load: holds many widget sessions open and measures agent → visitor delivery.

Every session says hello and sends one message (so it has a case); then, with all of them
still connected, agents answer a sample of the cases through the API one after another and
the time from the API call to the visitor's WebSocket receiving the answer is measured.
"""
import asyncio, json, statistics, sys, time, urllib.request, uuid
import websockets

base, token, sessions, samples = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
ws_url = base.replace("http", "ws") + "/chat/acme/ws"


class Session:
    def __init__(self):
        self.visitor = uuid.uuid4().hex
        self.case_number = None
        self.waiting = {}

    async def run(self, ready):
        async with websockets.connect(ws_url, max_queue=None, open_timeout=60, ping_interval=None) as socket:
            await socket.send(json.dumps({"type": "hello", "visitor": self.visitor, "lastSeq": 0}))
            # With an email, so the message is taken whether a person chats now or it is left
            # as a message answered by email (outside the demo teams' office hours).
            await socket.send(json.dumps({"type": "message", "clientId": "c1", "text": "Hello from " + self.visitor[:8],
                                          "email": self.visitor[:12] + "@bench.example"}))
            async for raw in socket:
                message = json.loads(raw)
                if message["type"] == "stored" and self.case_number is None:
                    self.case_number = message["caseNumber"]
                    ready.release()
                elif message["type"] == "error":
                    print("error from the server:", message.get("detail"), file=sys.stderr)
                elif message["type"] == "message" and message.get("from") == "agent":
                    future = self.waiting.pop(message["text"], None)
                    if future and not future.done():
                        future.set_result(time.perf_counter())


def post_reply(case_id, text):
    request = urllib.request.Request(base + f"/api/v1/cases/{case_id}/interactions", method="POST",
                                     data=json.dumps({"type": "reply", "body": text}).encode(),
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    urllib.request.urlopen(request).read()


async def main():
    ready = asyncio.Semaphore(0)
    all_sessions = [Session() for _ in range(sessions)]
    started = time.perf_counter()
    tasks = []
    for index, session in enumerate(all_sessions):
        tasks.append(asyncio.create_task(session.run(ready)))
        if index % 200 == 199:
            await asyncio.sleep(0.05)
    for _ in range(sessions):
        await asyncio.wait_for(ready.acquire(), timeout=600)
    opened = time.perf_counter() - started
    print(f"sessions open with a case each: {sessions} in {opened:.1f} s ({sessions / opened:.0f} sessions/s)")
    # Let the burst of new cases settle (their routing, SLA and notices), then measure.
    await asyncio.sleep(5)
    loop = asyncio.get_running_loop()
    latencies = []
    missed = 0
    for n in range(samples):
        session = all_sessions[(n * 7919) % sessions]
        case_id = session.case_number
        text = f"answer {n} {uuid.uuid4().hex[:6]}"
        future = loop.create_future()
        session.waiting[text] = future
        sent = time.perf_counter()
        await loop.run_in_executor(None, post_reply, case_id, text)
        try:
            received = await asyncio.wait_for(future, timeout=10)
            latencies.append((received - sent) * 1000)
        except asyncio.TimeoutError:
            missed += 1
    closed = sum(1 for task in tasks if task.done())
    if missed or closed:
        print(f"not delivered within 10 s: {missed} of {samples} answers; sessions closed meanwhile: {closed}")
    if not latencies:
        return
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(len(latencies) * q))]
    print(f"agent → visitor delivery with {sessions} sessions open: p50 {p(0.5):.1f} ms, p99 {p(0.99):.1f} ms, max {latencies[-1]:.1f} ms ({samples} answers)")
    for task in tasks:
        task.cancel()

asyncio.run(main())
