# forge-udp.py SRC SPORT DST DPORT TEXT: one UDP datagram with a forged
# source, through a raw socket (root only: it fails otherwise).
import socket, struct, sys
def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff
src, sport, dst, dport = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
data = sys.argv[5].encode()
n = 8 + len(data)
pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack('!BBH', 0, 17, n)
udp = struct.pack('!HHHH', sport, dport, n, 0) + data
udp = struct.pack('!HHHH', sport, dport, n, csum(pseudo + udp) or 0xffff) + data
ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + n, 0, 0, 64, 17, 0,
                 socket.inet_aton(src), socket.inet_aton(dst))
socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW).sendto(ip + udp, (dst, 0))
