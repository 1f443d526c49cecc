# burst.py HOST PORT N: N connections at once, then all closed at once
# (every other one with a reset); one line on how many connected.
import select, socket, struct, sys, time
host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
socks = []
for i in range(n):
    s = socket.socket()
    s.setblocking(False)
    try:
        s.connect((host, port))
    except BlockingIOError:
        pass
    socks.append(s)
pending, deadline = set(socks), time.time() + 5
while pending and time.time() < deadline:
    _, w, _ = select.select([], list(pending), [], 0.2)
    pending -= set(w)
for i, s in enumerate(socks):
    if i % 2:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                     struct.pack('ii', 1, 0))
    s.close()
print('%d of %d connected, then closed' % (n - len(pending), n))
