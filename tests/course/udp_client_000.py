# Course program P4: 000_990611c79e6e402f.txt, section "Ejemplo Comparativo" > "Cliente UDP", block at line 127.
# Verbatim copy; only the port was adapted: it is taken from int(sys.argv[1]) ('import sys' added).
import socket
import sys

client_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
server_address = ('localhost', int(sys.argv[1]))
client_socket.sendto(b'Hola, servidor!', server_address)
data, server = client_socket.recvfrom(1024)
print(f"Recibido: {data.decode()}")
client_socket.close()
