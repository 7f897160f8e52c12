# Course program P1: 000_990611c79e6e402f.txt, section "Ejemplo Comparativo" > "Servidor TCP", block at line 85.
# Verbatim copy; only the port was adapted: it is taken from int(sys.argv[1]) ('import sys' added).
import socket
import sys

server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server_socket.bind(('localhost', int(sys.argv[1])))
server_socket.listen(5)

while True:
    client_socket, addr = server_socket.accept()
    data = client_socket.recv(1024)
    client_socket.send(b"Mensaje recibido")
    client_socket.close()
