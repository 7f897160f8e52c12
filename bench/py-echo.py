# SPDX-License-Identifier: GPL-3.0-or-later
#
# The traced program's baseline: a TCP echo server as the course writes
# one, blocking, one client at a time. bench/run runs it alone and under
# protolab-cli trace, against the same load.
import socket
import sys

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(sys.argv[1])))
    s.listen(128)
    while True:
        conn, addr = s.accept()
        with conn:
            while True:
                data = conn.recv(1024)
                if not data:
                    break
                conn.sendall(data)
