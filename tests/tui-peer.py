# tui-peer.py NAME connect HOST PORT | tui-peer.py NAME listen: a peer of
# the full-screen tests (lib-tui.sh), or a server of the test's own (one
# client). Commands are lines appended to NAME.cmd:
#   say TEXT      TEXT and a newline
#   hex HEX       these bytes, nothing added
#   sleep SECS
#   close
# What it receives is appended to NAME.out; NAME.port holds its local port
# once connected (connect) or listening (listen).
import os, select, socket, sys, time

name, mode = sys.argv[1], sys.argv[2]
cmdf = open(name + '.cmd', 'rb')
out = open(name + '.out', 'ab', buffering=0)

def put(ext, text):
    with open(name + ext + '.tmp', 'w') as f:
        f.write(text)
    os.rename(name + ext + '.tmp', name + ext)

if mode == 'listen':
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.bind(('127.0.0.1', 0))
    ls.listen(1)
    put('.port', '%d\n' % ls.getsockname()[1])
    s, _ = ls.accept()
    ls.close()
else:
    s = socket.create_connection((sys.argv[3], int(sys.argv[4])), 5)
    put('.port', '%d\n' % s.getsockname()[1])
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
s.setblocking(True)
pending = b''
while True:
    r, _, _ = select.select([s], [], [], 0.02)
    if r:
        try:
            data = s.recv(65536)
        except OSError:
            data = b''
        if not data:
            break
        out.write(data)
    pending += cmdf.read()
    while b'\n' in pending:
        line, pending = pending.split(b'\n', 1)
        cmd, _, arg = line.partition(b' ')
        if cmd == b'say':
            s.sendall(arg + b'\n')
        elif cmd == b'hex':
            s.sendall(bytes.fromhex(arg.decode()))
        elif cmd == b'sleep':
            time.sleep(float(arg))
        elif cmd == b'close':
            s.close()
            sys.exit(0)
