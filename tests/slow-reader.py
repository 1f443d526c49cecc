# slow-reader.py MODE HOST PORT OUT ARG: a reader with a receive buffer of
# 4 KiB that reads in pieces of 1 to 700 bytes (from the seed in $SEED),
# now and then pausing, so that the server's writes return EAGAIN and
# short counts. It writes its local port to OUT, what it got to OUT.data,
# and how it read to standard output. "room HOST PORT OUT LAST": read until
# a line ends in LAST. "echo HOST PORT OUT N": send N lines of 100 bytes
# while reading, until all came back; check that each came back stamped,
# in order.
import os, random, selectors, socket, sys, time
mode, host, port, out, arg = sys.argv[1:6]
rng = random.Random(int(os.environ.get('SEED', '1')))
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect((host, int(port)))
with open(out + '.tmp', 'w') as f:
    f.write('%d\n' % s.getsockname()[1])
os.rename(out + '.tmp', out)
s.setblocking(False)
got, reads, short, todo = bytearray(), 0, 0, b''
if mode == 'echo':
    n = int(arg)
    line = lambda i: b'e-%06d %s' % (i, b'y' * 90)
    todo = b''.join(line(i) + b'\n' for i in range(1, n + 1))
    want = n * (27 + 100)
    done = lambda: len(got) >= want
else:
    last = arg.encode() + b'\n'
    done = lambda: got.endswith(last)
sel = selectors.DefaultSelector()
sel.register(s, selectors.EVENT_READ | (selectors.EVENT_WRITE if todo else 0))
deadline = time.time() + 120
while not done() and time.time() < deadline:
    for key, ev in sel.select(1):
        if ev & selectors.EVENT_WRITE and todo:
            try:
                todo = todo[s.send(todo[:rng.randint(1, 9000)]):]
            except BlockingIOError:
                pass
            if not todo:
                sel.modify(s, selectors.EVENT_READ)
        if ev & selectors.EVENT_READ:
            k = rng.randint(1, 700)
            try:
                data = s.recv(k)
            except BlockingIOError:
                continue
            if not data:
                sys.exit('the server closed after %d bytes' % len(got))
            reads += 1
            short += len(data) < k
            got += data
            if rng.random() < 0.002:
                time.sleep(0.01)
with open(out + '.data', 'wb') as f:
    f.write(got)
print('%d bytes in %d reads, %d of them short' % (len(got), reads, short))
if not done():
    sys.exit('timed out after %d bytes' % len(got))
if mode == 'echo':
    lines = bytes(got).split(b'\n')
    if len(lines) != n + 1 or lines[-1]:
        sys.exit('%d lines came back of %d' % (len(lines) - 1, n))
    for i, l in enumerate(lines[:-1], 1):
        if l[27:] != line(i) or not l.startswith(b'['):
            sys.exit('echo line %d is %r' % (i, l[:60]))
