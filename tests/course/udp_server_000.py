# Course program P3: 000_990611c79e6e402f.txt, section "Ejemplo Comparativo" > "Servidor UDP", block at line 114.
# Verbatim copy; only the port was adapted: it is taken from int(sys.argv[1]) ('import sys' added).
import socket
import sys

server_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
server_socket.bind(('localhost', int(sys.argv[1])))

while True:
    data, addr = server_socket.recvfrom(1024)
    server_socket.sendto(b"Mensaje recibido", addr)
