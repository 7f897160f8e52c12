# Course program P9: 003_5b2ad26d7b384e6a.txt, section "Ejemplo: Echo UDP (servidor)" (udp_server.py), block at line 44.
# Verbatim copy; only the port was adapted: it is taken from int(sys.argv[1]) ('import sys' added).
# udp_server.py
import socket
import sys

IP = "0.0.0.0"
PORT = int(sys.argv[1])
BUF = 2048

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind((IP, PORT))
print(f"UDP server escuchando en {IP}:{PORT}")

while True:
    data, addr = sock.recvfrom(BUF)         # bloqueante
    print(f"Rx {len(data)} bytes de {addr}")
    sock.sendto(data, addr)                 # eco
