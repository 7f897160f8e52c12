# Course program P2: 000_990611c79e6e402f.txt, section "Ejemplo Comparativo" > "Cliente TCP", block at line 101.
# Verbatim copy; only the port was adapted: it is taken from int(sys.argv[1]) ('import sys' added).
import socket
import sys

client_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client_socket.connect(('localhost', int(sys.argv[1])))
client_socket.send(b'Hola, servidor!')
data = client_socket.recv(1024)
print(f"Recibido: {data.decode()}")
client_socket.close()
