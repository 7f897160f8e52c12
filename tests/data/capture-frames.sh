#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Captures the real frames that tests/test-packet.c decodes, once: the
# files it writes are kept beside it, and the tests read those, never the
# network. Run as root (it needs network namespaces and tcpdump):
#   tests/data/capture-frames.sh
# Two namespaces of its own, "alfa" (this shell's) and "beta" (a sleeping
# process's), joined by a veth pair, as the lab network is: 10.80.0.1 and
# 10.80.0.2, fd80::1 and fd80::2. What is captured is what Linux itself
# sent: ARP, neighbour discovery and MLD as the links come up and the
# first packets go, a ping each way, a TCP connection that says "hola\n"
# and is echoed, a refused connection, UDP over IPv6 and a datagram to a
# closed port. lo.pcap is a TCP connection on alfa's loopback. Nothing
# leaves the namespaces, which end with the script.
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
exec unshare -n sh -eu -s "$dir" <<'SCRIPT'
dir=$1
cd "$dir"
unshare -n sleep 60 &
beta=$!
sleep 0.2
in_beta () { nsenter -t "$beta" -n "$@"; }

ip link set lo up
ip link add v0 address 02:00:0a:50:00:01 type veth peer name v1 address 02:00:0a:50:00:02
ip link set v1 netns "$beta"
in_beta ip link set lo up
# Up, but with no carrier until beta's end is up too: tcpdump opens only
# an interface that is up.
ip link set v0 up

tcpdump -i v0 -s 0 -U -w veth.pcap 2>/dev/null &
dump_veth=$!
tcpdump -i lo -s 0 -U -w lo.pcap 2>/dev/null &
dump_lo=$!
sleep 1

ip addr add 10.80.0.1/24 dev v0
ip addr add fd80::1/64 dev v0 nodad
in_beta ip addr add 10.80.0.2/24 dev v1
in_beta ip addr add fd80::2/64 dev v1 nodad
in_beta ip link set v1 up
sleep 1

# A ping each way (ARP and neighbour discovery first), with raw sockets.
python3 - <<'PY'
import socket, struct
def checksum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
data = b'protolab'
req = struct.pack('!BBHHH', 8, 0, 0, 0x1234, 1) + data
req = req[:2] + struct.pack('!H', checksum(req)) + req[4:]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.settimeout(2); s.sendto(req, ('10.80.0.2', 0)); s.recv(100)
s6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s6.settimeout(2)
s6.sendto(struct.pack('!BBHHH', 128, 0, 0, 0x1234, 1) + data, ('fd80::2', 0)); s6.recv(100)
PY

# TCP over the link: "hola\n" echoed, then closed; then a refused connect.
cat >/tmp/protolab-echo-$$.py <<'PY'
import socket, sys
family = socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET
kind = socket.SOCK_DGRAM if sys.argv[2] == 'udp' else socket.SOCK_STREAM
s = socket.socket(family, kind)
s.bind((sys.argv[1], int(sys.argv[3])))
if kind == socket.SOCK_STREAM:
    s.listen(1)
    c, _ = s.accept()
    c.sendall(c.recv(100))
    c.recv(100)
    c.close()
else:
    data, peer = s.recvfrom(100)
    s.sendto(data, peer)
PY
in_beta python3 /tmp/protolab-echo-$$.py 10.80.0.2 tcp 5000 &
server=$!
sleep 0.5
python3 - <<'PY'
import socket
c = socket.create_connection(('10.80.0.2', 5000))
c.sendall(b'hola\n'); c.recv(100); c.close()
try:
    socket.create_connection(('10.80.0.2', 5999))
except ConnectionRefusedError:
    pass
PY
wait "$server"

# UDP over IPv6, echoed; then a datagram to a port where nothing is bound.
in_beta python3 /tmp/protolab-echo-$$.py fd80::2 udp 5001 &
server=$!
sleep 0.5
python3 - <<'PY'
import socket
u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
u.settimeout(2); u.sendto(b'hola udp', ('fd80::2', 5001)); u.recv(100)
v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
v.sendto(b'nadie', ('10.80.0.2', 5998))
PY
wait "$server"

# TCP on alfa's loopback: Ethernet frames with zero addresses.
python3 /tmp/protolab-echo-$$.py 127.0.0.1 tcp 5000 &
server=$!
sleep 0.5
python3 - <<'PY'
import socket
c = socket.create_connection(('127.0.0.1', 5000))
c.sendall(b'hola\n'); c.recv(100); c.close()
PY
wait "$server"
sleep 1

rm -f /tmp/protolab-echo-$$.py
kill "$dump_veth" "$dump_lo" "$beta"
wait "$dump_veth" "$dump_lo" || true
SCRIPT
