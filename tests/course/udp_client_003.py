# Course program P10: 003_5b2ad26d7b384e6a.txt, section "Ejemplo: Echo UDP (cliente)" (udp_client.py), block at line 64.
# Verbatim copy; only the port was adapted: it is taken from int(sys.argv[1]) ('import sys' added).
# udp_client.py
import socket
import sys

SERVER = ("127.0.0.1", int(sys.argv[1]))
msg = b"hola udp"

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.settimeout(2.0)                        # para no colgarse si no responde
sock.sendto(msg, SERVER)
data, addr = sock.recvfrom(2048)
print("Respuesta:", data.decode())
