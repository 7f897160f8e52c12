# Course program P7: 001_bd7f1da919782318.txt, section "Ejemplos" > "Servidor UDP tipo \"eco\"" (servidor_udp.py), block at line 300.
# Verbatim copy; only the port was adapted: it is taken from int(sys.argv[1]) ('import sys' added).
# Mojibake of the seed repaired (text re-decoded GBK->UTF-8: 'env铆a' -> 'envía').
import socket
import sys

# Crear socket UDP
udp_server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp_server.bind(("0.0.0.0", int(sys.argv[1])))

print("Servidor UDP esperando mensajes...")

while True:
    data, addr = udp_server.recvfrom(1024)
    print(f"Mensaje de {addr}: {data.decode()}")
    udp_server.sendto(data, addr)  # Eco: envía lo mismo
