"""HTTPS helpers for the tests: a test certificate, and a skiff started with TLS flags."""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading

import skiff_harness as h

LISTENING = re.compile(r"listening on (https?)://(\[[^\]]+\]|[^\s:/]+):(\d+)"
                       r"(?:.* tls-cert=(\S+))?")


def make_certificate(directory):
    """A self-signed certificate for localhost / 127.0.0.1 (openssl CLI); (cert, key) paths.
    Clients trust it directly (SSL_CERT_FILE for Go, verify= for botocore)."""
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                    "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True, timeout=30)
    return cert, key


class TlsServer:
    """A skiff process started with TLS flags; `scheme` is what it says it listens on."""

    def __init__(self, args):
        self.data_dir = tempfile.mkdtemp(prefix="skiff-tls-")
        self._stderr_file = tempfile.TemporaryFile()  # the JSON access log, read by AccessLog
        self.proc = subprocess.Popen(
            [h.SKIFF_BIN, "--port", "0", "--data-dir", self.data_dir, "--log-format", "json",
             *args], stdout=subprocess.PIPE, stderr=self._stderr_file, stdin=subprocess.DEVNULL,
            env={k: v for k, v in os.environ.items() if not k.startswith("SKIFF_")})
        self.scheme = self.port = None
        self._stdout = []
        timer = threading.Timer(h.STARTUP_TIMEOUT, self.proc.kill)
        timer.start()
        for raw in self.proc.stdout:
            line = raw.decode("utf-8", "replace")
            self._stdout.append(line)
            m = LISTENING.search(line)
            if m:
                self.scheme, self.port, self.cert = m.group(1), int(m.group(3)), m.group(4)
                break
        timer.cancel()
        self._drain = threading.Thread(target=lambda: [None for _ in self.proc.stdout],
                                       daemon=True)
        self._drain.start()

    def stop(self):
        """SIGTERM; the exit code, or None if it had to be killed. Safe to call twice."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=h.STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None
        finally:
            self._drain.join(5)  # EOF once the process is gone
            self.proc.stdout.close()
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def close(self):
        self.stop()
        self._stderr_file.close()
