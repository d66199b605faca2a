"""Drive a command through a pseudo-terminal, as a person at a keyboard would.

usage: pty-drive.py STEPS_JSON -- command args...
STEPS_JSON is a list of [wait_for_text, keys_to_send]; prints the whole screen output, then
exits with the command's exit code (124 when a wait timed out).
"""
import json, os, pty, select, sys, time

steps = json.loads(sys.argv[1])
cmd = sys.argv[sys.argv.index("--") + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)

out = b""
def read_until(text, timeout=10.0):
    global out
    deadline = time.time() + timeout
    while text.encode() not in out:
        left = deadline - time.time()
        if left <= 0:
            return False
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                return text.encode() in out
            if not chunk:
                return text.encode() in out
            out += chunk
    return True

for wait_for, keys in steps:
    if not read_until(wait_for):
        sys.stdout.write(out.decode(errors="replace"))
        sys.stdout.write(f"\n[pty-drive] timed out waiting for {wait_for!r}\n")
        os.kill(pid, 9)
        sys.exit(124)
    time.sleep(0.15)
    os.write(fd, keys.encode())

while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
