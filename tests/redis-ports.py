# redis-ports.py PID PORT: the local ports of PID's established TCP
# connections to PORT (Redis's), from /proc, one a line.
import os, sys
pid, rport = sys.argv[1], int(sys.argv[2])
inodes = set()
for fd in os.listdir('/proc/%s/fd' % pid):
    try:
        link = os.readlink('/proc/%s/fd/%s' % (pid, fd))
    except OSError:
        continue
    if link.startswith('socket:['):
        inodes.add(link[8:-1])
for f in ('/proc/net/tcp', '/proc/net/tcp6'):
    try:
        rows = open(f).readlines()[1:]
    except OSError:
        continue
    for row in rows:
        w = row.split()
        # Established (01), to Redis's port, and ours.
        if w[3] == '01' and w[9] in inodes and \
                int(w[2].rsplit(':', 1)[1], 16) == rport:
            print(int(w[1].rsplit(':', 1)[1], 16))
