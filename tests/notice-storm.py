# notice-storm.py HOST PORT N: an observer in the lobby of a tschatd -B,
# then N connections at once, then all N closed at once. Prints what the
# observer and the newcomers were told, a "key value" line each, for
# notice-rate.sh to judge; exits 1 with a reason when a wait runs out.
import re, select, socket, sys, time

host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
STAMP = r'^\[[^]]*\] \*\*\* '
JOIN = re.compile(STAMP + r'(\S+) joined \((\d+) online\)$')
LEFT = re.compile(STAMP + r'(\S+) left \((\d+) online\)$')
BOTH = re.compile(STAMP + r'(\d+) more joined, (\d+) more left '
                  r'\((\d+) online\)$')
MORE_JOINED = re.compile(STAMP + r'(\d+) more joined \((\d+) online\)$')
MORE_LEFT = re.compile(STAMP + r'(\d+) more left \((\d+) online\)$')
WHO = re.compile(STAMP + r'(\d+) online:$')
WAIT_SECS = 30


def die(why):
    print('notice-storm.py: ' + why, file=sys.stderr)
    sys.exit(1)


class Peer:
    def __init__(self):
        self.sock = socket.socket()
        self.sock.setblocking(False)
        try:
            self.sock.connect((host, port))
        except BlockingIOError:
            pass
        self.nick = '127.0.0.1:%d' % self.sock.getsockname()[1]
        self.buf = b''
        self.lines = []
        self.closed = False

    def read(self):
        try:
            data = self.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except ConnectionError:
            data = b''
        if not data:
            self.closed = True
            return
        self.buf += data
        *whole, self.buf = self.buf.split(b'\n')
        self.lines += [w.decode('utf-8', 'replace') for w in whole]


def pump(peers, done, what):
    """Read PEERS until DONE() holds; at most WAIT_SECS."""
    deadline = time.monotonic() + WAIT_SECS
    while not done():
        left = deadline - time.monotonic()
        if left <= 0:
            die('after %d s: %s' % (WAIT_SECS, what()))
        open_ = [p for p in peers if not p.closed]
        if not open_:
            die('every connection closed: ' + what())
        r, _, _ = select.select([p.sock for p in open_], [], [],
                                min(left, 0.2))
        for p in open_:
            if p.sock in r:
                p.read()


class Tally:
    """The observer's join and leave lines, one by one and summarised."""
    def __init__(self, obs):
        self.obs, self.seen = obs, 0
        self.joins = self.joined = self.leaves = self.left = 0
        self.summaries, self.online, self.who, self.bad = [], None, None, []

    def update(self):
        for line in self.obs.lines[self.seen:]:
            m = JOIN.match(line)
            if m and m.group(1) != self.obs.nick:
                self.joins += 1
                self.online = int(m.group(2))
                continue
            if LEFT.match(line):
                self.leaves += 1
                self.online = int(LEFT.match(line).group(2))
                continue
            m = BOTH.match(line)
            if m:
                self.joined += int(m.group(1))
                self.left += int(m.group(2))
                self.online = int(m.group(3))
                self.summaries.append(line)
                continue
            m = MORE_JOINED.match(line) or MORE_LEFT.match(line)
            if m:
                if MORE_JOINED.match(line):
                    self.joined += int(m.group(1))
                else:
                    self.left += int(m.group(1))
                self.online = int(m.group(2))
                self.summaries.append(line)
                continue
            m = WHO.match(line)
            if m:
                self.who = int(m.group(1))
            elif ' more ' in line:
                self.bad.append(line)
        self.seen = len(self.obs.lines)


obs = Peer()
mine = STAMP[:-1] + ' ' + re.escape(obs.nick) + r' joined \(1 online\)$'
pump([obs], lambda: any(re.match(mine, l) for l in obs.lines),
     lambda: 'the observer had no join notice of its own (1 online): %r'
     % obs.lines[-3:])
tally = Tally(obs)
tally.update()

# The storm of joins: each newcomer must get its own join notice.
t0 = time.monotonic()
crowd = [Peer() for _ in range(n)]


def own_notices():
    return sum(1 for p in crowd
               if any(JOIN.match(l) and JOIN.match(l).group(1) == p.nick
                      for l in p.lines))


def joins_done():
    tally.update()
    return (tally.joins + tally.joined >= n and
            all(p.lines for p in crowd) and own_notices() == n)


pump([obs] + crowd, joins_done,
     lambda: 'joins told to the observer: %d one by one, %d summarised; '
     'newcomers with their own join notice: %d of %d'
     % (tally.joins, tally.joined, own_notices(), n))
t1 = time.monotonic()
print('own_joins %d' % own_notices())
print('joins_one_by_one %d' % tally.joins)
print('joins_summarised %d' % tally.joined)
print('join_secs %.3f' % (t1 - t0))

# The room as the observer sees it now: everyone.
obs.sock.sendall(b'/who\n')
pump([obs] + crowd, lambda: tally.update() or tally.who is not None,
     lambda: 'no answer to /who')
print('who %d' % tally.who)

# The storm of leaves.
t2 = time.monotonic()
for p in crowd:
    p.sock.close()


def leaves_done():
    tally.update()
    return tally.leaves + tally.left >= n


pump([obs], leaves_done,
     lambda: 'leaves told to the observer: %d one by one, %d summarised'
     % (tally.leaves, tally.left))
t3 = time.monotonic()
print('leaves_one_by_one %d' % tally.leaves)
print('leaves_summarised %d' % tally.left)
print('leave_secs %.3f' % (t3 - t2))
print('last_online %d' % tally.online)
for line in tally.summaries:
    print('summary %s' % line)
for line in tally.bad:
    print('bad %s' % line)
obs.sock.close()
