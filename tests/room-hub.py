# room-hub.py DIR: the room tests' peers (lib-room.sh), every socket in one
# process. Commands on its standard input, one a line:
#   tcp NAME HOST PORT [BUF]  connect (with a receive buffer of BUF
#                             bytes); DIR/NAME.port gets the local port
#   udp NAME HOST PORT [SRC]  a UDP socket (bound to port SRC), connected
#   send NAME [HEX]           bytes to send (TCP), or one datagram (UDP)
#   file NAME PATH            the bytes of PATH, to send (TCP)
#   shut NAME                 half-close once all is sent
#   close NAME                close
#   reset NAME                close with SO_LINGER 0: a reset
#   deaf NAME                 read nothing more
# What NAME receives is appended to DIR/NAME.out, the size of each datagram
# to DIR/NAME.sizes; DIR/NAME.end says how it ended ("eof": the server
# closed).
import os, selectors, socket, struct, sys

D = sys.argv[1]
sel = selectors.DefaultSelector()
peers = {}

def put(name, ext, text):
    path = os.path.join(D, name + ext)
    with open(path + '.tmp', 'w') as f:
        f.write(text)
    os.rename(path + '.tmp', path)

class Peer:
    def __init__(self, name, sock, udp):
        self.name, self.sock, self.udp = name, sock, udp
        self.out = open(os.path.join(D, name + '.out'), 'ab', buffering=0)
        self.pending, self.shut, self.deaf, self.mask = b'', False, False, 0
        sock.setblocking(False)
        self.watch()
        put(name, '.port', '%d\n' % sock.getsockname()[1])

    def watch(self):
        mask = (0 if self.deaf else selectors.EVENT_READ) | \
            (selectors.EVENT_WRITE if self.pending else 0)
        if mask == self.mask:
            return
        if self.mask == 0:
            sel.register(self.sock, mask, self)
        elif mask == 0:
            sel.unregister(self.sock)
        else:
            sel.modify(self.sock, mask, self)
        self.mask = mask

    def write(self):
        try:
            self.pending = self.pending[self.sock.send(self.pending):]
        except BlockingIOError:
            pass
        except OSError as e:
            return self.end('error: send: %s' % e.strerror)
        if not self.pending and self.shut:
            self.sock.shutdown(socket.SHUT_WR)
            self.shut = False
        self.watch()

    def read(self):
        try:
            data = self.sock.recv(65536)
        except BlockingIOError:
            return
        except OSError as e:
            return self.end('error: receive: %s' % e.strerror)
        if self.udp:
            with open(os.path.join(D, self.name + '.sizes'), 'a') as f:
                f.write('%d\n' % len(data))
        elif not data:
            return self.end('eof')
        self.out.write(data)

    def end(self, how):
        if self.mask:
            sel.unregister(self.sock)
        self.sock.close()
        del peers[self.name]
        put(self.name, '.end', how + '\n')

def command(w):
    if w[0] == 'tcp':
        s = socket.socket(socket.AF_INET6 if ':' in w[2] else socket.AF_INET)
        if len(w) > 4:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, int(w[4]))
        s.settimeout(5)
        s.connect((w[2], int(w[3])))
        peers[w[1]] = Peer(w[1], s, False)
        return
    if w[0] == 'udp':
        s = socket.socket(socket.AF_INET6 if ':' in w[2] else socket.AF_INET,
                          socket.SOCK_DGRAM)
        if len(w) > 4:
            s.bind((w[2], int(w[4])))
        s.connect((w[2], int(w[3])))
        peers[w[1]] = Peer(w[1], s, True)
        return
    p = peers[w[1]]
    if w[0] == 'send' and p.udp:
        p.sock.send(bytes.fromhex(w[2] if len(w) > 2 else ''))
        return
    if w[0] == 'send':
        p.pending += bytes.fromhex(w[2] if len(w) > 2 else '')
    elif w[0] == 'file':
        with open(w[2], 'rb') as f:
            p.pending += f.read()
    elif w[0] == 'shut':
        p.shut = True
    elif w[0] == 'close':
        return p.end('closed by the test')
    elif w[0] == 'reset':
        p.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                          struct.pack('ii', 1, 0))
        return p.end('reset by the test')
    elif w[0] == 'deaf':
        p.deaf = True
    p.write()

os.set_blocking(0, False)
sel.register(0, selectors.EVENT_READ, None)
buf = b''
while True:
    for key, ev in sel.select():
        p = key.data
        if p is None:
            data = os.read(0, 65536)
            if not data:
                sys.exit(0)
            buf += data
            while b'\n' in buf:
                line, buf = buf.split(b'\n', 1)
                w = line.decode().split()
                try:
                    command(w)
                except (OSError, KeyError) as e:
                    sys.stderr.write('hub: %s: %r\n' % (line.decode(), e))
                    put(w[1], '.end', 'error: %r\n' % e)
        elif peers.get(p.name) is p:
            if ev & selectors.EVENT_READ:
                p.read()
            if peers.get(p.name) is p and ev & selectors.EVENT_WRITE:
                p.write()
