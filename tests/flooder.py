# flooder.py HOST PORT TAG OUT [N]: a sender of its own, for floods. It
# connects, writes its local port to OUT and reads until OUT.go exists;
# then it says N (default: a million) lines "TAG-000001 zzz...", 100 bytes
# each, 20000 a second, reading all the while, until the server closes or
# OUT.stop exists. What it got goes to OUT.data, how it ended to OUT.end.
import os, selectors, socket, sys, time
host, port, tag, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
count = int(sys.argv[5]) if len(sys.argv) > 5 else 1000000
s = socket.create_connection((host, port))
with open(out + '.tmp', 'w') as f:
    f.write('%d\n' % s.getsockname()[1])
os.rename(out + '.tmp', out)
s.setblocking(False)
sel = selectors.DefaultSelector()
sel.register(s, selectors.EVENT_READ)
got, i, pending, how = bytearray(), 0, b'', 'timeout'
# Read until told to go (OUT.go exists), then flood.
while not os.path.exists(out + '.go'):
    if sel.select(0.01):
        got += s.recv(65536)
start = time.time()
deadline = start + 60
while time.time() < deadline and not os.path.exists(out + '.stop'):
    # Paced: the lines due by now, 200 every 10 ms, while the server takes.
    while pending is not None and i < count and \
            i < (time.time() - start) * 20000:
        for _ in range(min(200, count - i)):
            i += 1
            pending += b'%s-%06d %s\n' % (tag.encode(), i, b'z' * 89)
    if pending:
        try:
            pending = pending[s.send(pending):]
        except BlockingIOError:
            pass
        except OSError:
            pending = None
    if sel.select(0.01):
        try:
            data = s.recv(65536)
        except BlockingIOError:
            continue
        except OSError as e:
            how = 'error: %s' % e.strerror
            break
        if not data:
            how = 'eof'
            break
        got += data
with open(out + '.data', 'wb') as f:
    f.write(got)
with open(out + '.end', 'w') as f:
    f.write(how + '\n')
