# victim-peer.py MODE HOST PORT OUT: a peer of its own, outside the hub,
# that faults.sh kills. It connects, writes its local port to OUT, then
# sends one long line of 'k' in pieces without its newline, writing how
# much it sent to OUT.sent. With MODE "drain" it reads what comes first, so
# that at its death the kernel has nothing unread and sends FIN; with
# "nodrain" it reads nothing, and RST is sent.
import os, select, socket, sys, time
mode, host, port, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
s = socket.create_connection((host, port))
def put(path, text):
    with open(path + '.tmp', 'w') as f:
        f.write(text)
    os.rename(path + '.tmp', path)
put(out, '%d\n' % s.getsockname()[1])
sent = 0
while sent < 7000:
    if mode == 'drain':
        while select.select([s], [], [], 0.02)[0]:
            if not s.recv(65536):
                sys.exit(0)
    sent += s.send(b'k' * 100)
    put(out + '.sent', '%d\n' % sent)
    time.sleep(0.005)
time.sleep(60)
