# room-hub.py DIR: the room tests' peers (lib-room.sh), every socket in one
# process. Commands on its standard input, one a line:
#   tcp NAME HOST PORT [BUF]  connect (with a receive buffer of BUF
#                             bytes); DIR/NAME.port gets the local port
#   udp NAME HOST PORT [SRC]  a UDP socket (bound to port SRC), connected
#   tls NAME HOST PORT CAFILE [CERT KEY] [BUF]
#                             a TLS connection (TLS 1.2 or later) that
#                             trusts only CAFILE's certificates, for the
#                             name localhost, presenting the client
#                             certificate CERT (key KEY) if given, with a
#                             receive buffer of BUF bytes if given; the
#                             handshake waits up to 5 s; DIR/NAME.port as
#                             for tcp
#   send NAME [HEX]           bytes to send (TCP), or one datagram (UDP)
#   file NAME PATH            the bytes of PATH, to send (TCP)
#   shut NAME                 half-close once all is sent
#   close NAME                close
#   reset NAME                close with SO_LINGER 0: a reset
#   deaf NAME                 read nothing more
# What NAME receives is appended to DIR/NAME.out, the size of each datagram
# to DIR/NAME.sizes; DIR/NAME.end says how it ended ("eof": the server
# closed). For a TLS peer, the end of the server's side with or without
# close_notify is "eof" alike, and DIR/NAME.close says which it was
# ("close_notify" or "no close_notify"). TLS has no half-close: shut is
# refused for a TLS peer (DIR/NAME.end says so), and reset closes without
# close_notify.
import os, selectors, socket, ssl, struct, sys

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
        self.tls = isinstance(sock, ssl.SSLSocket)
        # TLS: a read that waits for the socket to be writable, or a write
        # that waits for it to be readable.
        self.read_ww = self.write_wr = False
        sock.setblocking(False)
        self.watch()
        put(name, '.port', '%d\n' % sock.getsockname()[1])

    def watch(self):
        mask = (0 if self.deaf and not self.write_wr
                else selectors.EVENT_READ) | \
            (selectors.EVENT_WRITE if (self.pending and not self.write_wr)
             or self.read_ww else 0)
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
        if self.read_ww:
            self.read_ww = False
            self.read()
            if peers.get(self.name) is not self:
                return
        self.write_wr = False
        try:
            if self.pending:
                self.pending = self.pending[self.sock.send(self.pending):]
        except (BlockingIOError, ssl.SSLWantWriteError):
            pass
        except ssl.SSLWantReadError:
            self.write_wr = True
        except OSError as e:
            return self.end('error: send: %s' % e.strerror)
        if not self.pending and self.shut:
            self.sock.shutdown(socket.SHUT_WR)
            self.shut = False
        self.watch()

    def read(self):
        if self.tls:
            return self.read_tls()
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

    def read_tls(self):
        if self.write_wr:
            self.write()
            if peers.get(self.name) is not self:
                return
        # What the session already decrypted is not in the socket: the
        # selector would not say it is there.
        while True:
            try:
                data = self.sock.recv(65536)
            except ssl.SSLWantReadError:
                break
            except ssl.SSLWantWriteError:
                self.read_ww = True
                break
            except ssl.SSLEOFError:
                put(self.name, '.close', 'no close_notify\n')
                return self.end('eof')
            except OSError as e:
                return self.end('error: receive: %s' %
                                (e.strerror or getattr(e, 'reason', None)
                                 or e))
            if not data:
                put(self.name, '.close', 'close_notify\n')
                return self.end('eof')
            self.out.write(data)
            if self.deaf or not self.sock.pending():
                break
        self.watch()

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
    if w[0] == 'tls':
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        # The test's CA only: never the machine's store.
        ctx.load_verify_locations(cafile=w[4])
        more = w[5:]
        if len(more) >= 2:
            ctx.load_cert_chain(more[0], more[1])
            more = more[2:]
        s = socket.socket(socket.AF_INET6 if ':' in w[2] else socket.AF_INET)
        if more:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, int(more[0]))
        s.settimeout(5)
        s.connect((w[2], int(w[3])))
        try:
            # suppress_ragged_eofs=False: an end without close_notify
            # raises SSLEOFError instead of looking like one with it.
            s = ctx.wrap_socket(s, server_hostname='localhost',
                                suppress_ragged_eofs=False)
        except OSError:
            s.close()
            raise
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
    elif w[0] == 'shut' and p.tls:
        return p.end('error: shut: TLS has no half-close')
    elif w[0] == 'shut':
        p.shut = True
    elif w[0] == 'close':
        if p.tls:
            # close_notify, as far as the socket takes it at once.
            try:
                p.sock.unwrap()
            except (ssl.SSLError, OSError, ValueError):
                pass
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
