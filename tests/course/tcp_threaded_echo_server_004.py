# Course program P17: 004_d6b4fcf20bcc41bd.txt, section "Ejemplo de servidor que acepta múltiples conexiones y usa socket.setsockopt", block at line 192.
# Verbatim copy; only the port was adapted: it is taken from int(sys.argv[1]) ('import sys' added).
import socket, threading
import sys

class ClientThread(threading.Thread):
	def __init__(self, client, addr):
		super().__init__()
		self.client = client
		self.addr = addr

		print(f"\n[i] New client: {addr[0]}:{addr[1]}")

	def run(self):
		message = ""
		while True:
			message = self.client.recv(1024).decode()
			print(message)
			if message.strip() == "bye":
				break

			print(f"\n[+] Message recived from {self.addr[0]}:{self.addr[1]}: {message}")
			self.client.send(message.encode())

		print(f"\n\t[!] Client {self.addr[0]}:{self.addr[1]} disconected\n")
		self.client.close()

HOST = "localhost"
PORT = int(sys.argv[1])

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
	server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1) # TIME_WAIT
	server.bind((HOST, PORT))

	print(f"\n[+] Listenning on {HOST}:{PORT}")

	while True:
		server.listen()
		client, addr = server.accept()
		new_thread = ClientThread(client, addr)
		new_thread.start()
