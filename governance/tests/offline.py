"""What an auditor runs on a sealed folder (snapshot or evidence package), with the real tools."""

import subprocess

VERIFY_SIGNATURE = [
    "openssl", "dgst", "-sha256", "-verify", "keys/evidence-signing-pub.pem",
    "-signature", "manifest-sha256.txt.sig", "manifest-sha256.txt",
]  # fmt: skip


def run(*args, cwd):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)


def sha256sum_check(folder):
    return run("sha256sum", "-c", "manifest-sha256.txt", cwd=folder)


def openssl_verify(folder):
    return run(*VERIFY_SIGNATURE, cwd=folder)
